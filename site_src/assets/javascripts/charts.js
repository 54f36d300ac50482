/* Draw every chart on the page with vega-embed (served from assets/vendor, never from a CDN).
 * Each chart is a <figure class="densing-chart"> holding its Vega-Lite spec as JSON in a
 * <script type="application/json"> and a static SVG fallback inside <noscript>.
 * Runs inside document$ (mkdocs-material) so it also works with instant navigation. */
(function () {
  "use strict";
  /* No actions menu: its <details> would take mkdocs-material's admonition style; each chart has a
   * "Download SVG" link under it instead. */
  var OPTIONS = { renderer: "svg", actions: false };

  function draw(figure) {
    if (figure.dataset.drawn) return;
    figure.dataset.drawn = "1";
    var view = figure.querySelector(".densing-chart__view");
    var spec = JSON.parse(figure.querySelector("script.densing-chart__spec").textContent);
    window.vegaEmbed(view, spec, OPTIONS).then(function (result) {
      figure.densingView = result.view;  /* the Vega view, for tests and the curious */
      figure.classList.add("densing-chart--drawn");
    }).catch(function (error) {
      console.error("chart " + figure.id + " could not be drawn:", error);
    });
  }

  function init() {
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
