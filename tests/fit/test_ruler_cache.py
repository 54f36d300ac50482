"""Reuse of whole fitted rulers: a ruler read back is the one fitted on everything, and it is fitted
again exactly when one of its own records (or the fitter) changes, never for other records."""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from densing_data import load
from densing_data.loader import Dataset
from densing_fit.errors import FitError
from densing_fit.outputs import json_text
from densing_fit.rulers import fit_cache, fitting, ruler_cache
from densing_fit.rulers.fitting import FittedRuler, fit_ruler
from densing_fit.rulers.ruler_cache import ruler_inputs

CALLS = {"count": 0}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache directory of this test's own, nothing in memory, and fits counted."""
    monkeypatch.setenv("DENSING_CACHE_DIR", str(tmp_path / "cache"))
    ruler_cache.forget_in_memory()
    fit_cache.forget_in_memory()
    original = fitting._fit_ruler

    def counted(ds: Dataset, ruler_id: str, d0_tokens: float) -> FittedRuler:
        CALLS["count"] += 1
        return original(ds, ruler_id, d0_tokens)

    monkeypatch.setattr(fitting, "_fit_ruler", counted)
    CALLS["count"] = 0
    yield tmp_path / "cache" / "rulers"
    ruler_cache.forget_in_memory()


def _same(a: FittedRuler, b: FittedRuler) -> bool:
    """Same ruler: summary, settings, errors, members and every estimator, bit for bit."""
    return (
        json_text(a.summary) == json_text(b.summary)
        and (a.ruler_id, a.kind, a.benchmarks) == (b.ruler_id, b.kind, b.benchmarks)
        and dict(a.settings) == dict(b.settings)
        and dict(a.errors) == dict(b.errors)
        and a.members == b.members
        and pickle.dumps(dict(a.estimators)) == pickle.dumps(dict(b.estimators))
    )


def _nudge_score(ds: Dataset, model: str) -> Dataset:
    """``ds`` with the first score of ``model`` moved by the smallest step a record could make."""
    scores = ds.scores.copy()
    row = scores.index[scores["model"] == model][0]
    scores.loc[row, "value"] = np.nextafter(float(scores.loc[row, "value"]), np.inf)
    return dataclasses.replace(ds, scores=scores)


@pytest.mark.parametrize("shipped", [False, True], ids=["synthetic", "shipped"])
def test_a_ruler_fitted_on_its_cut_is_the_ruler_fitted_on_everything(
    shipped: bool, world: tuple[Dataset, object]
) -> None:
    """The cut holds everything a ruler reads: the shipped chained ruler included."""
    ds = load() if shipped else world[0]
    for ruler_id in ds.rulers["id"].astype(str):
        for d0 in (1e12, 5e12):
            whole = fitting._fit_ruler(ds, ruler_id, d0)
            cut = fitting._fit_ruler(ruler_inputs(ds, ruler_id), ruler_id, d0)
            assert _same(whole, cut), ruler_id


def test_a_ruler_is_reused_until_one_of_its_own_records_changes(
    cache: Path, world: tuple[Dataset, object]
) -> None:
    ds, _ = world
    first = fit_ruler(ds, "synthetic-direct")
    assert CALLS["count"] == 1 and len(list(cache.glob("*.pickle"))) == 1
    assert _same(fit_ruler(ds, "synthetic-direct"), first) and CALLS["count"] == 1  # from memory
    ruler_cache.forget_in_memory()  # as a new process would: from the file
    assert _same(fit_ruler(ds, "synthetic-direct"), first) and CALLS["count"] == 1

    target = str(ds.scores.loc[~ds.scores["model"].str.startswith("ref-"), "model"].iloc[0])
    fit_ruler(_nudge_score(ds, target), "synthetic-direct")
    assert CALLS["count"] == 1, "a score outside the ruler's family refitted it"

    changed = fit_ruler(_nudge_score(ds, "ref-3b"), "synthetic-direct")
    assert CALLS["count"] == 2, "a family member's changed score was served the old ruler"
    assert not _same(changed, first)

    fit_ruler(ds, "synthetic-direct", d0_tokens=5e12)
    assert CALLS["count"] == 3  # another D0: another key


def test_a_two_step_ruler_is_fitted_again_when_a_reference_point_changes(
    cache: Path, world: tuple[Dataset, object]
) -> None:
    ds, _ = world
    fit_ruler(ds, "synthetic-two-step")
    fit_ruler(ds, "synthetic-two-step")
    assert CALLS["count"] == 1
    references = ds.references.copy()
    references.loc[references.index[0], "loss"] = np.nextafter(float(references["loss"].iloc[0]), np.inf)
    fit_ruler(dataclasses.replace(ds, references=references), "synthetic-two-step")
    assert CALLS["count"] == 2
    renamed = ds.rulers.copy()
    renamed.loc[renamed["id"] == "synthetic-two-step", "description"] = "Another description."
    again = fit_ruler(dataclasses.replace(ds, rulers=renamed), "synthetic-two-step")
    assert CALLS["count"] == 3 and again.summary["description"] == "Another description."


def test_a_damaged_file_is_ignored_and_rewritten(cache: Path, world: tuple[Dataset, object]) -> None:
    ds, _ = world
    first = fit_ruler(ds, "synthetic-direct")
    (path,) = cache.glob("*.pickle")
    good = path.read_bytes()
    checksum, _, payload = good.partition(b"\n")
    flipped = bytearray(payload)
    flipped[len(flipped) // 2] ^= 1
    for damaged in (b"", b"not a checksum\n" + payload, checksum + b"\n" + bytes(flipped)):
        path.write_bytes(damaged)
        ruler_cache.forget_in_memory()
        before = CALLS["count"]
        assert _same(fit_ruler(ds, "synthetic-direct"), first)
        assert CALLS["count"] == before + 1
        assert path.read_bytes() == good


def test_with_the_cache_off_nothing_is_written(
    cache: Path, world: tuple[Dataset, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DENSING_CACHE_DIR", "off")
    ds, _ = world
    fit_ruler(ds, "synthetic-direct")
    assert ruler_cache.rulers_dir() is None and not cache.exists()


def test_an_unknown_ruler_is_named_with_the_ones_the_records_define(world: tuple[Dataset, object]) -> None:
    with pytest.raises(FitError, match="unknown ruler 'nope'; the records define: synthetic-direct"):
        fit_ruler(world[0], "nope")


def test_the_key_states_every_value_exactly() -> None:
    """Values that print alike but differ (a float's last bit, NA against NaN, 1 against 1.0) give
    different keys; a value the key cannot state gives no key (the ruler is then never cached)."""

    def key(value: object) -> str | None:
        frame = pd.DataFrame({"id": ["x"], "value": pd.Series([value], dtype=object)})
        empty = pd.DataFrame()
        cut = Dataset(empty, empty, empty, empty, frame, "v", {})
        return ruler_cache.ruler_key(cut, "x", 1e12)

    values = [0.1, np.nextafter(0.1, 1.0), float("nan"), None, pd.NA, 1, 1.0, "1", True]
    assert len({key(v) for v in values}) == len(values) and None not in {key(v) for v in values}
    assert key(object()) is None


def test_a_ruler_whose_inputs_cannot_be_stated_is_fitted_every_time(
    cache: Path, world: tuple[Dataset, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ruler_cache, "ruler_key", lambda *args: None)
    ds, _ = world
    first = fit_ruler(ds, "synthetic-direct")
    assert _same(fit_ruler(ds, "synthetic-direct"), first)
    assert CALLS["count"] == 2 and not cache.exists()
