"""The density calculator page (``calculator/``): a model's inputs read on every track in the browser.

The fitter's ``calculator.json`` (rulers, their covariances and error terms, bridges, lines, citable
readings; :mod:`densing_fit.calculator.export`) is copied next to the page under the data version's
name, ``density-<version>.json``, with the recorded models as presets, ``presets-<version>.json``
(loaded when the preset search is first used). ``site_src/assets/javascripts/density-engine.js``
reads the inputs exactly as ``densing fit``; ``calculator-form.js`` (the form, its checks and the
address), ``calculator-results.js`` (the result in words) and ``calculator.js`` (loading and updating)
are the page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from densing_data import Dataset
from densing_data.schema.records import ModelKind
from densing_fit.calculator.presets import presets
from densing_fit.outputs import CALCULATOR_FILE
from densing_site.errors import SiteError
from densing_site.escape import json_for_html
from densing_site.pages.leaderboard import track_url
from densing_site.render import PageWriter
from densing_site.sitedata import SiteData

PAGE = "calculator/index.md"
FOLDER = "calculator"
ASSETS = (
    "stylesheets/calculator.css",
    "javascripts/density-engine.js",
    "javascripts/calculator-form.js",
    "javascripts/calculator-results.js",
    "javascripts/calculator.js",
)
"""What only the calculator page loads (besides its data file)."""
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,40}$")


def data_file(version: str) -> str:
    """``density-<version>.json``: the calculator's data, named by the data version it was fitted on."""
    if not _VERSION.match(version):
        raise SiteError(
            f"data version {version!r} cannot name the calculator's data file (letters, digits, . _ -)"
        )
    return f"density-{version}.json"


def presets_file(version: str) -> str:
    """``presets-<version>.json``: the recorded models the page can start from."""
    return f"presets-{data_file(version).removeprefix('density-')}"


def read_calculator(fit_dir: Path) -> dict[str, Any] | None:
    """The fit's calculator.json, or None when the fitter wrote none (an older fit directory)."""
    path = fit_dir / CALCULATOR_FILE
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise SiteError(f"{path}:{err.lineno}: invalid JSON: {err.msg}") from None


def write_calculator(writer: PageWriter, data: SiteData) -> bool:
    """Write the page, its data file and presets; False (nothing written) without calculator.json."""
    return write_calculator_files(writer, data.ds, data.fit_dir)


def write_calculator_files(writer: PageWriter, ds: Dataset, fit_dir: Path) -> bool:
    """The calculator page for the records ``ds`` and the fit outputs in ``fit_dir``."""
    doc = read_calculator(fit_dir)
    if doc is None:
        return False
    version = str(doc["data_version"])
    writer.write_bytes(f"{FOLDER}/{data_file(version)}", (fit_dir / CALCULATOR_FILE).read_bytes())
    models = presets(ds, doc["benchmarks"])
    writer.write_text(f"{FOLDER}/{presets_file(version)}", str(json_for_html(models)) + "\n")
    tracks = [
        {"id": t["id"], "label": t["label"], "url": track_url(t["id"], doc["default_track"])}
        for t in doc["tracks"]
    ]
    config = {
        "data": data_file(version),
        "presets": presets_file(version),
        "version": version,
        "root": "../",
        "tracks": tracks,
    }
    writer.render_page(
        PAGE,
        "calculator.md.j2",
        title="Density calculator",
        hide=("toc",),
        raw_html=True,
        page_assets=ASSETS,
        site_scripts=False,
        inline_styles=True,
        context={
            "config": config,
            "version": version,
            "tracks": tracks,
            "n_presets": len(models),
            "kinds": [k.value for k in ModelKind],
            "date_range": doc["constants"]["date_range"],
            "benchmarks": doc["benchmarks"],
        },
    )
    return True
