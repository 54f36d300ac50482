"""Reuse of curve fits whose exact inputs were fitted before, in this process and across runs.

A ruler is a handful of least-squares fits (:func:`densing_fit.rulers.optimize.fit_curve`), and its inputs
change only when its reference records (or the family's scores) do. So the outcome of each fit is
kept under a SHA-256 key of everything that decides it:

- the exact bytes, dtype and shape of every array handed to the optimizer (the points, the starting
  points, the bounds) and the exact value of every scalar,
- the residual and Jacobian functions by module and name, with the source of their modules and of
  every module of ``densing_fit`` (solver settings and tie-breaking live in ``optimize.py``),
- the versions of numpy and scipy, the Python version and the machine architecture.

A changed record changes the points, so it can never be served an old result; a changed fitter
changes the source hash. Functions that could depend on anything else (closures, functions defined
inside functions, callables that are not plain functions, arguments of other types) are never
cached. A failed fit is never stored.

Results are kept in memory (the same ruler fitted for several tracks, sensitivity rows or the two
fits of ``densing pr-summary``) and on disk, one JSON file per fit under
``$DENSING_CACHE_DIR/fits`` (default ``~/.cache/densing/fits``; ``DENSING_CACHE_DIR=off`` turns the
disk part off, as it does for the records' parse cache). Floats are stored as ``float.hex`` so a
result read back is bit for bit the one computed; a file that is unreadable, malformed or does not
match its own SHA-256 is ignored and the fit recomputed. Writes are atomic; at most
:data:`MAX_FILES` files are kept (the oldest removed).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
import tempfile
import types
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy

from densing_data.parse_cache import cache_dir

FORMAT = 1
"""Version of the key and file layout; bump it to orphan every stored fit."""
MAX_FILES = 4000
"""Fits kept on disk; beyond this the oldest half is removed."""
MAX_IN_MEMORY = 1024
"""Fits kept in memory per process."""
PACKAGE_DIR = Path(__file__).resolve().parents[1]
"""The densing_fit package: the source of every one of its modules is part of a fit's key."""

_memory: OrderedDict[str, dict[str, Any]] = OrderedDict()
_source_hashes: dict[str, str] = {}
_pruned: set[Path] = set()


def fit_key(functions: tuple[Callable[..., Any] | None, ...], *parts: object) -> str | None:
    """The key of a fit by ``functions`` (residuals, Jacobian; None allowed) on ``parts``, or None
    when something it depends on cannot be stated exactly (then the fit is not cached)."""
    digest = hashlib.sha256(f"densing-fit-cache {FORMAT}\n".encode())
    for line in (np.__version__, scipy.__version__, sys.version, platform.machine(), package_hash()):
        digest.update(f"{line}\n".encode())
    for function in functions:
        described = _describe_function(function)
        if described is None:
            return None
        digest.update(described.encode())
    for part in parts:
        if not _add_part(digest, part):
            return None
    return digest.hexdigest()


def recall(key: str | None) -> dict[str, Any] | None:
    """The stored outcome under ``key`` (from memory, else disk), or None."""
    if key is None:
        return None
    if key in _memory:
        _memory.move_to_end(key)
        return _copy(_memory[key])
    fields = _load_entry(key)
    if fields is not None:
        _remember(key, fields)
        return _copy(fields)
    return None


def store(key: str | None, fields: dict[str, Any]) -> None:
    """Keep ``fields`` (arrays, floats and ints) under ``key``, in memory and on disk."""
    if key is None:
        return
    _remember(key, _copy(fields))
    _save_entry(key, fields)


def forget_in_memory() -> None:
    """Drop the fits kept in memory (the disk files stay)."""
    _memory.clear()


def fits_dir() -> Path | None:
    """Where fits are stored on disk, or None when the cache is off."""
    base = cache_dir()
    return None if base is None else base / "fits"


def package_hash() -> str:
    key = str(PACKAGE_DIR)
    if key not in _source_hashes:
        digest = hashlib.sha256()
        for path in sorted(PACKAGE_DIR.rglob("*.py")):
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
        _source_hashes[key] = digest.hexdigest()
    return _source_hashes[key]


def _module_hash(path: str) -> str:
    if path not in _source_hashes:
        _source_hashes[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return _source_hashes[path]


def _describe_function(function: Callable[..., Any] | None) -> str | None:
    if function is None:
        return "none\n"
    if not isinstance(function, types.FunctionType) or function.__closure__ or "<" in function.__qualname__:
        return None
    path = function.__code__.co_filename
    if not Path(path).is_file():
        return None
    return f"function {function.__module__}.{function.__qualname__} {_module_hash(path)}\n"


def _add_part(digest: Any, part: object) -> bool:
    if part is None or isinstance(part, (bool, int, str)):
        digest.update(f"{type(part).__name__} {part!r}\n".encode())
        return True
    if isinstance(part, float):
        digest.update(f"float {part.hex()}\n".encode())
        return True
    if isinstance(part, (np.ndarray, np.generic)):
        array = np.ascontiguousarray(part)
        if array.dtype.hasobject:
            return False
        digest.update(f"array {array.dtype.str} {array.shape}\n".encode())
        digest.update(array.tobytes())
        return True
    if isinstance(part, (tuple, list)):
        digest.update(f"{type(part).__name__} {len(part)}\n".encode())
        return all(_add_part(digest, item) for item in part)
    return False


def _copy(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in fields.items()}


def _remember(key: str, fields: dict[str, Any]) -> None:
    _memory[key] = fields
    _memory.move_to_end(key)
    while len(_memory) > MAX_IN_MEMORY:
        _memory.popitem(last=False)


def _encode(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return {"shape": list(value.shape), "hex": [float(v).hex() for v in value.ravel()]}
    if isinstance(value, float):
        return {"hex": value.hex()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "shape" in value:
        flat = np.array([float.fromhex(h) for h in value["hex"]], dtype=float)
        return flat.reshape(tuple(int(n) for n in value["shape"]))
    if isinstance(value, dict):
        return float.fromhex(value["hex"])
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError(f"unexpected stored value {value!r}")


def _load_entry(key: str) -> dict[str, Any] | None:
    folder = fits_dir()
    if folder is None:
        return None
    try:
        data = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("key") != key:
            return None
        if data.get("sha256") != _checksum(key, data["fields"]):
            return None  # damaged on disk: a flipped digit would otherwise pass as a number
        return {name: _decode(value) for name, value in data["fields"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _checksum(key: str, encoded: dict[str, Any]) -> str:
    text = json.dumps({"key": key, "fields": encoded}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _save_entry(key: str, fields: dict[str, Any]) -> None:
    folder = fits_dir()
    if folder is None:
        return
    encoded = {k: _encode(v) for k, v in fields.items()}
    data = {"format": FORMAT, "key": key, "fields": encoded, "sha256": _checksum(key, encoded)}
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".fit-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, folder / f"{key}.json")
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        return
    if folder not in _pruned:
        _pruned.add(folder)
        prune_oldest(folder, ".json", MAX_FILES)


def prune_oldest(folder: Path, suffix: str, max_files: int) -> None:
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
