"""Load the built leaderboard in headless Chromium under DevTools' "Slow 4G" throttling (used by
``bench_site.py``): a gzip static server on 127.0.0.1, the system chromedriver, cache disabled."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import Any

from tests.site.chromium import headless_chromium
from tests.site.local_server import QuietHandler, serve

SLOW_4G = {
    "offline": False,
    "latency": 562.5,  # ms from request to response headers
    "downloadThroughput": 1.6 * 1000 * 1000 / 8 * 0.9,  # bytes/s: 1.44 Mbit/s
    "uploadThroughput": 750 * 1000 / 8 * 0.9,
}
"""Chrome DevTools' "Slow 4G" preset (formerly "Fast 3G"), as its source defines it."""

PROBE = """
window.__lb = {};
(function frame() {
  const now = performance.now();
  const row = document.querySelector('#leaderboard tbody tr');
  if (window.__lb.table === undefined && row && row.getBoundingClientRect().height > 0
      && getComputedStyle(document.querySelector('.md-header') || document.body).position !== 'static') {
    window.__lb.table = now;
  }
  const chart = document.querySelector('#lb-chart svg circle');
  if (window.__lb.chart === undefined && chart && chart.getBoundingClientRect().width > 0) {
    window.__lb.chart = now;
  }
  if (window.__lb.table === undefined || window.__lb.chart === undefined) requestAnimationFrame(frame);
})();
"""
"""Records the first animation frame in which the table (styled) and the chart are laid out: frames
do not run while render-blocking styles load, so this is when they are first painted."""

MEASURE = """
const entries = performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'));
const paint = performance.getEntriesByName('first-contentful-paint')[0];
return {table: window.__lb.table, chart: window.__lb.chart, fcp: paint ? paint.startTime : null,
        transferred: entries.reduce((a, e) => a + e.transferSize, 0),
        decoded: entries.reduce((a, e) => a + e.decodedBodySize, 0), requests: entries.length,
        search: entries.some(e => e.name.includes('search_index.json'))};
"""


class _GzipHandler(QuietHandler):
    """Static files, gzipped when the client accepts it (as GitHub Pages serves them)."""

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def throttled_loads(site: Path, runs: int) -> list[dict[str, float]]:
    """Open the leaderboard of ``site`` ``runs`` times under Slow 4G; seconds and bytes of each load
    (the browser set up as the site tests set it up: :func:`tests.site.chromium.headless_chromium`)."""
    return _loads(site, "", PROBE, MEASURE, ("table", "chart", "fcp"), runs)


def _loads(
    site: Path, page: str, probe: str, measure: str, seconds: tuple[str, ...], runs: int
) -> list[dict[str, float]]:
    """Open ``page`` of ``site`` (served gzipped) ``runs`` times under Slow 4G with the cache disabled,
    ``probe`` added to every document; ``measure``'s figures of each load, those named in ``seconds``
    turned from milliseconds into seconds."""
    results = []
    with serve(site, _GzipHandler) as url:
        driver = headless_chromium()
        try:
            driver.execute_cdp_cmd("Network.enable", {})
            driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
            driver.execute_cdp_cmd("Network.emulateNetworkConditions", SLOW_4G)
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": probe})
            driver.set_page_load_timeout(120)
            for _ in range(runs):
                driver.get("about:blank")
                driver.get(url + page)
                driver.execute_script("return new Promise(r => setTimeout(r, 1500))")
                m = driver.execute_script(measure)
                results.append(
                    {k: (float(v) / 1000 if k in seconds and v else float(v or 0)) for k, v in m.items()}
                )
        finally:
            driver.quit()
    return results


CALCULATOR_MEASURE = """
const entries = performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'));
const track = document.querySelector('.calc-track');
return {ready: window.__calc || null, transferred: entries.reduce((a, e) => a + e.transferSize, 0),
        decoded: entries.reduce((a, e) => a + e.decodedBodySize, 0), requests: entries.length,
        presets: entries.some(e => e.name.includes('/presets-')), shown: Boolean(track)};
"""
"""Bytes of the calculator's first load and when its first result was on screen."""
CALCULATOR_PROBE = """
(function frame() {
  const track = document.querySelector('.calc-track');
  if (track && track.getBoundingClientRect().height > 0) { window.__calc = performance.now(); return; }
  requestAnimationFrame(frame);
})();
"""


def calculator_loads(site: Path, query: str, runs: int) -> list[dict[str, float]]:
    """Open ``calculator/?query`` of ``site`` ``runs`` times under Slow 4G, gzip served, cache disabled;
    bytes, requests and the second its first track's result was laid out, for each load."""
    return _loads(site, f"calculator/?{query}", CALCULATOR_PROBE, CALCULATOR_MEASURE, ("ready",), runs)
