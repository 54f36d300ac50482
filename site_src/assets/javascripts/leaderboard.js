/* Leaderboard: sort by any column, filter by family, kind, size, date, flag and text; the view
 * (filters and sort) lives in the URL query so it can be shared. Runs inside document$ (mkdocs-material).
 * Rows carry data-f (family), data-k (kind), data-d (release date), data-p (params), data-g (flags);
 * cells carry data-s when their sort value differs from their text; headers carry data-key (the
 * name of the column in the URL's sort parameter) and data-type (num or text). */
(function () {
  "use strict";
  var FIELDS = ["q", "family", "kind", "pmin", "pmax", "from", "to", "flag"];

  function readState() {
    var params = new URLSearchParams(window.location.search);
    var state = {};
    FIELDS.concat(["sort", "dir"]).forEach(function (key) { state[key] = params.get(key) || ""; });
    return state;
  }

  function writeState(state) {
    var params = new URLSearchParams();
    FIELDS.concat(["sort", "dir"]).forEach(function (key) { if (state[key]) params.set(key, state[key]); });
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    var raw = cell.hasAttribute("data-s") ? cell.getAttribute("data-s") : cell.textContent.trim();
    if (!numeric) return raw.toLowerCase();
    return raw === "" ? null : parseFloat(raw);
  }

  function compare(a, b, dir) {
    if (a === b) return 0;
    if (a === null || a === "") return 1;  /* missing values last in both directions */
    if (b === null || b === "") return -1;
    return (a < b ? -1 : 1) * dir;
  }

  function matches(row, state, words) {
    var d = row.dataset;
    if (state.family && d.f !== state.family) return false;
    if (state.kind && d.k !== state.kind) return false;
    var params = d.p === "" ? NaN : parseFloat(d.p) / 1e9;
    if (state.pmin !== "" && !(params >= parseFloat(state.pmin))) return false;
    if (state.pmax !== "" && !(params <= parseFloat(state.pmax))) return false;
    if (state.from && !(d.d >= state.from)) return false;
    if (state.to && !(d.d <= state.to)) return false;
    var flags = d.g ? d.g.split(" ") : [];
    if (state.flag === "none" && flags.length) return false;
    if (state.flag && state.flag !== "none" && flags.indexOf(state.flag) < 0) return false;
    return words.every(function (w) { return row._text.indexOf(w) >= 0; });
  }

  function setup(table) {
    var form = document.getElementById("lb-filters");
    var count = document.getElementById("lb-count");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var keys = headers.map(function (th) { return th.dataset.key; });
    rows.forEach(function (row, i) {
      row._order = i;
      row._text = (row.dataset.id + " " + row.cells[0].textContent).toLowerCase();
    });
    var state = readState();

    function apply() {
      var column = keys.indexOf(state.sort);
      var numeric = column >= 0 && headers[column].dataset.type === "num";
      var dir = state.dir === "asc" ? 1 : -1;
      var sorted = rows.slice();
      if (column >= 0) {
        sorted.sort(function (a, b) {
          return compare(cellValue(a, column, numeric), cellValue(b, column, numeric), dir) || a._order - b._order;
        });
      }
      var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      var fragment = document.createDocumentFragment();
      sorted.forEach(function (row) {
        row.hidden = !matches(row, state, words);
        if (!row.hidden) shown += 1;
        fragment.appendChild(row);
      });
      body.appendChild(fragment);
      if (column >= 0) {
        headers.forEach(function (th, i) {
          if (i === column) th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
          else th.removeAttribute("aria-sort");
        });
      }
      count.textContent = shown + " of " + rows.length + " models";
      writeState(state);
    }

    FIELDS.forEach(function (key) { if (form.elements[key]) form.elements[key].value = state[key]; });
    function onEdit(event) {
      var name = event.target.name;
      if (FIELDS.indexOf(name) < 0 || state[name] === event.target.value) return;
      state[name] = event.target.value;
      apply();
    }
    form.addEventListener("input", onEdit);
    form.addEventListener("change", onEdit);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () {
      window.setTimeout(function () {
        FIELDS.forEach(function (key) { state[key] = ""; });
        state.sort = ""; state.dir = "";
        apply();
      }, 0);
    });
    headers.forEach(function (th, i) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var numeric = th.dataset.type === "num";
        if (state.sort === keys[i]) state.dir = state.dir === "asc" ? "desc" : "asc";
        else { state.sort = keys[i]; state.dir = numeric ? "desc" : "asc"; }
        apply();
      });
    });
    apply();
  }

  function init() {
    var table = document.getElementById("leaderboard");
    if (!table || table.dataset.ready) return;
    table.dataset.ready = "1";
    setup(table);
  }

  if (typeof window.document$ !== "undefined") window.document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
