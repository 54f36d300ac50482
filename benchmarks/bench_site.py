"""Site build time, leaderboard weight and first render on a slow phone connection.

Builds the site (fit + generate + mkdocs, as ``densing build`` does) for the shipped records and for
synthetic record sets of BASE x 10 and BASE x 100 models (``tests/site/synthetic.py``), and prints
the wall time of each stage, the time per model and the weight of the leaderboard page with
everything its HTML references. Then, for the shipped records, opens the leaderboard in headless
Chromium (Debian's chromium and chromedriver) served from 127.0.0.1 with gzip, as GitHub Pages serves
it, under Chrome DevTools' "Slow 4G" network throttling (562.5 ms latency, 1.44 Mbit/s down,
675 kbit/s up; cache disabled), and prints the bytes it loaded (on the wire and decoded) and when
the table and the headline chart were first on screen (the first animation frame that has them laid
out, after navigation start; median of --runs loads).

    .venv/bin/python benchmarks/bench_site.py                 # shipped, 100 and 1,000 models
    .venv/bin/python benchmarks/bench_site.py --base 171 --scales 10   # 1,710 models
    .venv/bin/python benchmarks/bench_site.py --scales "" --runs 5       # shipped only
    .venv/bin/python benchmarks/bench_site.py --tiny   # 10 synthetic models, one throttled load (make test)

Then it opens the density calculator the same way, with a shared address (a recorded model's inputs),
and prints its first load: the bytes its HTML, styles, scripts and data file weigh (decoded and on the
wire), the requests, whether the presets waited (they load when the preset search is used), and when
the first track's result was on screen.

Targets: 1,000 models build in under 60 s on the 2-core reference machine; the leaderboard loads at
most 450 KB on open (decoded); on Slow 4G its table renders in under 1 s and its chart in under 2 s;
the calculator's first load is at most 300 KB.
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from densing_data import load  # noqa: E402
from densing_site.build import build_site  # noqa: E402
from tests.site.synthetic import write_synthetic_records  # noqa: E402

TARGET_SECONDS_PER_1000 = 60.0
TARGET_PAGE_BYTES = 450_000
TARGET_TABLE_S = 1.0
TARGET_CHART_S = 2.0
TARGET_CALCULATOR_BYTES = 300_000
CALCULATOR_QUERY = (
    "model=llama-2-7b&total=7000000000&date=2023-07-18&s=mmlu%3D45.3%3A5%3A%3F%40llama2-paper"
    "&s=bbh%3D32.6%3A3%3A%3F%40llama2-paper&s=math%3D2.5%3A4%3A%3F%40llama2-paper"
    "&s=hellaswag%3D77.743477%3A10%3A%3F%40obsscaling&s=arc-challenge%3D53.071672%3A25%3A%3F%40obsscaling"
)
"""A shared address: five of llama-2-7b's recorded scores, as the page writes them after a preset."""
_RESOURCE = re.compile(r'<(?:script|link)\b[^>]*?\s(?:src|href)="([^"]+\.(?:js|css))"')


def page_weight(site: Path) -> dict[str, int]:
    """Bytes the leaderboard page references on open: its HTML and each CSS and script file (the
    search worker and index wait until search is used; Chromium's own count is in :func:`throttled`)."""
    html = (site / "index.html").read_text(encoding="utf-8")
    weight = {"html": len(html.encode("utf-8")), "css": 0, "js": 0}
    for ref in sorted(set(_RESOURCE.findall(html))):
        path = site / ref.split("?")[0].lstrip("./")
        weight["css" if ref.endswith(".css") else "js"] += path.stat().st_size
    weight["total"] = sum(weight.values())
    weight["html gzipped"] = len(gzip.compress(html.encode("utf-8"), 6))
    return weight


