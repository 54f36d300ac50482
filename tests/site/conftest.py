"""A small synthetic site built once per test session, served on 127.0.0.1, and a headless Chromium."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from densing_data import load
from densing_site.build import build_site, run_fitter
from tests.site.chromium import CHROMEDRIVER, CHROMIUM, headless_chromium
from tests.site.fit_fixture import write_fixture_fit_outputs
from tests.site.local_server import serve
from tests.site.synthetic import write_synthetic_records
from tests.site.tracks_fixture import write_track_outputs
from tests.site.versioned import build_versioned_site, make_versioned_repo

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
    """The site built from the synthetic records (pages generated into a temporary docs dir), with no
    release (the released versions and their frozen pages: ``versioned_site``)."""
    root = site_inputs["root"]
    (root / "releases").mkdir()
    build_site(
        records_dir=site_inputs["records"],
        out_dir=root / "site",
        fit_dir=site_inputs["fit"],
        docs_dir=root / "src",
        releases_dir=root / "releases",
    )
    return root / "site"


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site served by a static file server on 127.0.0.1 (in a thread)."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def versioned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A git repository with two tagged releases and a correction after them (tests/site/versioned.py),
    and its site: the current pages, and every version's frozen pages, built as on a first deploy (a
    live site that publishes none yet)."""
    root = tmp_path_factory.mktemp("versioned")
    repo = make_versioned_repo(root / "repo")
    (root / "nothing-published").mkdir()
    with serve(root / "nothing-published") as live:
        site = build_versioned_site(repo, root, live)
    return {**repo, "site": site, "root": root}


@pytest.fixture(scope="session")
def versioned_url(versioned: dict[str, Any]) -> Iterator[str]:
    """The versioned site served on 127.0.0.1."""
    with serve(versioned["site"]) as url:
        yield url


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


@pytest.fixture(autouse=True)
def _fresh_browser_log(request: pytest.FixtureRequest) -> None:
    """Each browser test starts with an empty console log: the shared browser keeps the messages of
    pages an earlier test left (a chart's track switched, say) until someone reads them."""
    if {"browser", "phone"} & set(request.fixturenames):
        request.getfixturevalue("browser").get_log("browser")


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
