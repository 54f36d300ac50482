"""How long built pages are: the height of each page in headless Chromium at 1400x1000 (a laptop) and
390x844 (a phone), in CSS pixels and in screens, with every fold (``<details>``) as the page opens it;
with ``--top SELECTOR``, where each such element starts and ends (is it on the first screen?).

    make site && .venv/bin/python benchmarks/page_heights.py models/llama-2-7b/ models/qwen2.5-7b/
    .venv/bin/python benchmarks/page_heights.py "" --top "#lb-verdict" --top "#leaderboard"
    .venv/bin/python benchmarks/page_heights.py --tiny   # a synthetic site of 10 models (make test)

Serves ``--site`` (default ``site/``) on 127.0.0.1; needs Debian's chromium and chromedriver.
``--tiny`` builds the site of 10 synthetic models (``tests/site/synthetic.py``) into a temporary folder
and measures its home page and one model page (where ``#lb-verdict`` and ``#leaderboard`` start, unless
``--top`` says otherwise), so ``make test`` keeps the script working in seconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.site.chromium import headless_chromium
from tests.site.local_server import serve

SIZES = ((1400, 1000, False), (390, 844, True))
TINY_MODELS = 10
TINY_TOPS = ["#lb-verdict", "#leaderboard"]


def measure(site: Path, pages: list[str], tops: list[str]) -> None:
    """Serve ``site`` on 127.0.0.1 and print the height of each of ``pages`` at each of
    :data:`SIZES`, and where each selector of ``tops`` starts and ends on it."""
    start = time.perf_counter()
    with serve(site) as url:
        driver = headless_chromium()
        try:
            for width, height, mobile in SIZES:
                metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
                for page in pages:
                    driver.get(url + page)
                    driver.execute_script(
                        "return new Promise(done => setTimeout(done, 500))"
                    )  # scripts settle
                    tall = driver.execute_script("return document.documentElement.scrollHeight")
                    print(
                        f"{width:>5} px  {page or '(home)':<40} {tall:>7,} px = {tall / height:5.1f} screens"
                    )
                    for selector in tops:
                        box = driver.execute_script(
                            "const e = document.querySelector(arguments[0]);"
                            "return e && [e.getBoundingClientRect().top, e.getBoundingClientRect().bottom]",
                            selector,
                        )
                        where = "absent" if box is None else f"from {box[0]:,.0f} to {box[1]:,.0f} px"
                        print(f"{'':>9}{selector:<40} {where}")
        finally:
            driver.quit()
    print(
        f"{len(pages)} pages at {len(SIZES)} sizes: {time.perf_counter() - start:.2f} s "
        "(Chromium's start included; each page waits 0.5 s for its scripts)"
    )


def tiny_site(work: Path) -> tuple[Path, str]:
    """Build the site of :data:`TINY_MODELS` synthetic models below ``work``; return it and the path
    of one model page."""
    from densing_site.build import build_site
    from tests.site.synthetic import write_synthetic_records

    records = write_synthetic_records(work / "records", TINY_MODELS)
    start = time.perf_counter()
    build_site(records_dir=records, out_dir=work / "site", docs_dir=work / "src")
    print(f"tiny: a synthetic site of {TINY_MODELS} models, built in {time.perf_counter() - start:.2f} s")
    model = sorted(p.name for p in (work / "site" / "models").iterdir() if p.is_dir())[0]
    return work / "site", f"models/{model}/"


def main() -> None:
    """Measure the pages named on the command line (with ``--tiny``: of a small synthetic site)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help='site paths, e.g. models/llama-2-7b/ ("" is the home page)')
    parser.add_argument("--site", type=Path, default=Path("site"), help="the built site (default: site/)")
    parser.add_argument("--top", action="append", default=[], help="CSS selector: print where it starts")
    parser.add_argument("--tiny", action="store_true", help=f"a synthetic site of {TINY_MODELS} models")
    args = parser.parse_args()
    if args.tiny:
        with tempfile.TemporaryDirectory(prefix="page-heights-") as tmp:
            site, model_page = tiny_site(Path(tmp))
            measure(site, args.pages or ["", model_page], args.top or TINY_TOPS)
        return
    if not args.pages:
        parser.error('name the pages to measure, e.g. models/llama-2-7b/ ("" is the home page)')
    if not (args.site / "index.html").is_file():
        parser.error(f"{args.site}: no built site there (run `make site` first)")
    measure(args.site, args.pages, args.top)


if __name__ == "__main__":
    main()
