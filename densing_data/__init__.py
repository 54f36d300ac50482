"""Versioned, validated records of the Densing Law leaderboard.

>>> import densing_data
>>> ds = densing_data.load()          # doctest: +SKIP
>>> ds.models, ds.scores, ds.version  # doctest: +SKIP

Attributes are imported on first use, so ``densing validate`` does not pay for pandas.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "load": "densing_data.loader",
    "Dataset": "densing_data.loader",
    "DataError": "densing_data.loader",
    "append_records": "densing_data.store",
    "StoreError": "densing_data.store",
    "RECORDS_DIR": "densing_data.paths",
    "data_version": "densing_data.paths",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'densing_data' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
