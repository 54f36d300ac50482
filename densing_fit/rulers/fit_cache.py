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
import types
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from densing_data.parse_cache import cache_dir
from densing_fit.rulers.cache_store import code_and_libraries, remember, save_cache_file

FORMAT = 1
"""Version of the key and file layout; bump it to orphan every stored fit."""
MAX_FILES = 4000
"""Fits kept on disk; beyond this the oldest half is removed."""
MAX_IN_MEMORY = 1024
"""Fits kept in memory per process."""
_memory: OrderedDict[str, dict[str, Any]] = OrderedDict()
_module_hashes: dict[str, str] = {}


def fit_key(functions: tuple[Callable[..., Any] | None, ...], *parts: object) -> str | None:
    """The key of a fit by ``functions`` (residuals, Jacobian; None allowed) on ``parts``, or None
    when something it depends on cannot be stated exactly (then the fit is not cached)."""
    digest = hashlib.sha256(f"densing-fit-cache {FORMAT}\n".encode())
    for line in code_and_libraries():
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
        remember(_memory, key, fields, MAX_IN_MEMORY)
        return _copy(fields)
    return None


def store(key: str | None, fields: dict[str, Any]) -> None:
    """Keep ``fields`` (arrays, floats and ints) under ``key``, in memory and on disk."""
    if key is None:
        return
    remember(_memory, key, _copy(fields), MAX_IN_MEMORY)
    _save_entry(key, fields)


def forget_in_memory() -> None:
    """Drop the fits kept in memory (the disk files stay)."""
    _memory.clear()


def fits_dir() -> Path | None:
    """Where fits are stored on disk, or None when the cache is off."""
    base = cache_dir()
    return None if base is None else base / "fits"


def _module_hash(path: str) -> str:
    if path not in _module_hashes:
        _module_hashes[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return _module_hashes[path]


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
    save_cache_file(folder, f"{key}.json", json.dumps(data).encode(), MAX_FILES)
