"""How closely the calculator page's engine reproduces the fit: every shipped model on every track.

Fits the shipped records (every track, no sensitivity table), writes ``calculator.json`` as the fit
does (floats whole) and once more with its floats rounded to 10 significant digits (as the other JSON
outputs are), runs ``site_src/assets/javascripts/density-engine.js`` in headless Chromium on every
recorded model's scores (the page's presets) with each, and prints the largest relative difference from
the fit's own numbers (effective size, density, its 90% interval, per active parameter), against the
bound of 1e-6, and how long the fit and each engine run took.

    .venv/bin/python benchmarks/calculator_agreement.py
    .venv/bin/python benchmarks/calculator_agreement.py --tiny   # 20 synthetic models (make test)

``--tiny`` does the same on the records of 20 synthetic models (``tests/site/synthetic.py``: the
reference family and 13 others, among them an MoE, an instruct and a pruned model, scores read only as
bounds, corrections and a retraction) instead of the shipped ones, so ``make test`` keeps the script
working in seconds.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from densing_data import load  # noqa: E402
from densing_fit.calculator.export import calculator_document  # noqa: E402
from densing_fit.calculator.presets import presets  # noqa: E402
from densing_fit.outputs import clean_json, precise_json_text  # noqa: E402
from densing_fit.pipeline import fit_all  # noqa: E402
from tests.site.chromium import headless_chromium  # noqa: E402
from tests.site.synthetic import write_synthetic_records  # noqa: E402

BOUND = 1e-6
"""The largest relative difference the calculator may show from the fit (issue 21)."""
TINY_MODELS = 20

KEYS = {
    "effectiveParams": "effective_params",
    "density": "density",
    "densityLow": "density_low",
    "densityHigh": "density_high",
    "densityActive": "density_active",
    "densityActiveLow": "density_active_low",
    "densityActiveHigh": "density_active_high",
}
SCRIPT = """
const [doc, presets] = arguments;
const parse = (spec) => {
  const m = /^([^=]+)=([^:@]*):([^:@]*):([^:@]*)(?:@(.*))?$/.exec(spec);
  const cot = {cot: true, nocot: false}[m[4]];
  return {benchmark: m[1], value: Number(m[2]), shots: m[3] === '?' ? null : Number(m[3]),
          cot: cot === undefined ? null : cot, protocol: m[5] || ''};
};
return presets.map((p) => [p.id, DensingEngine.readModel(doc, {paramsTotal: p.params_total,
  paramsActive: p.params_active, releaseDate: p.release_date, kind: p.kind, modelId: p.id,
  scores: p.scores.map(parse)})]);
"""


def worst_difference(readings: list, fitted: dict) -> tuple[float, int]:
    """Largest relative difference of the engine's numbers from the fit's, and how many were compared."""
    worst, n = 0.0, 0
    for model, outcomes in readings:
        for outcome in outcomes:
            row = fitted[outcome["track"]].get(model)
            if row is None:
                continue
            for js_key, key in KEYS.items():
                ours, theirs = outcome[js_key], row[key]
                if ours is None or theirs is None or math.isnan(theirs):
                    continue
                worst, n = max(worst, abs(ours - theirs) / abs(theirs)), n + 1
    return worst, n


def verdict(worst: float, n: int) -> str:
    """Whether ``worst`` keeps to :data:`BOUND`, in words (nothing compared is not a pass)."""
    if n == 0:
        return "nothing compared"
    return f"within {BOUND:g}: {'yes' if worst <= BOUND else 'NO'}"


def compare(records: Path | None = None) -> None:
    """Fit ``records`` (default: the shipped ones), run the engine on every recorded model and print
    how far its numbers are from the fit's."""
    start = time.perf_counter()
    ds = load(records)
    result = fit_all(ds, sensitivity=False, compare_release=False)
    what = f"the shipped records ({ds.version})" if records is None else "the synthetic records"
    print(f"fit of {what}, {len(ds.models)} models, every track: {time.perf_counter() - start:.2f} s")
    document = calculator_document(result)
    whole = json.loads(precise_json_text(document))
    rounded = json.loads(json.dumps(clean_json(document)))
    listed = presets(ds, document["benchmarks"])
    fitted = {
        t.track.id: {
            r["model"]: r
            for r in t.densities.to_dict("records")
            if r["effective_params"] == r["effective_params"]
        }
        for t in result.tracks
    }
    engine = (ROOT / "site_src/assets/javascripts/density-engine.js").read_text(encoding="utf-8")
    driver = headless_chromium()
    try:
        driver.get("about:blank")
        driver.execute_script(engine)
        for label, doc in (("floats whole (as written)", whole), ("floats rounded to 10 digits", rounded)):
            start = time.perf_counter()
            readings = driver.execute_script(SCRIPT, doc, listed)
            took = time.perf_counter() - start
            worst, n = worst_difference(readings, fitted)
            print(
                f"calculator.json with {label}: {n} numbers of {len(listed)} models, "
                f"largest relative difference {worst:.2g} ({verdict(worst, n)}); engine {took:.2f} s"
            )
    finally:
        driver.quit()


def main() -> None:
    """Compare on the shipped records, or with ``--tiny`` on a few synthetic models."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help=f"{TINY_MODELS} synthetic models")
    args = parser.parse_args()
    if not args.tiny:
        compare()
        return
    print(f"tiny: {TINY_MODELS} synthetic models instead of the shipped records; not measurements")
    with tempfile.TemporaryDirectory(prefix="calculator-agreement-") as tmp:
        compare(write_synthetic_records(Path(tmp) / "records", TINY_MODELS))


if __name__ == "__main__":
    main()
