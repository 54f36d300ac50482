"""The densing law with and without the models a data release added (trend.json ``without_added``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from densing_data import load
from densing_data.contrib.layout import RepoLayout, VersionError
from densing_data.contrib.release.released_models import baseline_release, released_models
from densing_fit import FitOptions, Track, fit_all
from densing_fit.trend.summary import trend_document
from tests.fit.test_tracks import _era_world

FAST = FitOptions(n_resamples=200, sensitivity=False)
MATCHED = Track(id="matched", label="Matched", ruler="synthetic-direct", protocol="p", description="d")


def _manifest(root: Path, version: str, models: list[str]) -> None:
    folder = root / "releases" / version
    folder.mkdir(parents=True)
    record_sha256 = {"model": {m: {"1": "0" * 64} for m in models}, "score": {}}
    (folder / "manifest.json").write_text(json.dumps({"version": version, "record_sha256": record_sha256}))


def test_a_release_holds_the_models_of_its_manifest_and_every_earlier_one(tmp_path: Path) -> None:
    _manifest(tmp_path, "2026.11.0", ["a", "b"])
    _manifest(tmp_path, "2026.12.0", ["c"])  # a later manifest lists only what it adds
    (tmp_path / "releases" / "not-a-version").mkdir()
    found = released_models(RepoLayout(tmp_path))
    assert found == [("2026.11.0", frozenset("ab")), ("2026.12.0", frozenset("abc"))]
    # before 2026.12.0 is cut, the records add d to it; once cut, the baseline is the one before
    assert baseline_release(frozenset("abcd"), found) == ("2026.12.0", frozenset("abc"))
    assert baseline_release(frozenset("abc"), found) == ("2026.11.0", frozenset("ab"))
    assert baseline_release(frozenset("xyz"), found) is None  # records not descended from any release
    # with the records' version: the previous month's release, however many records were merged
    # since and whatever patch version (.1, .2) of this month was cut
    assert baseline_release(frozenset("abcd"), found, "2026.12.0") == ("2026.11.0", frozenset("ab"))
    assert baseline_release(frozenset("abcd"), found, "2026.12.1") == ("2026.11.0", frozenset("ab"))
    assert baseline_release(frozenset("abcd"), found, "2027.01.0") == ("2026.12.0", frozenset("abc"))
    assert baseline_release(frozenset("abcd"), found, "2026.11.0") is None
    assert released_models(RepoLayout(tmp_path / "nowhere")) == []


def test_records_without_a_calver_version_are_compared_with_every_release(tmp_path: Path) -> None:
    # load() names records without a DATA_VERSION file "unversioned"; records built in memory (the
    # fit benchmark's synthetic world) carry any name: neither has a month, so every release counts,
    # as without a version (this raised "invalid literal for int()" before)
    _manifest(tmp_path, "2026.11.0", ["a", "b"])
    _manifest(tmp_path, "2026.12.0", ["c"])
    found = released_models(RepoLayout(tmp_path))
    for label in ("unversioned", "bench", "2026.12", "2026.13.0", ""):
        assert baseline_release(frozenset("abcd"), found, label) == ("2026.12.0", frozenset("abc")), label
    with pytest.raises(VersionError, match="'next' is not CalVer"):
        baseline_release(frozenset("abcd"), [("next", frozenset("a"))], "2026.12.0")


def test_a_dataset_built_in_memory_under_any_name_is_fitted(tmp_path: Path) -> None:
    cut = dt.date(2022, 11, 30)
    _era_world(tmp_path / "records", 300.0, 90.0, cut)
    ds = dataclasses.replace(load(tmp_path / "records"), version="bench")
    fitted = fit_all(ds, FAST, tracks=(MATCHED,))  # compares with this repository's releases
    assert fitted.data_version == "bench" and fitted.trend["data_version"] == "bench"


def test_the_trend_without_the_added_models_is_fitted_on_the_released_ones(tmp_path: Path) -> None:
    cut = dt.date(2022, 11, 30)
    _era_world(tmp_path / "records", 300.0, 90.0, cut)
    ds = load(tmp_path / "records")
    fitted = fit_all(ds, FAST, tracks=(MATCHED,), compare_release=False)
    assert fitted.trend["without_added"] is None
    densities = fitted.densities
    in_trend = densities[densities["in_trend"]]
    newest = set(in_trend.sort_values("release_date")["model"].tail(10))
    held = frozenset(set(densities["model"]) - newest)
    trend, _ = trend_document(
        densities, FAST, "synthetic-direct", ds.version, ["b"], "matched", baseline=("2026.11.0", held)
    )
    without = trend["without_added"]
    assert without["release"] == "2026.11.0"
    assert without["added"] == sorted(newest)
    assert without["n_models"] == trend["n_models"] - 10
    assert without["doubling_days"] == pytest.approx(trend["doubling_days"], rel=0.5)
    assert set(without["frontier"]) <= held


def test_the_shipped_fit_states_the_law_without_the_models_added_since_the_last_release() -> None:
    ds = load()
    found = released_models()
    assert found and found[0][0] == "2026.11.0"
    fitted = fit_all(ds, FAST)
    without = fitted.trend["without_added"]
    baseline = baseline_release(frozenset(ds.models["id"].astype(str)), found, ds.version)
    if baseline is None:  # every current model is released and no earlier release exists
        assert without is None
        return
    assert without["release"] == baseline[0]
    assert set(without["added"]).isdisjoint(baseline[1])
    assert without["n_models"] + len(without["added"]) == fitted.trend["n_models"]


def test_added_models_read_as_bounds_are_listed_with_their_direction(tmp_path: Path) -> None:
    cut = dt.date(2022, 11, 30)
    _era_world(tmp_path / "records", 300.0, 90.0, cut)
    ds = load(tmp_path / "records")
    densities = fit_all(ds, FAST, tracks=(MATCHED,), compare_release=False).densities.copy()
    newest = densities[densities["in_trend"]].sort_values("release_date")["model"].tail(3).tolist()
    marks = {newest[0]: "above_ruler", newest[1]: "below_ruler", newest[2]: "above_ruler;below_ruler"}
    for model, flag in marks.items():
        densities.loc[densities["model"] == model, ["flags", "in_trend"]] = [flag, False]
    held = frozenset(set(densities["model"]) - set(newest))
    trend, _ = trend_document(
        densities, FAST, "synthetic-direct", ds.version, ["b"], "matched", baseline=("2026.11.0", held)
    )
    bounds = {b["model"]: b["bound"] for b in trend["without_added"]["added_bounds"]}
    # a reading bounded on both sides says nothing one way: left out
    assert bounds == {newest[0]: "at_least", newest[1]: "at_most"}
    assert set(trend["without_added"]["added"]).isdisjoint(bounds)
