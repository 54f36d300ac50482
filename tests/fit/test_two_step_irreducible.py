"""Step 1 with the OLMo ladder's irreducible loss E: recovered from known parameters, and why it matters."""

from __future__ import annotations

import numpy as np
import pytest

from densing_fit import LossLaw, TwoStepRuler
from densing_fit.rulers.curves import conditional_loss, score_from_loss

LAW = {"a": 60.0, "alpha": 0.3, "b": 900.0, "beta": 0.28}
E = 0.45
CURVE = {"c": 60.0, "gamma": -6.0, "l": 1.1, "d": 25.0}
SIZES = np.array([2e8, 4e8, 8e8, 1.3e9, 3e9])
TOKENS_PER_PARAM = np.array([10.0, 20.0, 40.0, 100.0, 200.0])


def _ladder(seed: int, loss_noise: float) -> tuple[np.ndarray, ...]:
    """A 5 x 5 ladder like OLMo's: each size trained for 0.5-10x its Chinchilla budget."""
    rng = np.random.default_rng(seed)
    n = np.repeat(SIZES, TOKENS_PER_PARAM.size)
    d = n * np.tile(TOKENS_PER_PARAM, SIZES.size)
    loss = (conditional_loss(n, d, *LAW.values()) + E) * np.exp(rng.normal(0, loss_noise, n.size))
    return n, d, loss


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_irreducible_loss_is_recovered(seed: int) -> None:
    n, d, loss = _ladder(seed, loss_noise=0.002)
    law = LossLaw().fit(n, d, loss)
    assert abs(law.params_["E"] - E) < 4 * law.stderr_["E"] + 0.02
    assert law.r2_ > 0.99
    # extrapolation 4x beyond the largest size and 10x beyond the most tokens
    truth = conditional_loss(13e9, 5e12, *LAW.values()) + E
    assert law.predict(13e9, 5e12) == pytest.approx(truth, rel=0.01)


def test_a_law_without_e_extrapolates_worse_when_e_is_real() -> None:
    n, d, loss = _ladder(0, loss_noise=0.0)
    truth = conditional_loss(13e9, 5e12, *LAW.values()) + E
    with_e = abs(float(LossLaw().fit(n, d, loss).predict(13e9, 5e12)) - truth)
    without_e = LossLaw(irreducible=False).fit(n, d, loss)
    assert without_e.params_["E"] == 0.0 and without_e.stderr_["E"] == 0.0
    assert with_e < 1e-3 < abs(float(without_e.predict(13e9, 5e12)) - truth)


def test_the_chained_ruler_reads_back_sizes_through_e() -> None:
    n, d, loss = _ladder(0, loss_noise=0.0)
    score = score_from_loss(loss, *CURVE.values())
    ruler = TwoStepRuler(floor=25.0, d0_tokens=1e12).fit(n, d, loss, score, np.ones(n.size, dtype=bool))
    assert ruler.params_["E"] == pytest.approx(E, abs=1e-3)
    for size in (1e8, 1e9, 3e10):
        result = ruler.effective_params(float(ruler.predict(size)[0]))
        assert result.flag == ""
        assert result.value == pytest.approx(size, rel=1e-4)
        assert result.low < size < result.high


def test_a_loss_at_or_below_the_floor_at_d0_is_above_the_ruler() -> None:
    n, d, loss = _ladder(0, loss_noise=0.0)
    score = score_from_loss(loss, *CURVE.values())
    ruler = TwoStepRuler(floor=25.0, d0_tokens=1e12).fit(n, d, loss, score, np.ones(n.size, dtype=bool))
    floor_loss = LAW["b"] * 1e12 ** -LAW["beta"] + E
    beyond = float(score_from_loss(floor_loss - 0.01, *CURVE.values()))
    result = ruler.effective_params(beyond)
    assert result.flag == "above_ruler"
    assert np.isfinite(result.value)
