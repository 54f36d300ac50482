/* "Cite this" boxes: each Copy button copies the text of the <pre> next to it, through
 * navigator.clipboard where the page may use it; otherwise (or when it refuses) the text is selected,
 * so Ctrl+C / long-press copies it, and the button says so. Buttons are hidden until this script
 * shows them (without a script the text is there to select by hand). Runs inside document$. */
(function () {
  "use strict";

  function select(pre) {
    var range = document.createRange();
    range.selectNodeContents(pre);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copy(button) {
    var pre = button.closest(".cite-block").querySelector("pre");
    var text = pre.textContent;
    function done(message) {
      button.textContent = message;
      window.setTimeout(function () { button.textContent = "Copy"; }, 2500);
    }
    function fallback() {
      select(pre);
      done("Selected: press Ctrl+C");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done("Copied"); }, fallback);
    } else {
      fallback();
    }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".cite-copy"), function (button) {
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
  }

  if (typeof window.document$ !== "undefined") window.document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
