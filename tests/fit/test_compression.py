"""compression.csv: each compressed model against its parent, with the ratio's interval and a verdict."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from densing_fit.summaries.compression import compression_table


def _row(model: str, density: float, low: float, high: float, flags: str = "", parent: str | None = None):
    return {
        "model": model,
        "name": model.title(),
        "derived_from": parent,
        "derived_method": None if parent is None else "pruning + distillation",
        "params": 1e9,
        "density": density,
        "density_low": low,
        "density_high": high,
        "flags": flags,
    }


def test_the_ratio_interval_combines_both_readings_and_decides_only_when_it_clears_one() -> None:
    frame = pd.DataFrame(
        [
            _row("parent", 1.0, 0.8, 1.25),
            _row("denser", 2.0, 1.6, 2.5, parent="parent"),
            _row("close", 1.1, 0.88, 1.375, parent="parent"),
            _row("bounded", 0.2, np.nan, np.nan, flags="below_ruler", parent="parent"),
            _row("orphan", 0.5, 0.4, 0.6, parent="missing-parent"),
        ]
    )
    table = compression_table(frame).set_index("model")
    denser = table.loc["denser"]
    assert denser["density_ratio"] == pytest.approx(2.0)
    spread = math.hypot(math.log(1.25 / 0.8) / 2, math.log(2.5 / 1.6) / 2)
    assert denser["density_ratio_low"] == pytest.approx(2.0 * math.exp(-spread))
    assert denser["density_ratio_high"] == pytest.approx(2.0 * math.exp(spread))
    assert denser["denser_than_parent"] == "yes"
    assert table.loc["close", "denser_than_parent"] == "unclear"
    # a child read only as "at most 0.2" is less dense than a parent at 1.0, interval or not
    assert table.loc["bounded", "denser_than_parent"] == "no"
    assert np.isnan(table.loc["bounded", "density_ratio_low"])
    assert pd.isna(table.loc["orphan", "denser_than_parent"])
