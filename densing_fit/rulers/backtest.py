"""Back-testing a ruler's extrapolation: how wrong is N̂ for a model beyond the reference sizes?

The paper reads 70B models from reference models of at most 0.8B; every ruler here also reads
models larger (and smaller) than its reference family. This module measures the error that costs,
on the ruler's own data, so it can be carried into every interval instead of assumed away.

*Direct rulers.* For each benchmark, the ruler is fitted again without its ``k`` largest members
(k = 1, 2, … while at least :data:`MIN_POINTS` remain) and each left-out member's own score is read
on that truncated ruler; the same with the ``k`` smallest. A member read at ``N̂`` whose true size is
``N`` gives an error ``e = ln N̂ - ln N`` at an extrapolation factor ``f`` = its size over the largest
fitted size (or the smallest fitted size over its size). A member whose score lies beyond what the
truncated curve can reach (above its fitted top) is *unreadable*: counted, not given an error.

*Two-step rulers.* Their held-out targets (reference records marked held-out, e.g. the OLMo ladder's
7B-4T and 13B-5T) are read at their own training tokens; ``f`` = their size over the largest
reference size.

The error model is ``sd(ln N̂) = kappa * ln f``: ``kappa`` is the root mean square of ``e / ln f``
weighted by ``(ln f)²``, i.e. ``sqrt(Σ e² / Σ (ln f)²)`` over every readable point of the ruler's
benchmarks (pooled: a benchmark has too few points alone). ``bias`` is the least-squares slope of
``e`` on ``ln f`` through the origin: negative when the truncated ruler reads larger models as
smaller than they are. The same left-out member enters once per ``k`` that leaves it out, so the
points are not independent; ``kappa`` describes the error, it is not a test statistic.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from densing_fit.errors import FitError
from densing_fit.rulers.direct import DirectRuler
from densing_fit.rulers.effective import EXACT

MIN_POINTS = 4
"""Fewest members a truncated direct ruler is fitted on."""
MIN_SPAN = 10.0
"""Smallest size span (largest / smallest) of a truncated direct ruler."""
MAX_DROPPED = 3
"""Most members left out at once, from each end."""
UNLIMITED_REACH = 1e6
"""Reach factor of a back-test ruler: every score its curve can place is read, however far."""


@dataclass(frozen=True)
class BacktestPoint:
    """One left-out reference model read on a ruler fitted without it."""

    benchmark: str
    """Benchmark id."""
    member: str
    """The left-out model (or reference checkpoint label)."""
    direction: str
    """``"up"`` (larger than every fitted size) or ``"down"`` (smaller)."""
    dropped: int
    """How many members were left out from that end (k)."""
    params: float
    """Its true size N."""
    factor: float
    """Extrapolation factor f ≥ 1."""
    error: float | None
    """ln N̂ - ln N; None when the truncated ruler cannot read its score."""

    def as_dict(self) -> dict[str, object]:
        """The point as a JSON-ready mapping."""
        return {
            "benchmark": self.benchmark,
            "member": self.member,
            "direction": self.direction,
            "dropped": self.dropped,
            "params": self.params,
            "factor": self.factor,
            "error": self.error,
        }


@dataclass(frozen=True)
class ExtrapolationError:
    """The back-tested error model of one ruler (see the module docstring)."""

    kappa: float
    """Standard deviation of ln N̂ per unit of ln f."""
    bias: float | None
    """Mean drift of ln N̂ per unit of ln f (negative: extrapolated readings too small)."""
    n_points: int
    """Readable back-test points."""
    n_unreadable: int
    """Left-out members the truncated ruler could not read (beyond its fitted top)."""
    max_factor: float | None
    """Largest extrapolation factor tested."""
    points: tuple[BacktestPoint, ...]
    """Every point, readable or not."""

    def as_dict(self) -> dict[str, object]:
        """The error model as the ``backtest`` object of ruler.json."""
        return {
            "kappa": self.kappa,
            "bias": self.bias,
            "n_points": self.n_points,
            "n_unreadable": self.n_unreadable,
            "max_factor": self.max_factor,
            "points": [p.as_dict() for p in self.points],
            "by_factor": backtest_table([p.as_dict() for p in self.points]),
        }


def backtest_direct(
    benchmark: str,
    members: Sequence[str],
    sizes: Sequence[float],
    scores: Sequence[float],
    *,
    floor: float,
    maximum: float,
    max_dropped: int = MAX_DROPPED,
) -> list[BacktestPoint]:
    """Back-test points of a direct ruler on one benchmark (members sorted or not)."""
    order = np.argsort(np.asarray(sizes, dtype=float), kind="mergesort")
    n = np.asarray(sizes, dtype=float)[order]
    s = np.asarray(scores, dtype=float)[order]
    names = [members[i] for i in order]
    points: list[BacktestPoint] = []
    for k in range(1, max_dropped + 1):
        for direction in ("up", "down"):
            keep = slice(0, n.size - k) if direction == "up" else slice(k, n.size)
            out = range(n.size - k, n.size) if direction == "up" else range(0, k)
            if n[keep].size < MIN_POINTS or n[keep].max() / n[keep].min() < MIN_SPAN:
                continue
            ruler = DirectRuler(
                floor=floor,
                maximum=maximum,
                min_points=MIN_POINTS,
                min_span=MIN_SPAN,
                max_extrapolation=UNLIMITED_REACH,
                name=f"back-test of {benchmark} without {k} {'largest' if direction == 'up' else 'smallest'}",
            )
            try:
                ruler.fit(n[keep], s[keep])
            except FitError:
                continue
            edge = n[keep].max() if direction == "up" else n[keep].min()
            read = ruler.effective_params_batch(s[list(out)])
            for position, index in enumerate(out):
                factor = n[index] / edge if direction == "up" else edge / n[index]
                exact = read.flag[position] == EXACT
                error = float(np.log(read.value[position]) - np.log(n[index])) if exact else None
                point = BacktestPoint(benchmark, names[index], direction, k, float(n[index]), factor, error)
                points.append(point)
    return points


def backtest_held_out(
    benchmark: str, estimator: object, targets: Iterable[tuple[str, float, float, float]]
) -> list[BacktestPoint]:
    """Back-test points of a fitted two-step ruler from held-out ``targets`` (label, N, D, score):
    each score is read at its own training tokens D."""
    largest = float(estimator.reference_range_[1])  # type: ignore[attr-defined]
    points = []
    for label, params, tokens, score in targets:
        at_tokens = copy.copy(estimator)
        at_tokens.d0_tokens = float(tokens)  # type: ignore[attr-defined]
        low, high = estimator.reference_range_  # type: ignore[attr-defined]
        at_tokens.reach_ = (low / UNLIMITED_REACH, high * UNLIMITED_REACH)  # type: ignore[attr-defined]
        read = at_tokens.effective_params_batch([score])  # type: ignore[attr-defined]
        exact = read.flag[0] == EXACT
        error = float(np.log(read.value[0]) - np.log(params)) if exact else None
        factor = max(params / largest, 1.0)
        points.append(BacktestPoint(benchmark, label, "up", 0, float(params), factor, error))
    return points


def extrapolation_error(points: Sequence[BacktestPoint]) -> ExtrapolationError:
    """The pooled error model ``kappa`` (and ``bias``) of a ruler's back-test points."""
    readable = [p for p in points if p.error is not None and p.factor > 1.0]
    if not readable:
        return ExtrapolationError(0.0, None, 0, len(points), None, tuple(points))
    ln_f = np.log([p.factor for p in readable])
    error = np.array([p.error for p in readable], dtype=float)
    kappa = float(np.sqrt(np.sum(error**2) / np.sum(ln_f**2)))
    bias = float(np.sum(error * ln_f) / np.sum(ln_f**2))
    return ExtrapolationError(
        kappa=kappa,
        bias=bias,
        n_points=len(readable),
        n_unreadable=sum(p.error is None for p in points),
        max_factor=float(max(p.factor for p in points)),
        points=tuple(points),
    )


