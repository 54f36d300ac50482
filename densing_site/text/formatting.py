"""How numbers read on the site: parameter counts, densities, dates, doubling times in words."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

DAYS_PER_MONTH = 30.44


def is_missing(value: Any) -> bool:
    """True for ``None``, NaN and pandas' NA."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def number(value: Any) -> float | None:
    """``value`` as a finite float, or ``None``."""
    if is_missing(value):
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def fmt_params(value: Any) -> str:
    """A parameter count as people write it: ``494M``, ``7.6B``, ``1.2T``; empty when missing."""
    n = number(value)
    if n is None:
        return ""
    for unit, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(n) >= scale:
            return f"{_sig(n / scale, 3)}{unit}"
    return _sig(n, 3)


def fmt_number(value: Any, digits: int = 3) -> str:
    """``value`` with ``digits`` significant digits; empty when missing."""
    n = number(value)
    return "" if n is None else _sig(n, digits)


def fmt_score(value: Any) -> str:
    """A percent score with one decimal; empty when missing."""
    n = number(value)
    return "" if n is None else f"{n:.1f}"


def fmt_date(value: Any) -> str:
    """An ISO date (``YYYY-MM-DD``); empty when missing."""
    if is_missing(value):
        return ""
    if isinstance(value, str):
        return value[:10]
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def fmt_interval(low: Any, high: Any, digits: int = 3) -> str:
    """``low–high`` with ``digits`` significant digits; empty unless both ends are known."""
    lo, hi = number(low), number(high)
    if lo is None or hi is None:
        return ""
    return f"{_sig(lo, digits)}–{_sig(hi, digits)}"


def _sig(value: float, digits: int) -> str:
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}×10^{int(exponent)}"
    return text


def doubling_words(fit: dict[str, Any] | None, confidence: float | None = 0.9) -> str:
    """The doubling time of a densing-law fit in words:
    ``doubles every 3.2 months, 90% interval 2.7 to 3.9``; says so when the fit is missing."""
    if not fit:
        return "not enough data for a fit"
    if fit.get("error"):
        return f"no fit ({fit['error']})"
    months = number(fit.get("doubling_months"))
    if months is None:
        days = number(fit.get("doubling_days"))
        months = None if days is None else days / DAYS_PER_MONTH
    if months is None:
        return "not enough data for a fit"
    verb = "doubles" if months > 0 else "halves"
    text = f"{verb} every {abs(months):.1f} months"
    ci = fit.get("doubling_months_ci")
    if ci is None and fit.get("doubling_days_ci") is not None:
        ci = [None if number(d) is None else number(d) / DAYS_PER_MONTH for d in fit["doubling_days_ci"]]
    low, high = (number(ci[0]), number(ci[1])) if ci and len(ci) == 2 else (None, None)
    level = f"{round(100 * confidence)}% interval" if confidence else "interval"
    if low is not None and high is not None:
        low, high = sorted((abs(low), abs(high)))
        text += f", {level} {low:.1f} to {high:.1f}"
    else:
        text += f", {level} unbounded"
    return text


def bound_side(flags: Any) -> str | None:
    """``"lower"`` when a density is only a lower bound (its flags hold ``above_ruler``), ``"upper"``
    for an upper bound (``below_ruler``), None otherwise (or when it holds both). ``flags`` is an
    iterable of flag ids or of (flag, explanation) pairs, or a ``;``-separated string."""
    if flags is None or isinstance(flags, float):
        return None
    items = flags.split(";") if isinstance(flags, str) else flags
    names = {item[0] if isinstance(item, tuple | list) else str(item) for item in items}
    above, below = "above_ruler" in names, "below_ruler" in names
    if above == below:
        return None
    return "lower" if above else "upper"


def bound_mark(flags: Any) -> str:
    """``≥ `` before a density that is only a lower bound, ``≤ `` before an upper bound, else nothing
    (see :func:`bound_side`)."""
    return {"lower": "≥ ", "upper": "≤ "}.get(bound_side(flags) or "", "")


def bound_words(flags: Any) -> str:
    """``at least `` / ``at most `` for a bounded density in a sentence, else nothing."""
    return {"lower": "at least ", "upper": "at most "}.get(bound_side(flags) or "", "")


def interval_words(low: Any, high: Any, flags: Any) -> str:
    """A density's 90% interval as a tooltip gives it (``0.41–0.66``), or why there is none: ``none:
    only a lower bound`` for a bounded reading, ``none`` without an interval."""
    side = bound_side(flags)
    if side:
        return f"none: only {'a lower' if side == 'lower' else 'an upper'} bound"
    return fmt_interval(low, high) or "none"
