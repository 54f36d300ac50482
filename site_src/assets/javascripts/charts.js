/* Draw every chart on the page with vega-embed (served from assets/vendor, never from a CDN).
 * Each chart is a <figure class="densing-chart"> holding its Vega-Lite spec as JSON in a
 * <script type="application/json"> and a static SVG fallback inside <noscript>.
 * Downloads: the figure's data-download names the file (with "{track}" standing for the track shown);
 * SVG and PNG are drawn from the chart as it is shown, CSV from its points of the track shown
 * (columns from the figure's densing-chart__csv JSON). A chart with a "track" param (the densing-law
 * chart) also switches the page's [data-variants="track"] blocks: each holds one .dl-variant per
 * track (data-track) and the one of the track shown gets .is-shown. Its "track" and "per" (density per
 * total or per active parameter) are kept in the address, so a view can be shared.
 * Touch screens: a first tap on a chart point (Vega or the static SVG charts) shows its details with
 * a link to the model's page; a second tap on the same point, or the link, opens the page.
 * Runs inside document$ (mkdocs-material) so it also works with instant navigation. */
(function () {
  "use strict";
  /* No actions menu: its <details> would take mkdocs-material's admonition style; each chart has its
   * own download links under it instead. */
  /* Errors only in the console: a layer the track switch empties (a track without bounds, the
   * extrapolated line where the forecast replaces it) makes Vega warn of an "infinite extent" on every
   * switch, which says nothing about the chart. Errors, and a chart that cannot be drawn, still show. */
  var OPTIONS = { renderer: "svg", actions: false, logLevel: 1 /* vega.Error */ };

  function currentTrack(figure) {
    var view = figure.densingView;
    try {
      if (view && view.signal("track")) return view.signal("track");
    } catch (error) { /* a chart without a track param */ }
    return figure.dataset.track || "";
  }

  function fileName(figure, ext) {
    var name = (figure.dataset.download || figure.id.replace(/^chart-/, "") + ".svg").replace("{track}", currentTrack(figure));
    return name.replace(/\.svg$/, "") + "." + ext;
  }

  function save(href, name) {
    var link = document.createElement("a");
    link.href = href;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function csvField(value) {
    value = String(value === undefined || value === null ? "" : value);
    if (/^[=+\-@]/.test(value)) value = "'" + value;  /* no formulas when opened in a spreadsheet */
    return /[",\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }

  /* The chart's points (the dataset whose rows name a model) of the track shown, as CSV. */
  function chartCsv(figure, spec) {
    var columns = JSON.parse(figure.querySelector("script.densing-chart__csv").textContent);
    var track = currentTrack(figure);
    var sets = Object.keys(spec.datasets || {}).map(function (k) { return spec.datasets[k]; });
    var points = sets.filter(function (rows) { return rows.length && "model" in rows[0]; })[0] || [];
    var lines = [columns.map(function (c) { return csvField(c[0]); }).join(",")];
    points.forEach(function (row) {
      if (track && row.track !== undefined && row.track !== track) return;
      lines.push(columns.map(function (c) { return csvField(row[c[1]]); }).join(","));
    });
    return lines.join("\n") + "\n";
  }
  window.densingChartCsv = chartCsv;  /* for tests and the curious */

  function setupDownloads(figure, spec) {
    var more = figure.querySelector(".densing-chart__more");
    var svgLink = figure.querySelector("a.densing-chart__svg");
    if (more) more.hidden = false;
    if (svgLink) {
      svgLink.addEventListener("click", function (event) {
        event.preventDefault();
        figure.densingView.toImageURL("svg").then(function (url) { save(url, fileName(figure, "svg")); });
      });
    }
    Array.prototype.forEach.call(figure.querySelectorAll("button[data-format]"), function (button) {
      button.addEventListener("click", function () {
        if (button.dataset.format === "csv") {
          var url = URL.createObjectURL(new Blob([chartCsv(figure, spec)], { type: "text/csv" }));
          save(url, fileName(figure, "csv"));
        } else {
          figure.densingView.toImageURL("png", 2).then(function (url) { save(url, fileName(figure, "png")); });
        }
      });
    });
  }

  function showVariants(track) {
    Array.prototype.forEach.call(document.querySelectorAll('[data-variants="track"] > .dl-variant'), function (block) {
      block.classList.toggle("is-shown", block.dataset.track === track);
    });
  }

  /* The chart's controls kept in the address (?track=ID&per=active): the values a param's select
   * offers are the only ones taken; others are reported under the chart, not applied. */
  var URL_PARAMS = ["track", "per"];

  function paramOptions(spec, name) {
    var param = (spec.params || []).filter(function (p) { return p.name === name; })[0];
    return param && param.bind && param.bind.options ? { first: param.value, options: param.bind.options } : null;
  }

  function readAddress(figure, view, spec) {
    var query = new URLSearchParams(window.location.search), problems = [];
    URL_PARAMS.forEach(function (name) {
      var value = query.get(name), known = paramOptions(spec, name);
      if (value === null) return;
      if (!known) problems.push(name + "=" + value + " (this chart has no such control)");
      else if (known.options.indexOf(value) < 0) problems.push(name + "=" + value + " (expected one of " + known.options.join(", ") + ")");
      else view.signal(name, value);
    });
    var box = figure.querySelector(".chart-url-problems");
    if (box && problems.length) {
      box.textContent = "Ignored in the address: " + problems.join("; ") + ".";
      box.hidden = false;
    }
    return view.runAsync();
  }

  function writeAddress(view, spec) {
    var query = new URLSearchParams(window.location.search);
    URL_PARAMS.forEach(function (name) {
      var known = paramOptions(spec, name);
      if (!known) return;
      var value = view.signal(name);
      if (value === known.first) query.delete(name);
      else query.set(name, value);
    });
    var text = query.toString();
    window.history.replaceState(null, "", window.location.pathname + (text ? "?" + text : "") + window.location.hash);
  }

  function followTrack(figure, view, spec) {
    try { view.signal("track"); } catch (error) { return Promise.resolve(); }
    URL_PARAMS.forEach(function (name) {
      if (!paramOptions(spec, name)) return;
      view.addSignalListener(name, function () {
        figure.dataset.shown = view.signal("track");
        showVariants(view.signal("track"));
        writeAddress(view, spec);
      });
    });
    return readAddress(figure, view, spec);
  }

  function draw(figure) {
    if (figure.dataset.drawn) return;
    figure.dataset.drawn = "1";
    var view = figure.querySelector(".densing-chart__view");
    var spec = JSON.parse(figure.querySelector("script.densing-chart__spec").textContent);
    window.vegaEmbed(view, spec, OPTIONS).then(function (result) {
      figure.densingView = result.view;  /* the Vega view, for tests and the curious */
      setupDownloads(figure, spec);
      return followTrack(figure, result.view, spec);
    }).then(function () {
      figure.classList.add("densing-chart--drawn");
    }).catch(function (error) {
      console.error("chart " + figure.id + " could not be drawn:", error);
    });
  }

  /* ---- Taps on touch screens ---- */
  var armed = null;  /* the point a first tap showed: its link or its Vega datum */

  function hideTip() {
    var tip = document.querySelector(".chart-tip");
    if (tip) tip.remove();
    armed = null;
  }

  function showTip(host, target, lines, url) {
    hideTip();
    var tip = document.createElement("div");
    tip.className = "chart-tip";
    tip.setAttribute("role", "status");
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      tip.appendChild(p);
    });
    var open = document.createElement("a");
    open.href = url;
    open.textContent = "Open the model's page";
    tip.appendChild(open);
    host.classList.add("chart-tip-host");
    host.appendChild(tip);
    var box = host.getBoundingClientRect(), point = target.getBoundingClientRect();
    var left = Math.min(Math.max(0, point.left + point.width / 2 - box.left - tip.offsetWidth / 2), box.width - tip.offsetWidth);
    tip.style.left = Math.max(0, left) + "px";
    tip.style.top = (point.bottom - box.top + 6) + "px";
  }

  /* The hover text of a static chart's point: its own <title>, or (phone charts draw none) that of
   * the same point in the page's other rendering. */
  function svgTipLines(link) {
    var title = link.querySelector("title");
    if (!title) {
      var href = link.getAttribute("href");
      var twins = document.querySelectorAll("svg.dl-svg a title");
      title = Array.prototype.filter.call(twins, function (t) { return t.parentNode.parentNode.getAttribute("href") === href; })[0];
    }
    return title ? title.textContent.split(" · ") : [href];
  }

  function vegaTipLines(item) {
    var tip = item.tooltip;
    if (!tip || typeof tip !== "object") return [item.datum.name || item.datum.model || ""];
    return Object.keys(tip).map(function (key) { return key + ": " + tip[key]; });
  }

  function isTouch(event) {
    return event.pointerType === "touch" || event.pointerType === "pen";
  }

  function onClick(event) {
    var target = event.target;
    if (!target || !target.closest) return;
    if (target.closest(".chart-tip")) return;  /* its link opens the page */
    var link = target.closest("svg.dl-svg a");
    var item = !link && target.closest(".densing-chart__view") ? target.__data__ : null;
    var datum = item && item.datum && item.datum.url ? item.datum : null;
    if (!(link || datum) || !isTouch(event)) {
      hideTip();
      return;
    }
    var key = link || datum;
    if (armed === key) {  /* the second tap: let the link (or Vega) open the page */
      hideTip();
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    var host = (link ? link.closest("figure") : target.closest("figure.densing-chart")) || document.body;
    var url = link ? link.getAttribute("href") : new URL(datum.url, window.location.href).href;
    showTip(host, target, link ? svgTipLines(link) : vegaTipLines(item), url);
    armed = key;
  }

  function init() {
    if (!document.documentElement.dataset.chartTaps) {
      document.documentElement.dataset.chartTaps = "1";
      document.addEventListener("click", onClick, true);  /* capture: before a link or Vega acts */
    }
    var figures = document.querySelectorAll("figure.densing-chart");
    if (!figures.length) return;
    if (typeof window.vegaEmbed !== "function") {
      console.error("vega-embed is not loaded on a page with charts");
      return;
    }
    Array.prototype.forEach.call(figures, draw);
  }

  if (typeof window.document$ !== "undefined") window.document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
