"""How long built pages are: the height of each page in headless Chromium at 1400x1000 (a laptop) and
390x844 (a phone), in CSS pixels and in screens, with every fold (``<details>``) as the page opens it;
with ``--top SELECTOR``, where each such element starts and ends (is it on the first screen?).

    make site && .venv/bin/python benchmarks/page_heights.py models/llama-2-7b/ models/qwen2.5-7b/
    .venv/bin/python benchmarks/page_heights.py "" --top "#lb-verdict" --top "#leaderboard"

Serves ``--site`` (default ``site/``) on 127.0.0.1; needs Debian's chromium and chromedriver.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.site.chromium import headless_chromium

SIZES = ((1400, 1000, False), (390, 844, True))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+", help="site paths, e.g. models/llama-2-7b/")
    parser.add_argument("--site", type=Path, default=Path("site"), help="the built site (default: site/)")
    parser.add_argument("--top", action="append", default=[], help="CSS selector: print where it starts")
    args = parser.parse_args()
    if not (args.site / "index.html").is_file():
        parser.error(f"{args.site}: no built site there (run `make site` first)")
    handler = functools.partial(_Quiet, directory=str(args.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    driver = headless_chromium()
    try:
        for width, height, mobile in SIZES:
            metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
            for page in args.pages:
                driver.get(url + page)
                driver.execute_script("return new Promise(done => setTimeout(done, 500))")  # scripts settle
                tall = driver.execute_script("return document.documentElement.scrollHeight")
                print(f"{width:>5} px  {page or '(home)':<40} {tall:>7,} px = {tall / height:5.1f} screens")
                for selector in args.top:
                    box = driver.execute_script(
                        "const e = document.querySelector(arguments[0]);"
                        "return e && [e.getBoundingClientRect().top, e.getBoundingClientRect().bottom]",
                        selector,
                    )
                    where = "absent" if box is None else f"from {box[0]:,.0f} to {box[1]:,.0f} px"
                    print(f"{'':>9}{selector:<40} {where}")
    finally:
        driver.quit()
        server.shutdown()


if __name__ == "__main__":
    main()
