"""Chained rulers: a newer family calibrated on an older one reproduces a known size conversion, reads
beyond the older family's reach in its units, and keeps bounds where neither family reaches."""

from __future__ import annotations

import numpy as np
import pytest

from densing_fit.errors import FitError
from densing_fit.rulers.chain import ChainedRuler
from densing_fit.rulers.curves import direct_score
from densing_fit.rulers.direct import DirectRuler
from densing_fit.rulers.effective import ABOVE, EXACT

CURVE = (80.0, 0.7, float(np.log(2e10)))
"""The older family's true curve (top, slope, mid)."""
FACTOR = 4.0
"""The newer family is this many times denser: a newer model of size N scores like an older one of 4N."""
BASE_SIZES = np.array([5e8, 1.5e9, 3e9, 7e9, 1.4e10, 3.2e10, 7.2e10])
UPPER_SIZES = np.array([1e9, 3e9, 1e10, 3e10, 1e11, 5e11])


def _score(size: float | np.ndarray) -> np.ndarray:
    return direct_score(np.log(size), 0.0, *CURVE)


def _chain(upper_factor: float = FACTOR) -> ChainedRuler:
    base = (
        DirectRuler(floor=0.0, maximum=100.0).fit(BASE_SIZES, _score(BASE_SIZES)).set_extrapolation_error(0.5)
    )
    upper_scores = _score(upper_factor * UPPER_SIZES)
    upper = DirectRuler(floor=0.0, maximum=100.0, min_span=10.0).fit(UPPER_SIZES, upper_scores)
    members = [f"u{i}" for i in range(UPPER_SIZES.size)]
    return ChainedRuler(name="test chain").fit(
        base, upper.set_extrapolation_error(0.5), members, UPPER_SIZES, upper_scores
    )


def test_the_link_recovers_the_known_conversion() -> None:
    chain = _chain()
    assert chain.factor_ == pytest.approx(FACTOR, rel=1e-3)
    linked = [m for m in chain.members_ if m.base_params is not None]
    assert len(linked) >= 3
    assert all(m.base_params / m.params == pytest.approx(FACTOR, rel=1e-3) for m in linked)


def test_a_score_beyond_the_base_reach_is_read_on_the_upper_rung_in_base_units() -> None:
    chain = _chain()
    truth = FACTOR * 4e11  # 1.6e12 base units: beyond the base family's reach (10 x 7.2e10)
    read = chain.effective_params_batch([float(_score(truth))])
    assert read.flag[0] == EXACT and bool(read.chained[0])
    assert read.value[0] == pytest.approx(truth, rel=1e-2)
    assert read.se_log[0] > 0
    base_alone = chain.base_.effective_params_batch([float(_score(truth))])
    assert base_alone.flag[0] == ABOVE  # without the chain it is only a bound


def test_a_score_inside_the_base_family_stays_on_the_base_rung() -> None:
    chain = _chain()
    read = chain.effective_params_batch([float(_score(1e10))])
    assert read.flag[0] == EXACT and not bool(read.chained[0])
    assert read.value[0] == pytest.approx(1e10, rel=1e-3)


def test_a_score_beyond_both_curves_stays_a_lower_bound() -> None:
    read = _chain().effective_params_batch([79.99])
    assert read.flag[0] == ABOVE and read.se_log[0] == 0.0


def test_families_that_share_no_range_cannot_be_linked() -> None:
    with pytest.raises(FitError, match="too little"):
        _chain(upper_factor=1e4)  # every newer member lies beyond the older family's reach
