/* Model pages: the forecast box of each track reading (.fc-box, written by _forecast_model.html.j2)
 * recomputes "a model of N parameters matches this one by DATE" and "the smallest model expected to
 * match it on DATE" when the reader changes N or the date. The box carries the model's effective size
 * (data-nhat), the track's forecast file (data-fc: forecast/<track>.json, fetched once, on the first
 * change) and the last frontier point (data-start); the arithmetic is that of
 * densing_fit.forecast.line.FrontierForecast: t = (ln(N̂/N) − B) / A on the fitted line, and its 90%
 * interval the percentiles (the fit's expanded-percentile levels) of the same over the bootstrap lines,
 * a line that does not grow counting as never; N = N̂ / exp(A·t + B) likewise. Every word is in the
 * page; this script only sets numbers and shows or hides the page's own phrases. */
(function () {
  "use strict";
  var DAY = 86400000;
  var files = {};

  function load(url) {
    if (!files[url]) {
      files[url] = fetch(url).then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + response.statusText);
        return response.json();
      });
    }
    return files[url];
  }

  /* Linear interpolation between order statistics (numpy's default); an infinite neighbour gives an
   * infinite end. */
  function percentile(values, q) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var position = (sorted.length - 1) * q / 100;
    var lower = Math.floor(position), upper = Math.min(lower + 1, sorted.length - 1);
    var a = sorted[lower], b = sorted[upper], fraction = position - lower;
    if (fraction === 0 || a === b) return a;
    if (!isFinite(a)) return a;
    if (!isFinite(b)) return b;
    return a + (b - a) * fraction;
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

  /* As densing_site.text.formatting.fmt_params: 494M, 7.6B, 1.2T. */
  function params(value) {
    var units = [["T", 1e12], ["B", 1e9], ["M", 1e6], ["K", 1e3]];
    for (var i = 0; i < units.length; i += 1) {
      if (Math.abs(value) >= units[i][1]) return sig(value / units[i][1], 3) + units[i][0];
    }
    return sig(value, 3);
  }

  function model(doc) {
    var t0 = Date.parse(doc.t0 + "T00:00:00Z");
    return {
      doc: doc,
      day: function (iso) { return (Date.parse(iso + "T00:00:00Z") - t0) / DAY; },
      date: function (day) {
        if (!isFinite(day) || Math.abs(day) > 3000000) return null;
        return new Date(t0 + Math.round(day) * DAY).toISOString().slice(0, 10);
      }
    };
  }

  function matchDay(m, nhat, n) {
    var doc = m.doc, target = Math.log(nhat / n);
    var days = doc.lines.slope.map(function (a, i) {
      return a > 0 ? (target - doc.lines.intercept[i]) / a : Infinity;
    });
    return {
      value: (target - doc.intercept) / doc.slope_per_day,
      low: percentile(days, doc.percentiles[0]),
      high: percentile(days, doc.percentiles[1])
    };
  }

  function smallest(m, nhat, day) {
    var doc = m.doc, logHat = Math.log(nhat);
    var logs = doc.lines.slope.map(function (a, i) { return logHat - (a * day + doc.lines.intercept[i]); });
    return {
      value: Math.exp(logHat - (doc.slope_per_day * day + doc.intercept)),
      low: Math.exp(percentile(logs, doc.percentiles[0])),
      high: Math.exp(percentile(logs, doc.percentiles[1]))
    };
  }

  function set(box, selector, text) {
    var node = box.querySelector(selector);
    if (node) node.textContent = text;
  }

  function show(box, selector, shown) {
    var node = box.querySelector(selector);
    if (node) node.hidden = !shown;
  }

  function updateMatch(box, m) {
    var input = box.querySelector(".fc-n");
    var n = parseFloat(input.value) * 1e9;
    var valid = input.value !== "" && isFinite(n) && n > 0;
    show(box, ".fc-bad-n", !valid);
    if (!box.querySelector(".fc-date")) return;  /* no finite date on this track: nothing to recompute */
    show(box, ".fc-out", valid);
    if (!valid) return;
    var match = matchDay(m, parseFloat(box.dataset.nhat), n);
    var low = m.date(match.low), high = m.date(match.high);
    set(box, ".fc-date", m.date(match.value) || "");
    set(box, ".fc-low", low || "");
    set(box, ".fc-high", high || "");
    show(box, ".fc-open-low", !low);
    show(box, ".fc-open-high", !high);
    show(box, ".fc-inside", match.value <= m.day(box.dataset.start));
  }

  function updateSmallest(box, m) {
    var input = box.querySelector(".fc-day");
    var valid = /^\d{4}-\d{2}-\d{2}$/.test(input.value) && !isNaN(Date.parse(input.value));
    show(box, ".fc-bad-day", !valid);
    show(box, ".fc-size-out", valid);
    if (!valid) return;
    var size = smallest(m, parseFloat(box.dataset.nhat), m.day(input.value));
    set(box, ".fc-size", params(size.value));
    set(box, ".fc-size-low", params(size.low));
    set(box, ".fc-size-high", params(size.high));
  }

  function setup(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    function recompute(which) {
      load(box.dataset.fc).then(function (doc) {
        var m = model(doc);
        if (which !== "day") updateMatch(box, m);
        if (which !== "n") updateSmallest(box, m);
        box.dataset.computed = String((parseInt(box.dataset.computed || "0", 10)) + 1);
      }).catch(function (error) {
        set(box, ".fc-error", "The forecast could not be recomputed (" + error.message + "); the numbers shown are for the defaults.");
        show(box, ".fc-error", true);
      });
    }
    Array.prototype.forEach.call(box.querySelectorAll("input"), function (input) {
      input.disabled = false;
      input.addEventListener("input", function () { recompute(input.classList.contains("fc-n") ? "n" : "day"); });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".fc-box[data-fc]"), setup);
  }

  window.densingForecast = { percentile: percentile, params: params };  /* for tests and the curious */
  if (typeof window.document$ !== "undefined") window.document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
