"""The extrapolation back-test: errors of left-out reference models, the pooled error model, and its
effect on intervals — on synthetic families with known curves."""

from __future__ import annotations

import numpy as np
import pytest

from densing_fit.rulers.backtest import backtest_direct, backtest_table, extrapolation_error
from densing_fit.rulers.curves import direct_score
from densing_fit.rulers.direct import DirectRuler
from densing_fit.rulers.effective import EXACT

SIZES = np.array([5e8, 1.5e9, 3e9, 7e9, 1.4e10, 3.2e10, 7.2e10])
CURVES = {"a": (80.0, 0.7, np.log(5e9)), "b": (70.0, 0.9, np.log(1e10)), "c": (90.0, 0.6, np.log(3e9))}


def _family(rng: np.random.Generator, noise: float) -> dict[str, np.ndarray]:
    return {
        bench: direct_score(np.log(SIZES), 0.0, *curve) + rng.normal(0.0, noise, SIZES.size)
        for bench, curve in CURVES.items()
    }


def _backtest(scores: dict[str, np.ndarray]) -> list:
    members = [f"m{i}" for i in range(SIZES.size)]
    return [
        point
        for bench, values in scores.items()
        for point in backtest_direct(bench, members, SIZES, values, floor=0.0, maximum=100.0)
    ]


def test_exact_curves_extrapolate_without_error() -> None:
    points = _backtest(_family(np.random.default_rng(0), noise=0.0))
    error = extrapolation_error(points)
    assert error.n_points > 10 and error.n_unreadable == 0
    assert error.kappa < 1e-3
    assert {p.direction for p in points} == {"up", "down"}
    # three left out at either end: the largest 7.2e10 read from sizes up to 7e9, the smallest 5e8 from 7e9 on
    assert max(p.factor for p in points) == pytest.approx(max(7.2e10 / 7e9, 7e9 / 5e8))


def test_noisy_scores_give_an_error_that_grows_with_the_factor_and_covers_a_far_model() -> None:
    """A synthetic family with known curves, its largest reading extrapolated 4x: the true size of a
    model beyond the family lands within the back-tested error (90%) in most draws."""
    inside = 0
    for seed in range(12):
        rng = np.random.default_rng(seed)
        scores = _family(rng, noise=0.8)
        kappa = extrapolation_error(_backtest({"c": scores["c"]})).kappa
        assert kappa > 0
        ruler = DirectRuler(floor=0.0, maximum=100.0).fit(SIZES, scores["c"]).set_extrapolation_error(kappa)
        far = 3e11  # about 4x beyond the largest reference model
        truth = float(direct_score(np.log(far), 0.0, *CURVES["c"])) + rng.normal(0.0, 0.8)
        size = ruler.effective_params(truth)
        inside += size.flag == EXACT and size.low <= far <= size.high
    assert inside >= 9  # nominal 90%: the error model is neither absent nor wildly wide


def test_the_error_is_carried_only_outside_the_reference_range() -> None:
    scores = _family(np.random.default_rng(1), noise=0.5)["b"]
    plain = DirectRuler(floor=0.0, maximum=100.0).fit(SIZES, scores)
    carried = DirectRuler(floor=0.0, maximum=100.0).fit(SIZES, scores).set_extrapolation_error(0.5)
    inside, beyond = (float(direct_score(np.log(n), 0.0, *CURVES["b"])) for n in (1e10, 2e11))
    read_plain = plain.effective_params_batch([inside, beyond])
    read_carried = carried.effective_params_batch([inside, beyond])
    assert read_carried.se_log[0] == pytest.approx(read_plain.se_log[0])
    factor = read_carried.value[1] / SIZES.max()
    assert factor > 1 and read_carried.extrapolation[1] == pytest.approx(factor)
    expected = np.hypot(read_plain.se_log[1], 0.5 * np.log(factor))
    assert read_carried.se_log[1] == pytest.approx(expected)


def test_a_member_beyond_the_truncated_top_is_unreadable_not_an_error() -> None:
    scores = direct_score(np.log(SIZES), 0.0, 60.0, 1.2, np.log(2e9))
    scores[-1] = 75.0  # the largest member jumps above what the others' curve can reach
    points = backtest_direct(
        "x", [f"m{i}" for i in range(SIZES.size)], SIZES, scores, floor=0.0, maximum=100.0
    )
    largest = [p for p in points if p.member == "m6" and p.direction == "up"]
    assert largest and all(p.error is None for p in largest)
    summary = extrapolation_error(points)
    assert summary.n_unreadable >= len(largest)
    table = backtest_table([p.as_dict() for p in points])
    assert sum(row["n_unreadable"] for row in table) == summary.n_unreadable
    assert sum(row["n_points"] for row in table) == summary.n_points


def test_no_readable_point_gives_no_error_model() -> None:
    summary = extrapolation_error([])
    assert summary.kappa == 0.0 and summary.bias is None and summary.max_factor is None
