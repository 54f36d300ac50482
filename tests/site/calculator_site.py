"""The calculator page built alone on the shipped records, once per test run (shared by the xdist
workers through a lock), and served on 127.0.0.1; plus the fitter's unrounded numbers to compare with.

Only the calculator page is generated (with the site's assets, theme and hooks): it is the page under
test, and the shipped model pages would take most of a full build's time.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from filelock import FileLock

from densing_data import load
from densing_fit.outputs import precise_json_text, write_outputs
from densing_fit.pipeline import fit_all
from densing_site.build import mkdocs_build
from densing_site.pages.calculator import PAGE, write_calculator_files
from densing_site.paths import NAV_FILE, SITE_SRC
from densing_site.render import PageWriter

READ_PAGE = """
return Array.from(document.querySelectorAll('.calc-track')).map((section) => {
  const out = {track: section.dataset.track};
  section.querySelectorAll('[data-key]').forEach((e) => {
    if (!e.closest('tr')) out[e.dataset.key] = e.dataset.value;
  });
  return out;
});
"""
"""A script that returns the page's readings: per track its numbers (``data-value``, in full), flags,
rank and place against the line, by ``data-key``."""
FULL_COLUMNS = (
    "effective_params",
    "density",
    "density_low",
    "density_high",
    "density_active",
    "density_active_low",
    "density_active_high",
)


def build_calculator_site(root: Path) -> dict[str, Path]:
    """Fit the shipped records, write the fit outputs, build the calculator page; paths of the fit
    outputs (``fit``), the site (``site``) and the unrounded readings (``full``: track -> model ->
    column -> value, as ``densing fit`` computed them before writing %.6g into the CSV)."""
    ds = load()
    result = fit_all(ds, sensitivity=False, compare_release=False)
    fit = root / "fit"
    write_outputs(result, fit)
    full = {
        t.track.id: {
            r["model"]: {c: r[c] for c in FULL_COLUMNS}
            for r in t.densities.loc[t.densities["effective_params"].notna()].to_dict("records")
        }
        for t in result.tracks
    }
    (root / "full.json").write_text(precise_json_text(full), encoding="utf-8")
    docs = root / "src"
    shutil.copytree(SITE_SRC / "assets", docs / "assets")
    writer = PageWriter(docs)
    assert write_calculator_files(writer, ds, fit)
    writer.write_text(NAV_FILE, json.dumps([{"Calculator": PAGE}]) + "\n")
    mkdocs_build(docs, root / "site", epoch=0)
    return {"fit": fit, "site": root / "site", "full": root / "full.json"}


def shared_calculator_site(base: Path) -> dict[str, Path]:
    """:func:`build_calculator_site` once for all test workers (``base``: their common temp dir)."""
    root = base / "calculator-shipped"
    with FileLock(str(base / "calculator-shipped.lock")):
        done = root / "done.json"
        if not done.is_file():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(parents=True)
            paths = build_calculator_site(root)
            done.write_text(json.dumps({k: str(v) for k, v in paths.items()}), encoding="utf-8")
        return {k: Path(v) for k, v in json.loads(done.read_text(encoding="utf-8")).items()}
