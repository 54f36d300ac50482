"""The loss law's residuals and Jacobian: the fast three-term log-sum-exp is scipy's bit for bit, the
Jacobian is the residuals' derivative, and a fit gives exactly the parameters the general
:func:`scipy.special.logsumexp` gave."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp

from densing_fit.rulers.curves import D_SCALE, N_SCALE, conditional_loss
from densing_fit.rulers.loss_law import LossLaw, law_jacobian, law_log_loss, law_residuals, log_sum_exp3
from densing_fit.rulers.optimize import fit_curve


def _scipy_log_loss(theta: np.ndarray, n_scaled: np.ndarray, d_scaled: np.ndarray) -> np.ndarray:
    """ln L as it was computed before: scipy's general logsumexp over the three stacked terms."""
    first = theta[0] - theta[1] * np.log(n_scaled)
    second = theta[2] - theta[3] * np.log(d_scaled)
    e = max(float(theta[4]), 1e-300)
    return logsumexp(np.stack(np.broadcast_arrays(first, second, np.full_like(first, np.log(e)))), axis=0)


def _scipy_residuals(theta: np.ndarray, n: np.ndarray, d: np.ndarray, loss: np.ndarray) -> np.ndarray:
    return _scipy_log_loss(theta, n, d) - np.log(loss)


def _scipy_jacobian(theta: np.ndarray, n: np.ndarray, d: np.ndarray, loss: np.ndarray) -> np.ndarray:
    total = np.exp(_scipy_log_loss(theta, n, d))
    first = np.exp(theta[0] - theta[1] * np.log(n)) / total
    second = np.exp(theta[2] - theta[3] * np.log(d)) / total
    return np.column_stack([first, -first * np.log(n), second, -second * np.log(d), 1.0 / total])


def test_log_sum_exp3_is_scipys_logsumexp_bit_for_bit() -> None:
    rng = np.random.default_rng(0)
    for case in range(3000):
        size = int(rng.integers(1, 40))
        spread = float(rng.uniform(0.01, 800.0))
        first, second = rng.normal(size=size) * spread, rng.normal(size=size) * spread
        third = float(rng.normal() * spread)
        if case % 5 == 0:  # ties for the largest term take another path in scipy
            second[: size // 2] = first[: size // 2]
        if case % 7 == 0:
            third = float(first.max())
        expected = logsumexp(np.stack(np.broadcast_arrays(first, second, np.full_like(first, third))), axis=0)
        got = log_sum_exp3(first, second, third)
        assert got.tobytes() == expected.tobytes(), case
    # a 0-d input (LossLaw.predict of one size) gives a 0-d result, as scipy's does
    assert log_sum_exp3(np.float64(0.3), np.float64(-2.0), -690.0) == logsumexp([0.3, -2.0, -690.0])
    # huge terms neither overflow nor lose the smaller ones
    assert log_sum_exp3(np.array([800.0]), np.array([800.0]), -1e3)[0] == pytest.approx(800.0 + np.log(2.0))


def _points() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    n = np.repeat([2e8, 4e8, 8e8, 1.3e9, 3e9], 5)
    d = n * np.tile([10.0, 20.0, 40.0, 100.0, 200.0], 5)
    loss = (conditional_loss(n, d, 60.0, 0.3, 900.0, 0.28) + 0.45) * np.exp(rng.normal(0, 0.01, n.size))
    return n, d, loss


@pytest.mark.parametrize(
    "theta", [[0.2, 0.3, -0.5, 0.28, 0.45], [0.2, 0.3, -0.5, 0.28], [1.0, 0.1, 0.5, 0.5, 0.05]]
)
def test_the_jacobian_is_the_derivative_of_the_residuals(theta: list[float]) -> None:
    n, d, loss = _points()
    args = (n / N_SCALE, d / D_SCALE, loss)
    x = np.array(theta)
    numeric = np.empty((n.size, x.size))
    for i in range(x.size):
        step = 1e-6 * max(abs(x[i]), 1e-2)
        up, down = x.copy(), x.copy()
        up[i] += step
        down[i] -= step
        numeric[:, i] = (law_residuals(up, *args) - law_residuals(down, *args)) / (2 * step)
    assert np.allclose(law_jacobian(x, *args), numeric, rtol=1e-6, atol=1e-8)


def test_residuals_and_jacobian_equal_the_general_logsumexp_forms_exactly() -> None:
    n, d, loss = _points()
    args = (n / N_SCALE, d / D_SCALE, loss)
    rng = np.random.default_rng(5)
    for _ in range(200):
        theta = np.array([*rng.uniform(-3, 3, 1), *rng.uniform(0, 1, 1), *rng.uniform(-3, 3, 1)])
        theta = np.array([*theta, rng.uniform(0, 1), rng.uniform(0, 1.5)])
        assert law_residuals(theta, *args).tobytes() == _scipy_residuals(theta, *args).tobytes()
        assert law_jacobian(theta, *args).tobytes() == _scipy_jacobian(theta, *args).tobytes()
    assert (
        law_log_loss(theta[:4], *args[:2]).tobytes()
        == np.logaddexp(
            theta[0] - theta[1] * np.log(args[0]), theta[2] - theta[3] * np.log(args[1])
        ).tobytes()
    )


def test_a_fit_gives_the_parameters_the_general_logsumexp_gave() -> None:
    n, d, loss = _points()
    law = LossLaw().fit(n, d, loss)
    level = float(np.log(np.median(loss) / 2))
    floors = (0.0, 0.3 * float(loss.min()), 0.6 * float(loss.min()))
    starts = [(level, a, level, b, e) for a in (0.1, 0.3, 0.7) for b in (0.1, 0.3, 0.7) for e in floors]
    bounds = ([-30.0, 1e-4, -30.0, 1e-4, 0.0], [30.0, 3.0, 30.0, 3.0, 0.999 * float(loss.min())])
    before = fit_curve(
        _scipy_residuals, starts, bounds, (n / N_SCALE, d / D_SCALE, loss), "law", jac=_scipy_jacobian
    )
    assert law.theta_.tobytes() == before.theta.tobytes()
    assert law.cov_.tobytes() == before.cov.tobytes()
