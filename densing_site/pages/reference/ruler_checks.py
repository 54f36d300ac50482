"""What the ruler page says about how far a ruler can be trusted: its extrapolation back-test
(ruler.json ``backtest``) and, for a chained ruler, each benchmark's chain link (``chain`` of a
benchmark: the factor k that puts the newer family in the older family's units, its error and the
members it was taken from). docs/method.md has the method ("Reading beyond the reference models",
"Chained rulers"); this module only puts the fit outputs into rows and words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from densing_site.text.formatting import fmt_number, number

Z90 = 1.6448536269514722
"""The normal quantile of a two-sided 90% interval."""


@dataclass(frozen=True)
class FactorBin:
    """One row of a back-test by extrapolation factor."""

    factors: str
    """``1–2×``, ``10× and beyond``."""
    n_read: int
    n_unreadable: int
    rms_error: float | None
    """RMS of ln N̂ − ln N over the members read."""
    mean_error: float | None
    typical: float | None
    """exp(median |error|): the factor by which a typical reading is off."""


def factor_range(low: Any, high: Any) -> str:
    """``1–2×``; ``10× and beyond`` when the bin has no upper end."""
    lo, hi = number(low), number(high)
    if hi is None:
        return f"{fmt_number(lo)}× and beyond"
    return f"{fmt_number(lo)}–{fmt_number(hi)}×"


def backtest_view(ruler: dict[str, Any]) -> dict[str, Any] | None:
    """The back-test of a ruler: kappa, bias, counts and one :class:`FactorBin` per factor range
    (None when the fit outputs hold none)."""
    test = ruler.get("backtest")
    if not isinstance(test, dict):
        return None
    bins = [
        FactorBin(
            factors=factor_range(b.get("factor_low"), b.get("factor_high")),
            n_read=int(number(b.get("n_points")) or 0),
            n_unreadable=int(number(b.get("n_unreadable")) or 0),
            rms_error=number(b.get("rms_error")),
            mean_error=number(b.get("mean_error")),
            typical=number(b.get("typical_factor")),
        )
        for b in test.get("by_factor") or []
    ]
    return {
        "kappa": number(test.get("kappa")),
        "bias": number(test.get("bias")),
        "n_points": int(number(test.get("n_points")) or 0),
        "n_unreadable": int(number(test.get("n_unreadable")) or 0),
        "max_factor": number(test.get("max_factor")),
        "bins": bins,
    }


@dataclass(frozen=True)
class ChainLink:
    """How one rung of a chained ruler is linked to the base rung on one benchmark."""

    benchmark: str
    protocol: str
    error: str
    """Why the rung could not be fitted or linked (then the numbers are None)."""
    factor: float | None
    """k: base-unit parameters per rung parameter."""
    low: float | None
    high: float | None
    """k's 90% interval: exp(ln k ± 1.645 · se), se Birge-scaled."""
    se: float | None
    birge: float | None
    kappa: float | None
    """The rung's own back-tested extrapolation error (per ln factor)."""
    members: tuple[dict[str, Any], ...]


def chain_links(bench: str, fit: dict[str, Any]) -> list[ChainLink]:
    """The chain links of one benchmark of a chained ruler (none for an ordinary ruler)."""
    out = []
    for rung in fit.get("chain") or []:
        link = rung.get("link") or {}
        ln_k, se = number(link.get("ln_factor")), number(link.get("ln_factor_se"))
        bounds = (None, None)
        if ln_k is not None and se is not None:
            bounds = (math.exp(ln_k - Z90 * se), math.exp(ln_k + Z90 * se))
        out.append(
            ChainLink(
                benchmark=bench,
                protocol=str(rung.get("protocol") or ""),
                error=str(rung.get("error") or ("" if link else "no link in the fit outputs")),
                factor=number(link.get("factor")),
                low=bounds[0],
                high=bounds[1],
                se=se,
                birge=number(link.get("birge_ratio")),
                kappa=number((rung.get("backtest") or {}).get("kappa")),
                members=tuple(m for m in link.get("members") or [] if isinstance(m, dict)),
            )
        )
    return out
