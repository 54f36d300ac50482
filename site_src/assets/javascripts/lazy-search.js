/* Load search only when the reader uses it. mkdocs-material starts its search worker and requests
 * search/search_index.json (through XMLHttpRequest) as soon as a page opens; this script, loaded
 * before the theme's bundle, holds both back until the search box is focused or opened (click, tap,
 * or the "/", "s", "f" keys): the worker is a stand-in that queues listeners and messages until
 * then. Every other request and worker is untouched. */
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
  var RealWorker = window.Worker;
  var workers = [];
  function LazyWorker(url, options) {
    this._args = [url, options];
    this._listeners = [];
    this._queue = [];
    this._real = null;
    workers.push(this);
  }
  LazyWorker.prototype.addEventListener = function (type, listener, options) {
    if (this._real) this._real.addEventListener(type, listener, options);
    else this._listeners.push([type, listener, options]);
  };
  LazyWorker.prototype.removeEventListener = function (type, listener, options) {
    if (this._real) this._real.removeEventListener(type, listener, options);
    else this._listeners = this._listeners.filter(function (l) { return l[0] !== type || l[1] !== listener; });
  };
  LazyWorker.prototype.postMessage = function (message, transfer) {
    if (this._real) this._real.postMessage(message, transfer);
    else this._queue.push([message, transfer]);
  };
  LazyWorker.prototype.terminate = function () {
    if (this._real) this._real.terminate();
    this._queue = [];
  };
  LazyWorker.prototype._start = function () {
    var real = new RealWorker(this._args[0], this._args[1]);
    this._listeners.forEach(function (l) { real.addEventListener(l[0], l[1], l[2]); });
    this._queue.forEach(function (m) { real.postMessage(m[0], m[1]); });
    this._real = real;
  };
  window.Worker = function (url, options) {
    if (!released && /workers\/search\.[^/]*\.js$/.test(String(url))) return new LazyWorker(url, options);
    return new RealWorker(url, options);
  };
  window.Worker.prototype = RealWorker.prototype;

  function release() {
    if (released) return;
    released = true;
    workers.forEach(function (w) { w._start(); });
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
