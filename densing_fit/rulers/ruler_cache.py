"""Reuse of whole fitted rulers whose inputs are unchanged, in this process and across runs.

The curve fits inside a ruler are already reused (:mod:`densing_fit.rulers.fit_cache`), but the rest
of a ruler (selecting its family's scores, the back-test of its extrapolation, linking a chain's
rungs, its ``ruler.json`` summary) still costs about 0.1 s a ruler, every run. A ruler changes only
when its own records do, so :func:`cached_fit_ruler` keeps the whole :class:`FittedRuler`.

Its inputs are stated exactly, by construction: :func:`ruler_inputs` cuts the dataset down to the
rows a ruler can read (its ruler record, every benchmark record, the model and score records of its
reference families and chain rungs, its reference measurements), and the ruler is *always* fitted
on that cut, cached or not. So nothing outside the cut can change it, and the key is a SHA-256 of:

- every value, column name and dtype of the cut tables (floats exactly, via ``repr``),
- the ruler id and D0,
- the source of every module of ``densing_fit`` and the versions of Python, numpy, scipy and
  pandas (as for the curve fits).

A changed score of a family member, a new reference point or a changed fitter gives a new key; a new
model or score outside the ruler's families does not. Results are kept in memory and on disk under
``$DENSING_CACHE_DIR/rulers`` (``DENSING_CACHE_DIR=off`` turns the disk part off), as a pickle
behind its own SHA-256: a damaged file is ignored and the ruler fitted again. The cache directory is
the user's own, like Python's bytecode cache; nothing else is ever unpickled. Writes are atomic; at
most :data:`MAX_FILES` files are kept.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from densing_data.loader import Dataset
from densing_data.parse_cache import cache_dir
from densing_fit.rulers.cache_store import code_and_libraries, remember, save_cache_file

Fitted = TypeVar("Fitted")
"""What the fit function returns (:class:`densing_fit.rulers.fitting.FittedRuler`)."""

FORMAT = 1
"""Version of the key and file layout; bump it to orphan every stored ruler."""
MAX_FILES = 400
"""Rulers kept on disk; beyond this the oldest half is removed."""
MAX_IN_MEMORY = 64
"""Rulers kept in memory per process."""
INPUTS_VERSION = "ruler-inputs"
"""The data version a cut dataset carries: a ruler never reads it, so it is not part of the key."""

_memory: OrderedDict[str, bytes] = OrderedDict()


def ruler_inputs(ds: Dataset, ruler_id: str) -> Dataset:
    """``ds`` cut down to what ruler ``ruler_id`` can read: its ruler record, all benchmark
    records, the model and score records of the models its record names (a direct ruler's family,
    a chain's rungs) and its reference measurements. An unknown ruler gives empty tables (the fit
    then names the rulers that exist)."""
    rulers = ds.rulers[ds.rulers["id"] == ruler_id]
    members = set()
    for row in rulers.itertuples(index=False):
        family = getattr(row, "fitted_from_scores_models", None)
        members.update(str(m) for m in _items(family))
        for rung in _items(getattr(row, "chain", None)):
            members.update(str(m) for m in rung.get("models", []))
    models = ds.models[ds.models["id"].isin(members)]
    scores = ds.scores[ds.scores["model"].isin(members)]
    references = ds.references[ds.references["ruler"] == ruler_id]
    return Dataset(
        models=models.reset_index(drop=True),
        scores=scores.reset_index(drop=True),
        references=references.reset_index(drop=True),
        benchmarks=ds.benchmarks.reset_index(drop=True),
        rulers=rulers.reset_index(drop=True),
        version=INPUTS_VERSION,
        history={},
    )


def cached_fit_ruler(
    fit: Callable[[Dataset, str, float], Fitted], ds: Dataset, ruler_id: str, d0_tokens: float
) -> Fitted:
    """``fit(cut, ruler_id, d0_tokens)`` on the cut of ``ds`` (:func:`ruler_inputs`), or the ruler
    stored under the same inputs."""
    cut = ruler_inputs(ds, ruler_id)
    key = ruler_key(cut, ruler_id, d0_tokens)
    stored = None if key is None else _recall(key)
    if stored is not None:
        return stored
    fitted = fit(cut, ruler_id, d0_tokens)
    if key is not None:
        _store(key, fitted)
    return fitted


def ruler_key(cut: Dataset, ruler_id: str, d0_tokens: float) -> str | None:
    """SHA-256 of everything that decides a ruler fitted on ``cut``; None when a value in it cannot
    be stated exactly (then the ruler is fitted afresh, never cached)."""
    digest = hashlib.sha256(f"densing-ruler-cache {FORMAT}\n".encode())
    for line in (*code_and_libraries(), pd.__version__, ruler_id, float(d0_tokens).hex()):
        digest.update(f"{line}\n".encode())
    for name in ("rulers", "benchmarks", "models", "scores", "references"):
        frame: pd.DataFrame = getattr(cut, name)
        digest.update(f"table {name}\n".encode())
        digest.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
        columns = [frame[column].tolist() for column in frame.columns]  # keeps NA apart from None
        try:
            digest.update(json.dumps(columns, default=_plain, allow_nan=True).encode())
        except TypeError:
            return None
    return digest.hexdigest()


def forget_in_memory() -> None:
    """Drop the rulers kept in memory (the disk files stay)."""
    _memory.clear()


def rulers_dir() -> Path | None:
    """Where rulers are stored on disk, or None when the cache is off."""
    base = cache_dir()
    return None if base is None else base / "rulers"


def _items(value: Any) -> list[Any]:
    """A list-valued cell as a list (missing: empty)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return list(value)


def _plain(value: Any) -> Any:
    """A JSON stand-in for a cell value json cannot write, tagged by type so no two values meet."""
    if value is pd.NA:
        return {"NA": 1}
    if value is pd.NaT:
        return {"NaT": 1}
    if isinstance(value, pd.Timestamp):
        return {"timestamp": value.isoformat()}
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return {"array": value.tolist()}
    raise TypeError(f"cannot state a {type(value).__name__} value in a ruler's cache key")


def _recall(key: str) -> Any:
    if key in _memory:
        _memory.move_to_end(key)
        return pickle.loads(_memory[key])
    payload = _load_file(key)
    if payload is None:
        return None
    try:
        fitted = pickle.loads(payload)
    except Exception:  # a file that passed its checksum but cannot be read back: fit again
        return None
    remember(_memory, key, payload, MAX_IN_MEMORY)
    return fitted


def _store(key: str, fitted: Any) -> None:
    payload = pickle.dumps(fitted, protocol=pickle.HIGHEST_PROTOCOL)
    remember(_memory, key, payload, MAX_IN_MEMORY)
    _save_file(key, payload)


def _checksum(key: str, payload: bytes) -> bytes:
    return hashlib.sha256(key.encode() + b"\0" + payload).hexdigest().encode()


def _load_file(key: str) -> bytes | None:
    folder = rulers_dir()
    if folder is None:
        return None
    try:
        data = (folder / f"{key}.pickle").read_bytes()
    except OSError:
        return None
    checksum, _, payload = data.partition(b"\n")
    return payload if checksum == _checksum(key, payload) else None


def _save_file(key: str, payload: bytes) -> None:
    folder = rulers_dir()
    if folder is None:
        return
    save_cache_file(folder, f"{key}.pickle", _checksum(key, payload) + b"\n" + payload, MAX_FILES)
