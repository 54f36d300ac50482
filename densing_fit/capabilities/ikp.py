"""The knowledge group's slope against Incompressible Knowledge Probes (IKP; Li 2026, arXiv 2604.24827).

IKP regresses each model's accuracy on its 1,400 factual probes (the fraction answered correctly)
on log10 of its parameter count and its release month, over 96 dated open-weight models, and reports
the release-month coefficient: -0.0010 per month (95% interval -0.0031 to +0.0008), against the
+0.0117 per month the densing law would predict. That coefficient is on IKP's *accuracy* scale, at a
fixed parameter count. The densing law's prediction there is the accuracy slope per decade of
parameters, b, times log10(2) per doubling time: b·log10(2)/3.5 months (IKP's code,
``DENSING_DOUBLING_MONTHS = 3.5``). So a coefficient c corresponds to a growth of effective size at
fixed parameter count, in ln ρ per day, of

    (c / 0.0117) · ln 2 / (3.5 · 30.44 days),

which is the same quantity as the slope of our fit at equal size (``size_adjusted``: ln ρ on release
date and ln N over every model). The conversion takes IKP's b as exact, so the converted interval is
IKP's 95% interval of c alone; ours are 90% intervals.
"""

from __future__ import annotations

import math
from typing import Any

from densing_fit.trend.law import DAYS_PER_MONTH, doubling_days

IKP_SOURCE = {
    "title": (
        "Incompressible Knowledge Probes: Estimating Black-Box LLM Parameter Counts via Factual "
        "Capacity (Li 2026)"
    ),
    "url": "https://arxiv.org/abs/2604.24827",
    "locator": "abstract: time coefficient over 96 dated open-weight models, and the densing prediction",
}
IKP_CODE = {
    "title": "IKP evaluation toolkit and reproduction bundle, scripts/15_densing_law_analysis.py",
    "url": (
        "https://github.com/19PINE-AI/ikp/blob/2abc276b98eff6895de348601d01baa14da9a3a4/"
        "scripts/15_densing_law_analysis.py"
    ),
    "locator": "lines 79-81 and 155-164: the densing prediction is b·log10(2)/3.5 months",
}
COEFFICIENT = -0.0010
"""IKP's release-month coefficient (accuracy per month at fixed log10 parameters)."""
CI95 = (-0.0031, 0.0008)
"""Its 95% interval."""
DENSING_PREDICTION = 0.0117
"""What the densing law predicts for that coefficient, per month (IKP's abstract)."""
DENSING_DOUBLING_MONTHS = 3.5
"""The doubling time IKP's prediction assumes (its code's ``DENSING_DOUBLING_MONTHS``)."""


def to_ln_density_per_day(coefficient: float) -> float:
    """An IKP release-month coefficient as a growth of ln(effective size / N) per day (module doc)."""
    per_month = coefficient / DENSING_PREDICTION * math.log(2) / DENSING_DOUBLING_MONTHS
    return per_month / DAYS_PER_MONTH


def ikp_reference() -> dict[str, Any]:
    """IKP's numbers, on their own scale and as ln ρ per day."""
    slope = to_ln_density_per_day(COEFFICIENT)
    ci = [to_ln_density_per_day(v) for v in CI95]
    return {
        "source": IKP_SOURCE,
        "code": IKP_CODE,
        "coefficient_per_month": COEFFICIENT,
        "coefficient_ci95": list(CI95),
        "densing_prediction_per_month": DENSING_PREDICTION,
        "densing_doubling_months": DENSING_DOUBLING_MONTHS,
        "scale": (
            "IKP accuracy (the fraction of its factual probes answered correctly) per month, at a fixed "
            "log10 parameter count"
        ),
        "slope_per_day": slope,
        "slope_per_day_ci95": ci,
        "densing_prediction_slope_per_day": to_ln_density_per_day(DENSING_PREDICTION),
        "conversion": (
            "slope = (coefficient / 0.0117) x ln 2 / (3.5 x 30.44) per day: the growth of effective size "
            "at fixed parameter count that the coefficient implies on IKP's own accuracy-to-size line; "
            "IKP's accuracy slope per decade of parameters is taken as exact"
        ),
    }


def compare(track_id: str, group: dict[str, Any]) -> list[dict[str, Any]]:
    """The knowledge group of ``track_id`` against IKP, one row per fit of it that has an interval:
    ``size_adjusted`` (the same quantity as IKP's coefficient), ``all_models`` and ``frontier``."""
    ref = ikp_reference()
    low_ikp, high_ikp = ref["slope_per_day_ci95"]
    prediction = ref["densing_prediction_slope_per_day"]
    rows = []
    for fit in ("size_adjusted", "all_models", "frontier"):
        summary = group.get(fit) or {}
        low, high = summary.get("slope_per_day_ci") or [None, None]
        if summary.get("slope_per_day") is None or low is None or high is None:
            continue
        agrees = max(low, low_ikp) <= min(high, high_ikp)
        rows.append(
            {
                "track": track_id,
                "fit": fit,
                "benchmarks": group.get("benchmarks"),
                "n_models": summary.get("n_models"),
                "slope_per_day": summary["slope_per_day"],
                "slope_per_day_ci": [low, high],
                "doubling_days": doubling_days(summary["slope_per_day"]),
                "agrees_with_ikp": bool(agrees),
                "excludes_zero": bool(low > 0 or high < 0),
                "excludes_densing_prediction": bool(high < prediction or low > prediction),
                "sentence": _sentence(fit, low, high, low_ikp, high_ikp, agrees),
            }
        )
    return rows


def _sentence(fit: str, low: float, high: float, low_ikp: float, high_ikp: float, agrees: bool) -> str:
    what = {
        "size_adjusted": "at equal size over all models",
        "all_models": "over all models",
        "frontier": "on the frontier",
    }[fit]
    ours = f"{low:+.5f} to {high:+.5f} per day (90%)"
    theirs = f"{low_ikp:+.5f} to {high_ikp:+.5f} per day (IKP, 95%, converted)"
    verb = "overlaps" if agrees else "does not overlap"
    return f"Knowledge density growth {what}: {ours}; it {verb} {theirs}."
