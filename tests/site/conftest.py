"""A small synthetic site built once per test session, served on 127.0.0.1, and a headless Chromium."""

from __future__ import annotations

import functools
import http.server
import importlib.util
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from densing_data import load
from densing_site.build import build_site, run_fitter
from tests.site.chromium import CHROMEDRIVER, CHROMIUM, headless_chromium
from tests.site.fit_fixture import write_fixture_fit_outputs
from tests.site.synthetic import write_synthetic_records
from tests.site.tracks_fixture import write_track_outputs

N_MODELS = 24
ALERT_TRAP = """
window.__alerts = [];
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = (message) => { window.__alerts.push(String(message)); };
}
"""


def fitter_available() -> bool:
    """True once :mod:`densing_fit` is there (then the site tests use the real fitter)."""
    return importlib.util.find_spec("densing_fit.outputs") is not None


def write_fit_outputs(records_dir: Path, out: Path) -> Path:
    """Fit outputs for ``records_dir``: the real fitter when it exists, else the hand-written fixture;
    per-track files from the tracks fixture when the fitter wrote none (see tracks_fixture.py)."""
    ds = load(records_dir)
    if fitter_available():
        return write_track_outputs(run_fitter(ds, out))
    return write_track_outputs(write_fixture_fit_outputs(ds, out))


@pytest.fixture(scope="session")
def site_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Synthetic records (with a hostile model and corrections) and their fit outputs."""
    root = tmp_path_factory.mktemp("site-inputs")
    records = write_synthetic_records(root / "records", N_MODELS, hostile=True)
    return {"records": records, "fit": write_fit_outputs(records, root / "fit"), "root": root}


@pytest.fixture(scope="session")
def built_site(site_inputs: dict[str, Path]) -> Path:
    """The site built from the synthetic records (pages generated into a temporary docs dir)."""
    root = site_inputs["root"]
    build_site(
        records_dir=site_inputs["records"],
        out_dir=root / "site",
        fit_dir=site_inputs["fit"],
        docs_dir=root / "src",
    )
    return root / "site"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site served by a static file server on 127.0.0.1 (in a thread)."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's headless Chromium (:func:`tests.site.chromium.headless_chromium`) with console logs
    and an alert trap."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists() or shutil.which("chromium") is None:
        pytest.fail("browser tests need Debian's chromium and chromium-driver (.ci/run installs them)")
    driver = headless_chromium(console_logs=True)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": ALERT_TRAP})
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
"""The phone the site is tested at (CSS pixels)."""


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """The browser as a 390x844 phone for one test (the desktop window again afterwards)."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    browser.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True})
    try:
        yield browser
    finally:
        browser.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
