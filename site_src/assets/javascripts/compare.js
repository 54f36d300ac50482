/* The compare view (compare/?models=a,b,c): two to four models side by side on every track and
 * benchmark. The selection lives in the address: read on open (ids that are not models, repeats and
 * more than the maximum are reported, not silently dropped), written back whenever it changes. Each
 * model's numbers come from compare/models/<id>.json (written with its model page); what the models
 * share (tracks, benchmark names, data version) and the models to choose from, from the page's
 * #cmp-meta. Record text only ever
 * reaches the page as text (textContent), and only http(s) sources become links. */
(function () {
  "use strict";
  var files = {};

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function sig(value, digits) {
    if (value === 0) return "0";
    var text = value.toPrecision(digits);
    if (text.indexOf("e") >= 0) {
      var parts = Number(text).toExponential(digits - 1).split("e");
      return String(Number(parts[0])) + "×10^" + parseInt(parts[1], 10);
    }
    return String(Number(text));
  }

  function num(value) { return value === null || value === undefined ? "" : sig(value, 3); }

  function params(value) {
    if (value === null || value === undefined) return "";
    var units = [["T", 1e12], ["B", 1e9], ["M", 1e6], ["K", 1e3]];
    for (var i = 0; i < units.length; i += 1) {
      if (Math.abs(value) >= units[i][1]) return sig(value / units[i][1], 3) + units[i][0];
    }
    return sig(value, 3);
  }

  function interval(low, high, format) {
    return low === null || high === null || low === undefined || high === undefined ? "" :
      "90% interval " + format(low) + "–" + format(high);
  }

  function safeUrl(url) { return typeof url === "string" && /^https?:\/\/[^\s]+$/i.test(url) ? url : null; }

  function readSelection(known, max) {
    var raw = new URLSearchParams(window.location.search).get("models") || "";
    var ids = [], problems = [];
    raw.split(",").map(function (s) { return s.trim(); }).filter(Boolean).forEach(function (id) {
      if (!known[id]) problems.push(id + " (no such model)");
      else if (ids.indexOf(id) >= 0) problems.push(id + " (listed twice)");
      else if (ids.length >= max) problems.push(id + " (at most " + max + " models)");
      else ids.push(id);
    });
    return { ids: ids, problems: problems };
  }

  function writeSelection(ids) {
    var query = ids.length ? "?models=" + ids.map(encodeURIComponent).join(",") : "";
    window.history.replaceState(null, "", window.location.pathname + query + window.location.hash);
  }

  /* ---- The table ---- */

  /* A density (or, with format = params, an effective size): its 90% interval, or the side it is a bound on. */
  function densityCell(value, low, high, bound, format) {
    format = format || num;
    var cell = el("td");
    if (value === null || value === undefined) { cell.textContent = format === num ? "no density" : "no effective size"; return cell; }
    if (bound) {
      cell.appendChild(el("strong", (bound === "lower" ? "≥ " : "≤ ") + format(value)));
      cell.appendChild(el("small", bound === "lower" ? "a lower bound (beyond the ruler's reach), no interval" : "an upper bound (below the ruler's reach), no interval"));
    } else {
      cell.appendChild(el("strong", format(value)));
      cell.appendChild(el("small", interval(low, high, format)));
    }
    return cell;
  }

  function rankCell(r) {
    var cell = el("td");
    if (!r.rank) { cell.textContent = "not ranked (not a citable reading: see the flags)"; return cell; }
    cell.appendChild(el("strong", r.rank + " of " + r.n_citable));
    if (r.rank_low !== null) cell.appendChild(el("small", "90% rank range " + r.rank_low + "–" + r.rank_high));
    return cell;
  }

  function flagsCell(flags) {
    var cell = el("td");
    if (!flags.length) { cell.textContent = "none"; return cell; }
    var list = el("ul", null, "cmp-flags");
    flags.forEach(function (f) {
      var item = el("li");
      item.appendChild(el("span", f[0], "lb-flag"));
      item.appendChild(document.createTextNode(" " + f[1]));
      list.appendChild(item);
    });
    cell.appendChild(list);
    return cell;
  }

  function scoreCell(model, bench) {
    var cell = el("td");
    if (!bench || (bench.score === null && !bench.flags.length)) { cell.textContent = "–"; return cell; }
    cell.appendChild(el("strong", bench.score === null ? "no score used" : bench.score.toFixed(1)));
    var score = bench.score_id ? model.scores[bench.score_id] : null;
    if (score) {
      var setting = [score.metric, score.shots === null ? "shots not stated" : score.shots + "-shot", score.cot ? "CoT" : "no CoT"];
      cell.appendChild(el("small", setting.filter(Boolean).join(", ") + " · protocol " + score.protocol));
      var source = el("small");
      var url = safeUrl(score.source_url);
      if (url) {
        var link = el("a", score.source_locator && score.source_locator.length <= 48 ? score.source_locator : "source");
        link.href = url;
        link.rel = "nofollow noopener noreferrer";
        source.appendChild(link);
      } else {
        source.textContent = score.source_locator || "no source address";
      }
      if (score.provenance) source.appendChild(document.createTextNode(" · " + score.provenance + (score.provenance_by ? ": " + score.provenance_by : "")));
      cell.appendChild(source);
    }
    if (bench.effective_params) cell.appendChild(el("small", "effective size " + params(bench.effective_params)));
    bench.flags.forEach(function (f) {
      var chip = el("span", f[0], "lb-flag");
      chip.title = f[1];
      cell.appendChild(chip);
    });
    return cell;
  }

  function row(body, label, models, cellOf, title) {
    var tr = el("tr");
    var th = el("th", label);
    th.scope = "row";
    if (title) th.title = title;
    tr.appendChild(th);
    models.forEach(function (m) { tr.appendChild(cellOf(m)); });
    body.appendChild(tr);
  }

  function textCell(text) { return el("td", text); }

  function trackRows(table, track, models, meta) {
    var body = el("tbody");
    body.dataset.track = track.id;
    var head = el("tr", null, "cmp-track");
    var th = el("th");
    th.appendChild(el("span", track.label + " track" + (track["default"] ? " (default)" : "") + " · ruler " + track.ruler + " · data version " + meta.version, "cmp-track-name"));
    th.scope = "colgroup";
    th.colSpan = models.length + 1;
    head.appendChild(th);
    body.appendChild(head);
    var readings = models.map(function (m) { return m.tracks[track.id] || null; });
    function on(cellOf, empty) {
      return function (m) { var r = m.tracks[track.id]; return r ? cellOf(r) : textCell(empty || "no reading on this track"); };
    }
    row(body, "Density (90% interval)", models, on(function (r) { return densityCell(r.density, r.low, r.high, r.bound); }), "ρ = N̂ / N, N the total parameters");
    row(body, "Density per active parameter (90% interval)", models, on(function (r) { return densityCell(r.density_active, r.active_low, r.active_high, r.bound); }), "N̂ / active parameters; equal to the density for dense models");
    row(body, "Rank (90% rank range)", models, on(rankCell));
    row(body, "Effective size N̂ (90% interval)", models, on(function (r) { return densityCell(r.effective_params, r.effective_low, r.effective_high, r.bound, params); }));
    row(body, "Flags", models, on(function (r) { return flagsCell(r.flags); }));
    track.benchmarks.forEach(function (b) {
      var any = readings.some(function (r) { return r && r.benchmarks[b]; });
      if (!any) return;
      var name = (meta.benchmarks[b] || b) + (track.aggregate.indexOf(b) < 0 ? " °" : "");
      var title = track.aggregate.indexOf(b) < 0 ? "shown; not part of the density on this track" : "its effective size enters the density";
      row(body, name, models, function (m) {
        var r = m.tracks[track.id];
        return r ? scoreCell(m, r.benchmarks[b]) : textCell("no reading on this track");
      }, title);
    });
    table.appendChild(body);
  }

  function draw(table, models, meta, root, remove) {
    table.textContent = "";
    var head = el("thead"), tr = el("tr"), corner = el("th", "Model");
    corner.scope = "col";
    tr.appendChild(corner);
    models.forEach(function (m) {
      var th = el("th");
      th.scope = "col";
      var link = el("a", m.name);
      link.href = root + "models/" + encodeURIComponent(m.id) + "/";
      th.appendChild(link);
      th.appendChild(el("small", m.id));
      var button = el("button", "Remove", "cmp-remove");
      button.type = "button";
      button.setAttribute("aria-label", "Remove " + m.name + " from the comparison");
      button.addEventListener("click", function () { remove(m.id); });
      th.appendChild(button);
      tr.appendChild(th);
    });
    head.appendChild(tr);
    table.appendChild(head);
    var body = el("tbody");
    row(body, "Released", models, function (m) { return textCell(m.released); });
    row(body, "Parameters", models, function (m) {
      return textCell(params(m.params_total) + (m.params_active ? " total, " + params(m.params_active) + " active" : ""));
    });
    row(body, "Family · organization · kind", models, function (m) {
      return textCell([m.family, m.organization, m.kind].filter(Boolean).join(" · "));
    });
    table.appendChild(body);
    meta.tracks.forEach(function (track) { trackRows(table, track, models, meta); });
    table.hidden = false;
  }

  function setup() {
    var table = document.getElementById("cmp-table");
    if (!table || table.dataset.setup) return;
    table.dataset.setup = "1";
    var meta = JSON.parse(document.getElementById("cmp-meta").textContent);
    var root = table.dataset.root;
    var known = {}, byName = {};
    var list = document.getElementById("cmp-models");
    meta.models.forEach(function (m) {
      known[m[0]] = m[1];
      byName[m[1].toLowerCase()] = m[0];
      var option = document.createElement("option");
      option.value = m[0];
      option.textContent = m[1];
      list.appendChild(option);
    });
    var status = document.getElementById("cmp-status");
    var problems = document.getElementById("cmp-problems");
    var read = readSelection(known, meta.max);
    var ids = read.ids;
    function report(list) {
      problems.textContent = list.length ? "Left out: " + list.join("; ") + "." : "";
      problems.hidden = !list.length;
    }
    report(read.problems);

    function load(id) {
      if (!files[id]) {
        files[id] = fetch(root + "compare/models/" + encodeURIComponent(id) + ".json").then(function (response) {
          if (!response.ok) throw new Error(id + ": " + response.status + " " + response.statusText);
          return response.json();
        });
      }
      return files[id];
    }

    function render() {
      writeSelection(ids);
      table.dataset.ready = "";
      if (!ids.length) {
        table.hidden = true;
        status.textContent = "Choose two to four models.";
        table.dataset.ready = "1";
        return Promise.resolve();
      }
      var wanted = ids.slice();
      return Promise.all(wanted.map(load)).then(function (models) {
        if (wanted.join(",") !== ids.join(",")) return;  /* the selection changed meanwhile */
        draw(table, models, meta, root, remove);
        status.textContent = ids.length < 2 ? "Add at least one more model: a comparison needs two to four." :
          ids.length + " models side by side, data version " + meta.version + ".";
        table.dataset.ready = "1";
      }).catch(function (error) {
        report(["the numbers could not be loaded (" + error.message + ")"]);
        table.dataset.ready = "1";
      });
    }

    function remove(id) {
      ids = ids.filter(function (x) { return x !== id; });
      report([]);
      render();
    }

    document.getElementById("cmp-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var input = document.getElementById("cmp-add");
      var value = input.value.trim();
      var id = known[value] ? value : byName[value.toLowerCase()];
      if (!value) return;
      if (!id) report([value + " (no such model)"]);
      else if (ids.indexOf(id) >= 0) report([id + " (already chosen)"]);
      else if (ids.length >= meta.max) report([id + " (at most " + meta.max + " models: remove one first)"]);
      else {
        ids.push(id);
        report([]);
        input.value = "";
        render();
      }
    });
    document.getElementById("cmp-clear").addEventListener("click", function () { ids = []; report([]); render(); });
    render();
  }

  if (typeof window.document$ !== "undefined") window.document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();
