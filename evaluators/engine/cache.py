"""The resumable result cache: append-only JSONL of finished requests, fsync'd after every batch.

A run's cache is a directory next to its ``--out`` file (``<out>.partial/``). Each rank appends to
its own ``rank-<r>.jsonl``; one line per finished request::

    {"key": "<request key>", "nll": 12.5, "tokens": 7}

``key`` hashes the model identity, dtype, evaluator version, the compute path (prefix reuse, compile
backend) and the request's token ids, so a line
is only ever reused for the very same computation. A run killed mid-write leaves at most one torn
last line (no trailing newline): it is ignored on reading and cut off before the rank appends
again. Any other unreadable line is an error naming file and line — never skipped silently.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path


class CacheError(RuntimeError):
    """A cache file is damaged somewhere other than its last line."""


@dataclass(frozen=True)
class CachedResult:
    """A finished request."""

    nll: float
    """Summed negative log-likelihood of the answer tokens, nats."""
    tokens: int
    """Number of answer tokens."""


def cache_dir_for(out: Path) -> Path:
    """The cache directory of a run writing ``out``."""
    return out.with_name(out.name + ".partial")


class ResultCache:
    """Finished requests of one run directory; :meth:`append` is durable when it returns."""

    def __init__(self, directory: Path, rank: int = 0) -> None:
        self.directory = directory
        self.path = directory / f"rank-{rank}.jsonl"

    def load(self) -> dict[str, CachedResult]:
        """Every finished request found in the directory (all ranks' files)."""
        found: dict[str, CachedResult] = {}
        if not self.directory.is_dir():
            return found
        for path in sorted(self.directory.glob("rank-*.jsonl")):
            found.update(_read(path))
        return found

    def append(self, results: dict[str, CachedResult]) -> None:
        """Append ``results`` to this rank's file and fsync it."""
        if not results:
            return
        if not self.directory.is_dir():
            self.directory.mkdir(parents=True, exist_ok=True)
            _fsync_dir(self.directory.parent)
        _cut_torn_tail(self.path)
        lines = "".join(
            json.dumps({"key": key, "nll": r.nll, "tokens": r.tokens}, allow_nan=False) + "\n"
            for key, r in results.items()
        )
        new = not self.path.exists()
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(lines)
            handle.flush()
            os.fsync(handle.fileno())
        if new:
            _fsync_dir(self.directory)

    def remove(self) -> None:
        """Delete the cache directory (after the run's results and record are written)."""
        if self.directory.exists():
            shutil.rmtree(self.directory)


def _read(path: Path) -> dict[str, CachedResult]:
    text = path.read_text(encoding="utf-8")
    complete = text.split("\n")[:-1]  # text after the last newline is a torn write (or ''): ignored
    found: dict[str, CachedResult] = {}
    for number, line in enumerate(complete, start=1):
        try:
            data = json.loads(line)
            result = CachedResult(nll=float(data["nll"]), tokens=int(data["tokens"]))
            key = str(data["key"])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
            raise CacheError(
                f"{path}:{number}: damaged cache line ({err}); delete {path.parent} to start this run afresh"
            ) from None
        found[key] = result
    return found


def _cut_torn_tail(path: Path) -> None:
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        keep = data.rfind(b"\n") + 1
        with path.open("r+b") as handle:
            handle.truncate(keep)
            handle.flush()
            os.fsync(handle.fileno())


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
