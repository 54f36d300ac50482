"""What the fitter's two caches share: the code and library versions every key holds, a bounded
in-memory store, and cache files written atomically with the oldest pruned.

:mod:`densing_fit.rulers.fit_cache` keeps single curve fits (JSON), :mod:`densing_fit.rulers.ruler_cache`
whole rulers (pickles); each keeps its own format, checksums and folder under ``$DENSING_CACHE_DIR``.
"""

from __future__ import annotations

import hashlib
import os
import platform
import sys
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
import scipy

PACKAGE_DIR = Path(__file__).resolve().parents[1]
"""The densing_fit package: the source of every one of its modules is part of every key."""

_package_hashes: dict[str, str] = {}
_pruned: set[Path] = set()


def package_hash() -> str:
    """SHA-256 of the path and source of every module of ``densing_fit`` (read once per process)."""
    key = str(PACKAGE_DIR)
    if key not in _package_hashes:
        digest = hashlib.sha256()
        for path in sorted(PACKAGE_DIR.rglob("*.py")):
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
        _package_hashes[key] = digest.hexdigest()
    return _package_hashes[key]


def code_and_libraries() -> tuple[str, ...]:
    """The lines every cache key starts with: numpy's and scipy's versions, Python's, the machine
    architecture and :func:`package_hash`."""
    return (np.__version__, scipy.__version__, sys.version, platform.machine(), package_hash())


def remember(memory: OrderedDict[str, Any], key: str, value: Any, limit: int) -> None:
    """Keep ``value`` under ``key`` as the most recent entry of ``memory``, dropping the least recent
    entries beyond ``limit``."""
    memory[key] = value
    memory.move_to_end(key)
    while len(memory) > limit:
        memory.popitem(last=False)


def save_cache_file(folder: Path, name: str, data: bytes, max_files: int) -> None:
    """Write ``data`` to ``folder/name`` atomically (a reader sees the old file or the new one);
    failures are ignored (a cache that cannot be written is only slower). Once per process and
    folder, above ``max_files`` files with the same suffix, the oldest go, down to half of it."""
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".cache-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, folder / name)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        return
    if folder not in _pruned:
        _pruned.add(folder)
        _prune_oldest(folder, Path(name).suffix, max_files)


def _prune_oldest(folder: Path, suffix: str, max_files: int) -> None:
    """Above ``max_files`` files named ``*suffix`` in ``folder``, remove the oldest of them, down to
    half of ``max_files`` (errors ignored: another process may be pruning too)."""
    ages = []
    try:
        for entry in os.scandir(folder):
            if entry.name.endswith(suffix):
                ages.append((entry.stat().st_mtime, entry.path))
    except OSError:
        return
    if len(ages) <= max_files:
        return
    for _, path in sorted(ages)[: len(ages) - max_files // 2]:
        try:
            os.unlink(path)
        except OSError:
            continue