def run(label: str, records: Path | None, work: Path) -> dict[str, float]:
    """Build once; print and return the stage timings."""
    n_models = len(load(records).models)
    start = time.perf_counter()
    result = build_site(records_dir=records, out_dir=work / "site", docs_dir=work / "src")
    total = time.perf_counter() - start
    weight = page_weight(work / "site")
    stages = "  ".join(f"{k} {v:6.1f}s" for k, v in result.seconds.items())
    print(
        f"{label:>18} {n_models:6d} models  total {total:6.1f}s ({1000 * total / n_models:6.1f} ms/model)"
        f"  {stages}  leaderboard page {weight['total'] / 1e6:.2f} MB "
        f"(html {weight['html'] / 1e3:.0f} kB, gz {weight['html gzipped'] / 1e3:.0f} kB; css "
        f"{weight['css'] / 1e3:.0f} kB; js {weight['js'] / 1e3:.0f} kB)",
        flush=True,
    )
    return {"models": n_models, "total": total, **result.seconds, "page_bytes": weight["total"]}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", type=int, default=10, help="models in the smallest synthetic set")
    parser.add_argument("--scales", default="10,100", help="comma-separated multiples of --base")
    parser.add_argument("--no-shipped", action="store_true", help="skip the shipped records")
    parser.add_argument("--runs", type=int, default=3, help="throttled loads of the leaderboard (median)")
    parser.add_argument("--no-browser", action="store_true", help="skip the throttled Chromium loads")
    parser.add_argument(
        "--tiny",
        action="store_true",
        help="10 synthetic models instead of the shipped ones and the larger sets, loaded once in Chromium",
    )
    args = parser.parse_args()
    if args.tiny:
        args.base, args.scales, args.no_shipped, args.runs = 10, "1", True, 1
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        if not args.no_shipped:
            rows.append(run("shipped", None, Path(tmp) / "shipped"))
            if not args.no_browser:
                report_throttled(Path(tmp) / "shipped" / "site", args.runs)
                report_calculator(Path(tmp) / "shipped" / "site", args.runs)
        for scale in (int(s) for s in args.scales.split(",") if s):
            n = args.base * scale
            work = Path(tmp) / f"synthetic-{n}"
            records = write_synthetic_records(work / "records", n, seed=scale)
            rows.append(run(f"synthetic {scale}x", records, work))
            if args.tiny and not args.no_browser:
                report_throttled(work / "site", args.runs)
    synthetic = rows if args.no_shipped else rows[1:]
    if len(synthetic) >= 2:
        small, large = synthetic[0], synthetic[-1]
        growth = (large["total"] / small["total"]) / (large["models"] / small["models"])
        print(
            f"cost growth from {small['models']:.0f} to {large['models']:.0f} models: "
            f"{large['total'] / small['total']:.1f}x time for "
            f"{large['models'] / small['models']:.0f}x models (time per model ratio {growth:.2f}; 1 = linear)"
        )
    for row in rows:
        per_1000 = 1000 * row["total"] / row["models"]
        if row["models"] >= 1000 and row["total"] > TARGET_SECONDS_PER_1000 * row["models"] / 1000:
            print(
                f"OVER TARGET: {row['models']:.0f} models took {row['total']:.1f}s "
                f"({per_1000:.1f}s per 1,000)"
            )
        if row["page_bytes"] > TARGET_PAGE_BYTES and row["models"] < 1000:
            print(
                f"OVER TARGET: leaderboard page {row['page_bytes'] / 1e3:.0f} kB "
                f"for {row['models']:.0f} models"
            )


def report_throttled(site: Path, runs: int) -> None:
    """Load the leaderboard ``runs`` times under Slow 4G; print bytes and first-render times."""
    from benchmarks.throttled_load import throttled_loads

    results = throttled_loads(site, runs)
    med = {k: statistics.median(r[k] for r in results) for k in results[0]}
    print(
        f"leaderboard on Slow 4G (median of {runs}): loaded {med['decoded'] / 1e3:.0f} kB decoded, "
        f"{med['transferred'] / 1e3:.0f} kB on the wire (gzip) in {med['requests']:.0f} requests; "
        f"table on screen at {med['table']:.2f} s, chart at {med['chart']:.2f} s, first contentful paint "
        f"{med['fcp']:.2f} s; search index loaded: {'yes' if med['search'] else 'no'}",
        flush=True,
    )
    for key, target, what in (
        ("decoded", TARGET_PAGE_BYTES, "bytes"),
        ("table", TARGET_TABLE_S, "s"),
        ("chart", TARGET_CHART_S, "s"),
    ):
        if med[key] > target:
            print(f"OVER TARGET: {key} {med[key]:.2f} {what} > {target}")


def calculator_files(site: Path) -> dict[str, tuple[int, int]]:
    """Bytes (decoded, gzipped) of what the calculator page loads on open: its HTML, the styles and
    scripts it references, and the data file it fetches (not the presets, which wait for the search)."""
    page = site / "calculator" / "index.html"
    html = page.read_text(encoding="utf-8")
    files = {"html": page}
    for ref in sorted(set(_RESOURCE.findall(html))):
        files[ref.rsplit("/", 1)[-1]] = (page.parent / ref.split("?")[0]).resolve()
    for data in sorted((site / "calculator").glob("density-*.json")):
        files[data.name] = data
    return {name: (len(p.read_bytes()), len(gzip.compress(p.read_bytes(), 6))) for name, p in files.items()}


def report_calculator(site: Path, runs: int) -> None:
    """The calculator's first load: its files, then measured in Chromium under Slow 4G."""
    from benchmarks.throttled_load import calculator_loads

    files = calculator_files(site)
    decoded, zipped = sum(d for d, _ in files.values()), sum(z for _, z in files.values())
    print(
        f"calculator first load (files): {decoded / 1e3:.0f} kB decoded, {zipped / 1e3:.0f} kB gzipped; "
        + ", ".join(f"{n} {d / 1e3:.1f}/{z / 1e3:.1f}" for n, (d, z) in files.items()),
        flush=True,
    )
    results = calculator_loads(site, CALCULATOR_QUERY, runs)
    med = {k: statistics.median(r[k] for r in results) for k in results[0]}
    print(
        f"calculator on Slow 4G (median of {runs}): loaded {med['decoded'] / 1e3:.0f} kB decoded, "
        f"{med['transferred'] / 1e3:.0f} kB on the wire (gzip) in {med['requests']:.0f} requests; first "
        f"result on screen at {med['ready']:.2f} s; presets loaded: {'yes' if med['presets'] else 'no'}",
        flush=True,
    )
    for key, what in (("decoded", "decoded"), ("transferred", "on the wire")):
        if med[key] > TARGET_CALCULATOR_BYTES:
            print(f"OVER TARGET: calculator first load {med[key] / 1e3:.0f} kB {what} > 300 kB")


if __name__ == "__main__":
    main()
