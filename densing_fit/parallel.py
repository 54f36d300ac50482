"""Independent parts of a fit run side by side in forked worker processes, results in order.

A fit's tracks, the capability groups read on each, and the sensitivity table's rows per ruler do not
depend on one another; each is deterministic (every bootstrap draws from a generator seeded by the
options), so running them in worker processes gives the same numbers, bit for bit, as running them
one after another, only sooner on a machine with more than one core.

Workers are forked, so they start with everything the parent has computed (the records, the fitted
rulers) and only their results travel back (pickled). Off Linux (macOS' numerical libraries are not
safe to fork; Windows cannot), inside a worker, or with one worker, the tasks run in this process.
``DENSING_FIT_WORKERS`` sets the number of workers (``1``: never fork); the default is one per
available core, at most one per task.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from densing_fit.errors import FitError

T = TypeVar("T")

WORKERS_VARIABLE = "DENSING_FIT_WORKERS"
"""Environment variable: how many worker processes a fit may use (``1``: none)."""

_pending: Sequence[Callable[[], Any]] = ()
"""The tasks of the running :func:`run_tasks` call, which forked workers inherit."""
_in_worker = False
"""True in a worker process: its own parts run in it, one after another (no workers of workers)."""


class WorkersError(FitError):
    """The fit's worker processes cannot be used: ``DENSING_FIT_WORKERS`` is not a positive whole
    number, or a worker died without a result."""


def fit_workers() -> int:
    """Worker processes a fit may use: ``DENSING_FIT_WORKERS``, else the cores available to us."""
    setting = os.environ.get(WORKERS_VARIABLE, "").strip()
    if setting:
        if not setting.isdigit() or int(setting) < 1:
            raise WorkersError(f"{WORKERS_VARIABLE}={setting!r}: expected a whole number of at least 1")
        return int(setting)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_tasks(tasks: Sequence[Callable[[], T]], workers: int | None = None) -> list[T]:
    """Each task's result, in the order of ``tasks``; with ``workers`` > 1 (default
    :func:`fit_workers`) in that many forked processes, handed out one task at a time in the given
    order (put the longest first). A task's exception is raised here; a worker that dies without a
    result (killed, out of memory) is a :class:`WorkersError`, never a hang."""
    count = min(fit_workers() if workers is None else workers, len(tasks))
    if count <= 1 or not _can_fork():
        return [task() for task in tasks]
    global _pending
    _pending = tasks
    gc.freeze()  # the workers' garbage collector leaves the parent's objects (and their pages) alone
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(count, mp_context=context, initializer=_mark_worker) as pool:
            return list(pool.map(_run, range(len(tasks))))
    except BrokenProcessPool:
        raise WorkersError(
            "a worker process of the fit stopped without a result (killed, or out of memory?); "
            f"run again with {WORKERS_VARIABLE}=1 to fit in one process"
        ) from None
    finally:
        gc.unfreeze()
        _pending = ()


def _run(index: int) -> Any:
    return _pending[index]()


def _mark_worker() -> None:
    global _in_worker
    _in_worker = True


def _can_fork() -> bool:
    # Linux only: on macOS, forking a process that has used the system's numerical libraries
    # (numpy's Accelerate builds) is unsafe, and Windows cannot fork
    return sys.platform.startswith("linux") and not _in_worker
