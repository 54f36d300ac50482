/* Render the formulas that pymdownx.arithmatex (generic mode) leaves as \( \) and \[ \] inside
 * .arithmatex elements, with the vendored KaTeX (assets/vendor/katex). Loaded only on pages whose
 * front matter says `math: true`; runs inside document$ (mkdocs-material). */
(function () {
  "use strict";
  function render() {
    if (typeof window.katex === "undefined") return;
    Array.prototype.forEach.call(document.querySelectorAll(".arithmatex:not([data-katex])"), function (el) {
      var tex = el.textContent.trim();
      var display = el.tagName === "DIV";
      tex = tex.replace(/^\\[([]/, "").replace(/\\[)\]]$/, "");
      try {
        window.katex.render(tex, el, { displayMode: display, throwOnError: false });
        el.setAttribute("data-katex", "1");
      } catch (error) {
        console.error("formula could not be rendered:", tex, error);
      }
    });
  }
  if (typeof window.document$ !== "undefined") window.document$.subscribe(render);
  else document.addEventListener("DOMContentLoaded", render);
})();
