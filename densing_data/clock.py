"""Today's date for validation, with a way for tests to set it.

A record's dates (a model's release date, the day a score was recorded) cannot lie after the day it
is validated. "Today" is the calendar date in the earliest time zone on Earth (UTC+14), so a record
dated today by anyone anywhere is never refused, whatever the validating machine's time zone.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

EARLIEST_ZONE = dt.timezone(dt.timedelta(hours=14))
"""UTC+14 (Line Islands): where each calendar day begins first."""

_FIXED: ContextVar[dt.date | None] = ContextVar("densing_today", default=None)


def today() -> dt.date:
    """The latest calendar date anywhere on Earth now (or the date set by :func:`fixed_today`)."""
    fixed = _FIXED.get()
    return fixed if fixed is not None else _date_at(int(time.time()))


@functools.lru_cache(maxsize=1)
def _date_at(second: int) -> dt.date:
    """The date at ``second`` in :data:`EARLIEST_ZONE`: validating thousands of records in the same
    second works it out once."""
    return dt.datetime.fromtimestamp(second, EARLIEST_ZONE).date()


@contextmanager
def fixed_today(date: dt.date) -> Iterator[dt.date]:
    """Validate as if today were ``date`` inside the ``with`` block (tests, replaying old data)."""
    token = _FIXED.set(date)
    try:
        yield date
    finally:
        _FIXED.reset(token)