FACTOR_BINS = ((1.0, 2.0), (2.0, 4.0), (4.0, 10.0), (10.0, np.inf))
"""Extrapolation-factor bins of the back-test table."""


def backtest_table(points: Sequence[dict[str, object]]) -> list[dict[str, object]]:
    """The back-test by extrapolation factor (ruler.json ``backtest.points``): per bin of
    :data:`FACTOR_BINS`, the points read, those the truncated ruler could not read, the root mean
    square and the mean of the error in ln N̂, and the typical error as a factor (``exp`` of the
    median absolute error)."""
    rows = []
    for low, high in FACTOR_BINS:
        inside = [p for p in points if low < float(p["factor"]) <= high]  # type: ignore[arg-type]
        errors = np.array([float(p["error"]) for p in inside if p["error"] is not None])  # type: ignore[arg-type]
        if not inside:
            continue
        rows.append(
            {
                "factor_low": low,
                "factor_high": None if np.isinf(high) else high,
                "n_points": int(errors.size),
                "n_unreadable": len(inside) - int(errors.size),
                "rms_error": float(np.sqrt(np.mean(errors**2))) if errors.size else None,
                "mean_error": float(np.mean(errors)) if errors.size else None,
                "typical_factor": float(np.exp(np.median(np.abs(errors)))) if errors.size else None,
            }
        )
    return rows
