"""The direct ruler: recovery of known parameters, inversion, bounds and clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from densing_fit import DirectRuler, FitError, NotFittedError
from densing_fit.rulers.curves import direct_residuals, direct_score
from densing_fit.rulers.optimize import fit_curve

TRUE = (85.0, 0.9, float(np.log(4e9)))
SIZES = np.geomspace(5e8, 7.2e10, 8)


def _ruler(seed: int = 0, noise: float = 0.5) -> DirectRuler:
    rng = np.random.default_rng(seed)
    scores = direct_score(np.log(SIZES), 25.0, *TRUE) + rng.normal(0, noise, SIZES.size)
    return DirectRuler(floor=25.0).fit(SIZES, scores)


def test_recovers_known_parameters_within_their_standard_errors() -> None:
    hits = 0
    for seed in range(20):
        ruler = _ruler(seed)
        z = [
            abs(ruler.params_[k] - t) / ruler.stderr_[k]
            for k, t in zip(("top", "slope", "mid"), TRUE, strict=True)
        ]
        hits += all(v < 3 for v in z)
        assert ruler.r2_ > 0.99
    assert hits >= 18


def test_effective_params_inverts_the_curve_with_an_interval() -> None:
    ruler = _ruler(noise=0.0)
    for size in (1e9, 5e9, 3e10):
        result = ruler.effective_params(float(ruler.predict(size)[0]))
        assert result.flag == ""
        assert result.value == pytest.approx(size, rel=1e-6)
        assert result.low < result.value < result.high


@pytest.mark.parametrize(
    ("score", "flag"),
    [(25.0, "below_ruler"), (3.0, "below_ruler"), (99.0, "above_ruler"), (25.0001, "below_ruler")],
)
def test_scores_beyond_reach_give_flagged_bounds(score: float, flag: str) -> None:
    ruler = _ruler()
    result = ruler.effective_params(score)
    assert result.flag == flag
    assert result.value == pytest.approx(ruler.reach_[0] if flag == "below_ruler" else ruler.reach_[1])
    assert result.low is None and result.high is None


def test_every_score_gives_a_finite_value() -> None:
    sizes = _ruler().effective_params_batch(np.linspace(0, 100, 2001))
    assert np.all(np.isfinite(sizes.value)) and np.all(sizes.value > 0)
    assert set(sizes.flag) <= {"", "below_ruler", "above_ruler"}
    assert np.all(np.diff(sizes.value) >= 0)


def test_unfitted_use_raises_a_clear_error() -> None:
    with pytest.raises(NotFittedError, match="not fitted yet"):
        DirectRuler().effective_params(50.0)


def test_init_only_stores_parameters_and_fit_does_not_mutate_inputs() -> None:
    ruler = DirectRuler(floor=25.0, maximum=90.0)
    assert vars(ruler) == {
        "floor": 25.0,
        "maximum": 90.0,
        "min_points": 5,
        "min_span": 100.0,
        "max_extrapolation": 10.0,
        "name": "direct ruler",
    }
    scores = direct_score(np.log(SIZES), 25.0, *TRUE)
    before = (SIZES.copy(), scores.copy())
    assert ruler.fit(SIZES, scores) is ruler
    assert np.array_equal(SIZES, before[0]) and np.array_equal(scores, before[1])


@pytest.mark.parametrize(
    ("sizes", "scores", "message"),
    [
        ([1e9, 1e10, 1e11], [30, 40, 50], "3 reference models, expected at least 5"),
        ([1e9, 2e9, 3e9, 4e9, 5e9], [30, 40, 50, 55, 60], "span a factor 5"),
        ([1e8, 1e9, 1e10, 1e11, 1e12], [20, 25, 10, 5, 25], "every reference score is at or below the floor"),
        ([1e8, 1e9, 1e10, -1, 1e12], [30, 40, 50, 55, 60], "finite and positive"),
        ([1e8, 1e9, 1e10, 1e11], [30, 40, 50], "4 sizes but 3 scores"),
    ],
)
def test_degenerate_reference_data_is_refused(sizes: list[float], scores: list[float], message: str) -> None:
    with pytest.raises(FitError, match=message):
        DirectRuler(floor=25.0, name="direct ruler 'x' on mmlu").fit(sizes, scores)


def test_optimizer_failure_names_the_curve_and_the_solver_message() -> None:
    def broken(theta: np.ndarray, *args: object) -> np.ndarray:
        return np.full(5, np.nan) if theta[0] > -1 else direct_residuals(theta, *args)

    with pytest.raises(
        FitError, match=r"direct ruler 'x' on mmlu: the optimizer did not converge .*solver: "
    ):
        fit_curve(
            broken,
            [(50.0, 1.0, 20.0)],
            ([0, 0, 0], [100, 10, 40]),
            (np.ones(5), np.ones(5), 0.0),
            "direct ruler 'x' on mmlu",
        )
