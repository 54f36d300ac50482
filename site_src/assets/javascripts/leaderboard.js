/* Leaderboard: by default only citable rows (data-c="1"), ranked; "show all" fetches the rest (the
 * table's data-rest: rows.html next to the page, so the first load stays light) and shows them. Sort
 * by any column, filter by family, kind, size, date, flag and text; the view (filters, sort, all)
 * lives in the URL query so it can be shared, and parameters that make no sense are reported, not
 * silently applied. "Download this view" saves the rows shown as CSV. The chart's highlight control
 * dims every point but one family's or organization's. "Density per" (tracks with mixtures of experts)
 * shows and ranks density per active parameter instead of per total parameter (per=active in the URL).
 * The verdict box ("is the law still holding?") opens on screens wider than a phone.
 * Runs inside document$ (mkdocs-material).
 * Rows carry data-f (family), data-lo/data-hi
 * (density interval), data-c="1" when citable; their flags are the .lb-flag chips (their hover texts
 * come from the JSON in #lb-flag-texts); cells carry data-s when their sort value differs from their
 * text; headers carry data-key and data-type (num or text). */
(function () {
  "use strict";
  var FIELDS = ["q", "family", "kind", "pmin", "pmax", "from", "to", "flag"];
  var KEYS = FIELDS.concat(["sort", "dir", "all", "per"]);
  var DATE = /^\d{4}-\d{2}-\d{2}$/;

  function readState(form, keys) {
    var params = new URLSearchParams(window.location.search);
    var state = {}, problems = [];
    KEYS.forEach(function (key) { state[key] = params.get(key) || ""; });
    function reject(key, why) {
      problems.push(key + "=" + state[key] + " (" + why + ")");
      state[key] = "";
    }
    ["pmin", "pmax"].forEach(function (key) {
      if (state[key] && !(/^\d*\.?\d+$/.test(state[key]))) reject(key, "expected a number of billions of parameters");
    });
    ["from", "to"].forEach(function (key) {
      if (state[key] && !(DATE.test(state[key]) && !isNaN(Date.parse(state[key])))) reject(key, "expected a date YYYY-MM-DD");
    });
    ["family", "kind", "flag"].forEach(function (key) {
      if (!state[key]) return;
      var known = Array.prototype.some.call(form.elements[key].options, function (o) { return o.value === state[key]; });
      if (!known) reject(key, "no such " + key + " on this track");
    });
    if (state.sort && keys.indexOf(state.sort) < 0) reject("sort", "no such column");
    if (state.dir && state.dir !== "asc" && state.dir !== "desc") reject("dir", "expected asc or desc");
    if (state.all && state.all !== "1") reject("all", "expected 1");
    if (state.per && !(state.per === "active" && document.getElementById("lb-per"))) {
      reject("per", document.getElementById("lb-per") ? "expected active" : "no mixture of experts on this track");
    }
    return { state: state, problems: problems };
  }

  function writeState(state) {
    var params = new URLSearchParams();
    KEYS.forEach(function (key) { if (state[key]) params.set(key, state[key]); });
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
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

  var RELEASED = 5, PARAMS = 4;  /* column indexes; kind is the last but one */

  function matches(row, state, words) {
    var d = row.dataset;
    if (!state.all && d.c !== "1") return false;
    if (state.family && d.f !== state.family) return false;
    if (state.kind && row._kind !== state.kind) return false;
    var params = row._params === "" ? NaN : parseFloat(row._params) / 1e9;
    if (state.pmin !== "" && !(params >= parseFloat(state.pmin))) return false;
    if (state.pmax !== "" && !(params <= parseFloat(state.pmax))) return false;
    if (state.from && !(row._date >= state.from)) return false;
    if (state.to && !(row._date <= state.to)) return false;
    var flags = d.g ? d.g.split(" ") : [];
    if (state.flag === "none" && flags.length) return false;
    if (state.flag && state.flag !== "none" && flags.indexOf(state.flag) < 0) return false;
    return words.every(function (w) { return row._text.indexOf(w) >= 0; });
  }

  function csvField(value) {
    value = String(value === undefined || value === null ? "" : value);
    if (/^[=+\-@]/.test(value)) value = "'" + value;  /* no formulas when opened in a spreadsheet */
    return /[",\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }

  /* The CSV of a view: every number with what it is (intervals named by their level, a density that
   * is only a bound says so), the track and the data version on every row. */
  var CSV_HEADER = ["rank", "rank 90% range low", "rank 90% range high", "model", "name", "track", "data_version",
    "density", "density 90% interval low", "density 90% interval high", "density_bound", "effective_params",
    "effective_params 90% interval low", "effective_params 90% interval high", "params", "released", "kind", "flags",
    "params_active", "rank per active parameter", "density per active parameter",
    "density per active parameter 90% interval low", "density per active parameter 90% interval high",
    "view ranked per"];

  /* "density" is always per total parameter; the columns "per active parameter" repeat it for dense
   * models (their active parameters are all of them); "view ranked per" says which one ordered this view. */
  function toCsv(table, rows, per) {
    var lines = [CSV_HEADER.join(",")];
    rows.forEach(function (row) {
      var c = row.cells, d = row.dataset, moe = d.da !== undefined;
      lines.push([row._rank, d.rl, d.rh, d.id, c[1].querySelector("a").textContent, table.dataset.track,
        table.dataset.version, row._density, d.lo, d.hi, d.b ? d.b + " bound" : "", c[3].dataset.s, d.elo, d.ehi,
        row._params, row._date, row._kind, d.g.split(" ").join(";"), d.pa, d.ra,
        moe ? d.da : row._density, moe ? d.dal : d.lo, moe ? d.dah : d.hi,
        per === "active" ? "active parameter" : "total parameter"].map(csvField).join(","));
    });
    return lines.join("\n") + "\n";
  }

  /* Show a row per total parameter (as built) or per active parameter: the rank cell shows rank_active
   * (no range), the density cell a mixture of experts' density per active parameter with its 90%
   * interval, the red bar the per-active frontier. Each cell's sort value (data-s) follows. */
  function showPer(row, per) {
    if (row._per === per) return;
    var rank = row.cells[0], density = row.cells[2], d = row.dataset;
    if (!row._built) row._built = [rank.innerHTML, density.innerHTML, row.classList.contains("lb-frontier")];
    if (per === "active") {
      rank.textContent = d.ra || "–";
      rank.setAttribute("data-s", d.ra || "");
      if (d.da !== undefined) {
        density.textContent = (d.b === "lower" ? "≥ " : d.b === "upper" ? "≤ " : "") + d.dat;
        if (d.dai) {
          var small = document.createElement("small");
          small.textContent = d.dai;
          density.appendChild(small);
        }
        density.setAttribute("data-s", d.da);
      }
      row.classList.toggle("lb-frontier", d.fa === "1");
    } else {
      rank.innerHTML = row._built[0];
      rank.setAttribute("data-s", row._rank);
      density.innerHTML = row._built[1];
      density.setAttribute("data-s", row._density);
      row.classList.toggle("lb-frontier", row._built[2]);
    }
    row._per = per;
  }

  var PER_WORDS = {
    "": ["per total parameter (the default)", "90% range", "90% interval"],
    active: ["per active parameter (ranks without a 90% range)", "per active param.", "per active param., 90% interval"]
  };

  function showPerWords(table, per) {
    var words = PER_WORDS[per] || PER_WORDS[""];
    var note = document.getElementById("lb-per-words");
    if (note) note.textContent = words[0];
    var heads = table.tHead.rows[0].cells;
    heads[0].querySelector("small").textContent = words[1];
    heads[2].querySelector("small").textContent = words[2];
    table.classList.toggle("lb-per-active", per === "active");
  }

  /* Hover text of every flag chip and flagged score, from the fit's flags.json (sent once, as JSON). */
  function explainFlags(rows) {
    var source = document.getElementById("lb-flag-texts");
    var texts = source ? JSON.parse(source.textContent) : {};
    rows.forEach(function (row) {
      var chips = row.querySelectorAll(".lb-flag");
      row.dataset.g = Array.prototype.map.call(chips, function (chip) {
        chip.title = texts[chip.textContent] || chip.textContent;
        chip.tabIndex = 0;  /* reachable by keyboard, and a tap shows the title on touch screens */
        return chip.textContent;
      }).join(" ");
    });
    rows.forEach(function (row) {
      Array.prototype.forEach.call(row.querySelectorAll("td[data-fl]"), function (cell) {
        cell.title = cell.dataset.fl.split(" ").map(function (f) { return texts[f] || f; }).join(" ");
        cell.tabIndex = 0;
      });
    });
  }

  function adopt(rows, first) {
    explainFlags(rows);
    rows.forEach(function (row, i) {
      row._order = first + i;
      row._per = "";  /* as built: per total parameter */
      row._rank = row.cells[0].getAttribute("data-s") || "";
      row._density = row.cells[2].getAttribute("data-s") || "";
      row._text = (row.dataset.id + " " + row.cells[1].textContent).toLowerCase();
      row._params = row.cells[PARAMS].dataset.s;
      row._date = row.cells[RELEASED].textContent;
      row._kind = row.cells[row.cells.length - 2].textContent;
    });
  }

  function setup(table, ready) {
    var form = document.getElementById("lb-filters");
    var count = document.getElementById("lb-count");
    var all = document.getElementById("lb-all");
    var active = document.getElementById("lb-active");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var keys = headers.map(function (th) { return th.dataset.key; });
    var total = parseInt(table.dataset.total, 10) || rows.length;
    var rest = null;  /* the other rows: a promise once asked for */
    adopt(rows, 0);
    function loadRest() {
      if (rest) return rest;
      rest = fetch(table.dataset.rest).then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + response.statusText);
        return response.text();
      }).then(function (text) {
        var template = document.createElement("template");
        template.innerHTML = text;
        var more = Array.prototype.slice.call(template.content.querySelectorAll("tr"));
        adopt(more, rows.length);
        more.forEach(function (row) { body.appendChild(row); });
        rows = rows.concat(more);
      }).catch(function (error) {
        var box = document.getElementById("lb-url-problems");
        box.textContent = "The other rows could not be loaded (" + error.message + "); the downloads on the data page have them.";
        box.hidden = false;
      });
      return rest;
    }
    var read = readState(form, keys);
    var state = read.state;
    if (read.problems.length) {
      var box = document.getElementById("lb-url-problems");
      box.textContent = "Ignored in the address: " + read.problems.join("; ") + ".";
      box.hidden = false;
    }

    function shownRows() { return rows.filter(function (r) { return !r.hidden; }).sort(function (a, b) { return a._pos - b._pos; }); }

    function apply() {
      rows.forEach(function (row) { showPer(row, state.per); });
      showPerWords(table, state.per);
      var column = keys.indexOf(state.sort);
      var ordered = column >= 0 ? column : state.per === "active" ? 0 : -1;  /* per active: by its rank */
      var numeric = ordered >= 0 && headers[ordered].dataset.type === "num";
      var dir = state.dir === "asc" ? 1 : state.dir === "desc" ? -1 : numeric && keys[ordered] !== "rank" ? -1 : 1;
      var sorted = rows.slice();
      if (ordered >= 0) {
        sorted.sort(function (a, b) {
          return compare(cellValue(a, ordered, numeric), cellValue(b, ordered, numeric), dir) || a._order - b._order;
        });
      }
      var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      var fragment = document.createDocumentFragment();
      sorted.forEach(function (row, i) {
        row._pos = i;
        row.hidden = !matches(row, state, words);
        if (!row.hidden) shown += 1;
        fragment.appendChild(row);
      });
      body.appendChild(fragment);
      table.classList.add("lb-show-all");  /* rows are hidden by the script from now on */
      headers.forEach(function (th, i) {
        if (i === column) th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
        else th.removeAttribute("aria-sort");
      });
      all.checked = !!state.all;
      count.textContent = shown + " of " + total + " models" + (state.all ? "" : " (citable only)");
      var n = FIELDS.filter(function (k) { return state[k]; }).length;
      active.textContent = n ? "(" + n + " active)" : "";
      writeState(state);
    }

    FIELDS.forEach(function (key) { if (form.elements[key]) form.elements[key].value = state[key]; });
    if (window.matchMedia("(min-width: 60em)").matches || FIELDS.some(function (k) { return state[k]; })) {
      document.getElementById("lb-filter-box").open = true;
    }
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
    function update() {
      if (state.all && rows.length < total) return loadRest().then(apply);
      apply();
      return Promise.resolve();
    }
    all.addEventListener("change", function () { state.all = all.checked ? "1" : ""; update(); });
    var per = document.getElementById("lb-per");
    if (per) {
      per.value = state.per;
      per.addEventListener("change", function () { state.per = per.value; apply(); });
    }
    headers.forEach(function (th, i) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var numeric = th.dataset.type === "num" && keys[i] !== "rank";
        if (state.sort === keys[i]) state.dir = state.dir === "asc" ? "desc" : "asc";
        else { state.sort = keys[i]; state.dir = numeric ? "desc" : "asc"; }
        apply();
      });
    });
    document.getElementById("lb-download").addEventListener("click", function () {
      var blob = new Blob([toCsv(table, shownRows(), state.per)], { type: "text/csv" });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "densing-leaderboard-" + table.dataset.track + "-" + table.dataset.version + ".csv";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
    table.densingCsv = function () { return toCsv(table, shownRows(), state.per); };  /* for tests and the curious */
    update().then(ready);
  }

  function setupHighlight() {
    var select = document.getElementById("lb-highlight");
    var chart = document.getElementById("lb-chart");
    if (!select || !chart || select.dataset.ready) return;
    select.dataset.ready = "1";
    /* Options from the points themselves: every family, then every organization. The phone
       rendering's points carry no family or organization: theirs is the wide point's with the same link. */
    var points = chart.querySelectorAll(".lb-chart__wide svg a");
    var wideOf = {};
    Array.prototype.forEach.call(points, function (a) { wideOf[a.getAttribute("href")] = a; });
    [["f", "Family"], ["o", "Organization"]].forEach(function (kind) {
      var group = document.createElement("optgroup");
      group.label = kind[1];
      var names = {};
      Array.prototype.forEach.call(points, function (a) { if (a.dataset[kind[0]]) names[a.dataset[kind[0]]] = 1; });
      Object.keys(names).sort().forEach(function (name) {
        var option = document.createElement("option");
        option.value = kind[0] + ":" + name;
        option.textContent = name;
        group.appendChild(option);
      });
      select.appendChild(group);
    });
    select.addEventListener("change", function () {
      var value = select.value, key = value.slice(0, 2) === "f:" ? "f" : "o", wanted = value.slice(2);
      chart.classList.toggle("lb-chart--highlight", !!value);
      Array.prototype.forEach.call(chart.querySelectorAll("svg a"), function (a) {
        var source = wideOf[a.getAttribute("href")] || a;
        a.classList.toggle("hl", !!value && source.dataset[key] === wanted);
      });
    });
  }

  function init() {
    setupHighlight();
    var verdict = document.getElementById("lb-verdict");
    if (verdict && !verdict.dataset.ready) {
      verdict.dataset.ready = "1";
      if (window.matchMedia("(min-width: 45em)").matches) verdict.open = true;
    }
    var table = document.getElementById("leaderboard");
    if (!table || table.dataset.setup) return;
    table.dataset.setup = "1";
    setup(table, function () { table.dataset.ready = "1"; });
  }

  if (typeof window.document$ !== "undefined") window.document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
