"""Versioned, validated records of the Densing Law leaderboard.

>>> import densing_data
>>> ds = densing_data.load()          # doctest: +SKIP
>>> ds.models, ds.scores, ds.version  # doctest: +SKIP
"""

from densing_data.loader import DataError, Dataset, load
from densing_data.paths import RECORDS_DIR, data_version
from densing_data.store import StoreError, append_records

__all__ = [
    "RECORDS_DIR",
    "DataError",
    "Dataset",
    "StoreError",
    "append_records",
    "data_version",
    "load",
]
