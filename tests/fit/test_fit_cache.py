"""Reuse of curve fits: a fit is run once per exact input, read back bit for bit, and never served
for inputs or code it was not computed from."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from densing_fit import LossLaw
from densing_fit.rulers import fit_cache
from densing_fit.rulers.curves import conditional_loss, direct_jacobian, direct_residuals
from densing_fit.rulers.optimize import fit_curve

ROOT = Path(__file__).resolve().parents[2]
EVALUATIONS = {"count": 0}


def counted_residuals(theta: np.ndarray, ln_n: np.ndarray, score: np.ndarray, floor: float) -> np.ndarray:
    """The direct ruler's residuals, counting how often the optimizer asks for them."""
    EVALUATIONS["count"] += 1
    return direct_residuals(theta, ln_n, score, floor)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache directory of this test's own, and nothing in memory."""
    monkeypatch.setenv("DENSING_CACHE_DIR", str(tmp_path / "cache"))
    fit_cache.forget_in_memory()
    yield tmp_path / "cache" / "fits"
    fit_cache.forget_in_memory()


def _ladder(noise_seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(noise_seed)
    n = np.repeat([2e8, 4e8, 8e8, 1.3e9, 3e9], 5)
    d = n * np.tile([10.0, 20.0, 40.0, 100.0, 200.0], 5)
    loss = (conditional_loss(n, d, 60.0, 0.3, 900.0, 0.28) + 0.45) * np.exp(rng.normal(0, 0.01, n.size))
    return n, d, loss


def _direct_fit() -> object:
    ln_n = np.log([1e8, 3e8, 1e9, 3e9, 1e10, 3e10])
    score = np.array([27.0, 31.0, 40.0, 52.0, 63.0, 70.0])
    return fit_curve(
        counted_residuals,
        [(80.0, 1.0, 21.0), (90.0, 0.5, 22.0)],
        ([25.0, 1e-3, 0.0], [100.0, 50.0, 50.0]),
        (ln_n, score, 25.0),
        "direct ruler 'x' on y",
        jac=direct_jacobian,
    )


def test_a_fit_read_back_from_disk_is_bit_for_bit_the_fresh_one(cache: Path) -> None:
    n, d, loss = _ladder()
    first = LossLaw().fit(n, d, loss)
    assert len(list(cache.glob("*.json"))) == 1
    fit_cache.forget_in_memory()  # as a new process would: from the file
    again = LossLaw().fit(n, d, loss)
    for name in ("theta_", "cov_", "fitted_"):
        assert getattr(again, name).tobytes() == getattr(first, name).tobytes()
    assert again.params_ == first.params_ and again.stderr_ == first.stderr_


def test_a_reused_fit_runs_no_optimizer_and_a_fresh_one_equals_it(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    EVALUATIONS["count"] = 0
    first = _direct_fit()
    assert EVALUATIONS["count"] > 10
    EVALUATIONS["count"] = 0
    second = _direct_fit()
    assert EVALUATIONS["count"] == 0
    monkeypatch.setenv("DENSING_CACHE_DIR", "off")
    fit_cache.forget_in_memory()
    assert fit_cache.fits_dir() is None
    fresh = _direct_fit()
    assert EVALUATIONS["count"] > 10
    assert first.theta.tobytes() == second.theta.tobytes() == fresh.theta.tobytes()
    assert first.cov.tobytes() == fresh.cov.tobytes() and first.rss == fresh.rss
    assert (first.n_points, first.n_converged) == (fresh.n_points, fresh.n_converged)


def test_one_changed_point_is_fitted_afresh(cache: Path) -> None:
    n, d, loss = _ladder()
    before = LossLaw().fit(n, d, loss)
    nudged = loss.copy()
    nudged[7] = np.nextafter(nudged[7], np.inf)  # the smallest change a record could make
    after = LossLaw().fit(n, d, nudged)
    assert len(list(cache.glob("*.json"))) == 2
    assert after.theta_.tobytes() != before.theta_.tobytes()
    without_e = LossLaw(irreducible=False).fit(n, d, loss)  # other bounds and starts: another fit
    assert len(list(cache.glob("*.json"))) == 3 and without_e.theta_.size == 4


def test_a_damaged_or_foreign_file_is_ignored_and_rewritten(cache: Path) -> None:
    n, d, loss = _ladder()
    first = LossLaw().fit(n, d, loss)
    (path,) = cache.glob("*.json")
    good = path.read_text(encoding="utf-8")
    stored = json.loads(good)
    digit = stored["fields"]["theta"]["hex"][1]
    head, tail = digit.split(".", 1)
    changed = "7" if tail[2] != "7" else "8"
    flipped = f"{head}.{tail[:2]}{changed}{tail[3:]}"  # one hex digit of a stored parameter, still a number
    stored["fields"]["theta"]["hex"][1] = flipped
    assert float.fromhex(flipped) != float.fromhex(digit)
    for damaged in (
        "{not json",
        json.dumps({"format": 1, "key": "someone else's", "fields": {}}),
        json.dumps(stored),
    ):
        path.write_text(damaged, encoding="utf-8")
        fit_cache.forget_in_memory()
        again = LossLaw().fit(n, d, loss)
        assert again.theta_.tobytes() == first.theta_.tobytes()
        assert path.read_text(encoding="utf-8") == good


def test_functions_that_could_depend_on_hidden_state_are_not_cached() -> None:
    offset = 1.0
    args = (np.ones(3), np.ones(3), 0.0)
    assert fit_cache.fit_key((lambda theta, *a: theta,), args) is None
    assert fit_cache.fit_key((lambda theta, *a: theta + offset,), args) is None
    assert fit_cache.fit_key((counted_residuals, None), args) is not None
    assert fit_cache.fit_key((counted_residuals, None), (object(),)) is None  # an argument not stated exactly
    assert fit_cache.fit_key((counted_residuals, None), [np.ones(2)]) != fit_cache.fit_key(
        (counted_residuals, None), [np.ones(2, dtype=np.float32)]
    )


def test_the_key_follows_the_source_of_the_residual_function(tmp_path: Path) -> None:
    keys = []
    for version, body in enumerate(("return theta - x", "return 2 * (theta - x)")):
        path = tmp_path / f"v{version}" / "curve_module.py"
        path.parent.mkdir()
        path.write_text(f"def residuals(theta, x):\n    {body}\n", encoding="utf-8")
        spec = importlib.util.spec_from_file_location("curve_module", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        keys.append(fit_cache.fit_key((module.residuals, None), np.ones(2)))
    assert None not in keys and keys[0] != keys[1]


def test_a_process_whose_fits_are_all_stored_does_not_load_the_optimizer(cache: Path) -> None:
    code = (
        "import sys, numpy as np; from densing_fit import LossLaw; "
        "from tests.fit.test_fit_cache import _ladder; "
        "LossLaw().fit(*_ladder()); print('scipy.optimize' in sys.modules)"
    )
    env = dict(os.environ, DENSING_CACHE_DIR=str(cache.parent))
    runs = [
        subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
        for _ in range(2)
    ]
    assert [r.stdout.strip() for r in runs] == ["True", "False"], [r.stderr for r in runs]
