"""The two-step ruler: loss law and loss-to-score curve recovered from known parameters."""

from __future__ import annotations

import numpy as np
import pytest

from densing_fit import FitError, LossLaw, LossToScore, NotFittedError, TwoStepRuler
from densing_fit.rulers.curves import conditional_loss, score_from_loss

LAW = {"a": 40.0, "alpha": 0.25, "b": 200.0, "beta": 0.2}
CURVE = {"c": 60.0, "gamma": -4.0, "l": 1.5, "d": 25.0}
SIZES = np.array([5e6, 3e7, 1e8, 2.5e8, 5e8, 8e8])
TOKENS = np.array([1e10, 3e10, 1e11, 3e11])


def _grid(seed: int, loss_noise: float = 0.01, score_noise: float = 0.5) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    n, d = (a.ravel() for a in np.meshgrid(SIZES, TOKENS))
    loss = conditional_loss(n, d, *LAW.values()) * np.exp(rng.normal(0, loss_noise, n.size))
    score = score_from_loss(loss, *CURVE.values()) + rng.normal(0, score_noise, n.size)
    return n, d, loss, score


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_loss_law_recovers_known_exponents(seed: int) -> None:
    n, d, loss, _ = _grid(seed)
    law = LossLaw().fit(n, d, loss)
    for key in ("alpha", "beta"):
        assert abs(law.params_[key] - LAW[key]) < 4 * law.stderr_[key] + 0.02
    assert law.r2_ > 0.99
    assert law.predict(1e9, 1e12) == pytest.approx(conditional_loss(1e9, 1e12, *LAW.values()), rel=0.05)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_loss_to_score_recovers_the_sigmoid(seed: int) -> None:
    _, _, loss, score = _grid(seed)
    curve = LossToScore().fit(loss, score)
    for key, true in CURVE.items():
        assert abs(curve.params_[key] - true) < 4 * curve.stderr_[key] + 1e-6, key


def test_two_step_ruler_reads_back_the_size_it_predicts() -> None:
    n, d, loss, score = _grid(0, loss_noise=0.0, score_noise=0.0)
    ruler = TwoStepRuler(floor=25.0, d0_tokens=1e12).fit(n, d, loss, score, np.ones(n.size, dtype=bool))
    for size in (1e7, 2e8, 3e9):
        result = ruler.effective_params(float(ruler.predict(size)[0]))
        assert result.flag == ""
        assert result.value == pytest.approx(size, rel=1e-5)
        assert result.low < size < result.high


def test_d0_changes_the_effective_size_as_the_law_says() -> None:
    n, d, loss, score = _grid(0, loss_noise=0.0, score_noise=0.0)
    final = np.ones(n.size, dtype=bool)
    one = TwoStepRuler(floor=25.0, d0_tokens=1e12).fit(n, d, loss, score, final)
    five = TwoStepRuler(floor=25.0, d0_tokens=5e12).fit(n, d, loss, score, final)
    assert five.effective_params(50.0).value < one.effective_params(50.0).value


def test_scores_beyond_the_curve_give_bounds_not_nan() -> None:
    n, d, loss, score = _grid(0)
    ruler = TwoStepRuler(floor=25.0).fit(n, d, loss, score, np.ones(n.size, dtype=bool))
    top = ruler.params_["c"] + ruler.params_["d"]
    sizes = ruler.effective_params_batch([0.0, 25.0, top + 0.5, 100.0, 50.0])
    assert list(sizes.flag) == ["below_ruler", "below_ruler", "above_ruler", "above_ruler", ""]
    assert np.all(np.isfinite(sizes.value))


def test_intermediate_checkpoints_enter_step_two_only() -> None:
    n, d, loss, score = _grid(0)
    final = np.zeros(n.size, dtype=bool)
    final[::2] = True
    ruler = TwoStepRuler(floor=25.0).fit(n, d, loss, score, final)
    assert ruler.loss_law_.n_points_ == final.sum()
    assert ruler.score_curve_.n_points_ == n.size
    only_final = TwoStepRuler(floor=25.0, score_points="final").fit(n, d, loss, score, final)
    assert only_final.score_curve_.n_points_ == final.sum()


def test_one_token_budget_cannot_separate_size_from_data() -> None:
    n = SIZES
    d = np.full(n.size, 1e11)
    with pytest.raises(FitError, match="two distinct token counts"):
        LossLaw(name="loss law of 'x' on mmlu").fit(n, d, conditional_loss(n, d, *LAW.values()))


def test_constant_loss_is_refused_and_unfitted_use_is_clear() -> None:
    with pytest.raises(FitError, match="every loss equals"):
        LossToScore().fit(np.ones(6), np.linspace(30, 60, 6))
    with pytest.raises(NotFittedError):
        TwoStepRuler().predict(1e9)
