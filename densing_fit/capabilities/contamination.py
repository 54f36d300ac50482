"""Contamination control: MMLU against its contamination-free counterpart MMLU-CF (Zhao et al. 2024,
arXiv 2412.15194), as the journal version of the densing-law paper compares their slopes.

The comparison needs base models with both benchmarks measured under one protocol (at least
:data:`MIN_PAIRS`) and a ruler that reads MMLU-CF. This module counts what the records hold and, when
something is missing, says what: the check is reported, never silently skipped. (The records of
2026-12 hold three base models with an MMLU-CF score and no ruler for it, so there is no slope pair to
fit yet; the fit, a track reading MMLU-CF beside one reading MMLU, is to be added with the data.)
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from densing_data.loader import Dataset

MIN_PAIRS = 10
"""Fewest base models with MMLU and MMLU-CF under one protocol for the comparison."""
CLEAN, PLAIN = "mmlu-cf", "mmlu"
LEFT_OUT_FILE = "densing_data/importers/left_out/mmlu-cf.md"
JOURNAL_SLOPES = {"mmlu": 0.0066, "mmlu-cf": 0.0065}
"""The densing-law journal version's slopes (ln ρ per day), as issue 22 quotes them."""


def contamination_check(ds: Dataset, ruler_benchmarks: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """The MMLU / MMLU-CF check: pairs per protocol, the rulers that read MMLU-CF, and whether the
    records hold what the comparison needs (``possible``) or what is missing (``missing``).

    ``ruler_benchmarks``: ruler id -> the benchmarks it was fitted on.
    """
    base = set(ds.models.loc[ds.models["kind"] == "base", "id"].astype(str))
    scores = ds.scores[ds.scores["benchmark"].isin([CLEAN, PLAIN]) & ds.scores["model"].isin(base)]
    clean = scores[scores["benchmark"] == CLEAN]
    plain = scores[scores["benchmark"] == PLAIN]
    pairs = _pairs_by_protocol(plain, clean)
    best = max(pairs, key=lambda p: (len(p["models"]), p["protocol"]), default=None)
    n_pairs = 0 if best is None else len(best["models"])
    rulers = sorted(r for r, benches in ruler_benchmarks.items() if CLEAN in benches)
    missing = []
    if n_pairs < MIN_PAIRS:
        missing.append(
            f"base models with both MMLU and MMLU-CF under one protocol: {n_pairs} in the records, "
            f"at least {MIN_PAIRS} needed"
        )
    if not rulers:
        missing.append("a ruler that reads MMLU-CF (a reference family measured on it under one protocol)")
    return {
        "benchmarks": [PLAIN, CLEAN],
        "min_pairs": MIN_PAIRS,
        "n_base_models_with_mmlu_cf": int(clean["model"].nunique()),
        "mmlu_cf_models": sorted(clean["model"].unique().tolist()),
        "pairs_by_protocol": pairs,
        "rulers_reading_mmlu_cf": rulers,
        "possible": not missing,
        "missing": missing,
        "left_out_file": LEFT_OUT_FILE,
        "journal_slopes_per_day": JOURNAL_SLOPES,
    }


def _pairs_by_protocol(plain: pd.DataFrame, clean: pd.DataFrame) -> list[dict[str, Any]]:
    """Per protocol holding MMLU-CF scores: the base models that also have MMLU under it."""
    out = []
    for protocol, rows in clean.groupby("protocol", sort=True):
        models = set(rows["model"]) & set(plain.loc[plain["protocol"] == protocol, "model"])
        out.append({"protocol": str(protocol), "models": sorted(models)})
    return out
