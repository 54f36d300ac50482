/* Load the search index only when the reader uses search. mkdocs-material requests
 * search/search_index.json (through XMLHttpRequest) as soon as a page opens; this script, loaded
 * before the theme's bundle, holds that one request back until the search box is focused or
 * opened (click, tap, or the "/", "s", "f" keys), then sends it. Every other request is untouched. */
(function () {
  "use strict";
  var held = [];
  var released = false;
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this._densingIndex = /search\/search_index\.json$/.test(String(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (this._densingIndex && !released) {
      held.push([this, arguments]);
      return undefined;
    }
    return send.apply(this, arguments);
  };
  function release() {
    if (released) return;
    released = true;
    held.forEach(function (item) { send.apply(item[0], item[1]); });
    held = [];
  }
  document.addEventListener("focusin", function (event) {
    if (event.target && event.target.matches && event.target.matches(".md-search__input")) release();
  });
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "__search") release();
  });
  document.addEventListener("click", function (event) {
    if (event.target && event.target.closest && event.target.closest("label[for='__search'], .md-search")) release();
  });
  document.addEventListener("keydown", function (event) {
    if (["/", "s", "f", "S", "F"].indexOf(event.key) >= 0) release();
  });
  window.densingSearchIndexRequested = function () { return released; };
})();
