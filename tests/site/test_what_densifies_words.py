"""The "What densifies?" page's words and inputs: each fit said as the numbers allow (a doubling time
with its interval, "growth not established", "falls", "too few"), groups called different only when
their intervals are apart, bad capability files refused with the file named, and a fit without them
said so."""

from __future__ import annotations

from pathlib import Path

import pytest

from densing_site.inputs.capability_outputs import READING_COLUMNS, CapabilityOutputError, read_capabilities
from densing_site.render import environment
from densing_site.text.capability_words import adjusted_words, choosing_sentences, fit_words, track_sentences

LABELS = {"knowledge": "Knowledge", "math": "Math", "code": "Code", "reading": "Reading comprehension"}


def _fit(slope: float, low: float, high: float, days: float | None, ci: list) -> dict:
    return {
        "fitted": True,
        "slope_per_day": slope,
        "slope_per_day_ci": [low, high],
        "doubling_days": days,
        "doubling_days_ci": ci,
    }


def _group(group_id: str, frontier: dict, status: str = "fitted", reason: str | None = None) -> dict:
    return {
        "id": group_id,
        "benchmarks": [group_id],
        "status": status,
        "reason": reason,
        "frontier": frontier,
    }


def test_each_fit_is_said_as_its_numbers_allow() -> None:
    assert fit_words(_fit(0.01, 0.008, 0.012, 69.3, [57.8, 86.6])) == (
        "doubles every 2.3 months (90% interval 1.9 to 2.8)"
    )
    assert fit_words(_fit(0.001, -0.001, 0.003, 693.1, [231.0, None])).startswith(
        "growth not established: +0.00100"
    )
    assert fit_words(_fit(-0.001, -0.002, -0.0001, None, [None, None])).startswith("falls: -0.00100 per day")
    too_few = {"fitted": False, "reason": "too few: 5 models in the trend, at least 8 needed"}
    assert fit_words(too_few) == too_few["reason"]
    assert adjusted_words({"slope_per_day": 0.0002, "slope_per_day_ci": [-0.00002, 0.0005]}).endswith(
        "growth not established"
    )
    assert adjusted_words({"error": "needs 4 or more models, got 2"}) == "needs 4 or more models, got 2"


def test_groups_are_called_different_only_when_their_intervals_are_apart() -> None:
    math = _group("math", _fit(0.01, 0.008, 0.012, 69.3, [57.8, 86.6]))
    knowledge = _group("knowledge", _fit(0.004, 0.003, 0.005, 173.3, [138.6, 231.0]))
    few = _group("code", {"fitted": False}, "too_few", "too few: 3 models in the trend, at least 8 needed")
    unread = _group("reading", {"fitted": False}, "not_read")
    apart = {"fit": "frontier", "a": "knowledge", "b": "math", "overlap": False}
    entry = {"track": "t", "groups": [knowledge, math, few, unread], "overlap": [apart]}
    said = track_sentences(entry, LABELS)
    assert "their intervals do not overlap" in said[0] and said[0].startswith("On the frontier, math (math)")
    assert said[1] == "Too few readings to fit: code (too few: 3 models in the trend, at least 8 needed)."
    assert said[2] == "This track's ruler reads no benchmark of: reading comprehension."
    entry["overlap"] = [apart | {"overlap": True}]
    assert "do not tell the two rates apart" in track_sentences(entry, LABELS)[0]
    document = {
        "groups": [{"id": g} for g in ("knowledge", "math", "code", "reading")],
        "tracks": [entry | {"overlap": [apart]}],
        "knowledge_vs_ikp": {"head_on_track": "t", "comparisons": []},
    }
    choosing = choosing_sentences(document, LABELS)
    assert (
        choosing[0]
        == "Math against knowledge, frontier doubling in months: 2.3 against 5.7 on t (intervals apart)."
    )
    assert choosing[1].startswith("Where the intervals are apart, math (t) densifies faster than knowledge")


def test_bad_capability_files_are_refused_with_the_file_named(tmp_path: Path) -> None:
    assert read_capabilities(tmp_path) is None
    (tmp_path / "capabilities.json").write_text('{"tracks": [', encoding="utf-8")
    with pytest.raises(CapabilityOutputError, match=r"capabilities.json:1: invalid JSON"):
        read_capabilities(tmp_path)
    (tmp_path / "capabilities.json").write_text('{"tracks": []}', encoding="utf-8")
    with pytest.raises(CapabilityOutputError, match=r"missing key\(s\) \['data_version'"):
        read_capabilities(tmp_path)
    keys = ("data_version", "confidence", "groups", "tracks", "knowledge_vs_ikp", "contamination")
    (tmp_path / "capabilities.json").write_text(
        str(dict.fromkeys(keys, 1)).replace("'", '"'), encoding="utf-8"
    )
    with pytest.raises(CapabilityOutputError, match=r"capabilities\.csv: missing"):
        read_capabilities(tmp_path)
    header = ",".join(READING_COLUMNS)
    (tmp_path / "capabilities.csv").write_text(header + "\nt,g,m,M,base,2024-01-01,1,1,1,1,,,maybe,false\n")
    with pytest.raises(CapabilityOutputError, match="column in_trend: expected true or false"):
        read_capabilities(tmp_path)


def test_fit_outputs_without_capabilities_say_so() -> None:
    text = (
        environment().get_template("what_densifies.md.j2").render(caps=None, version="2026.12.3", root="../")
    )
    assert "hold no per-capability fits" in text and "--no-capabilities" in text
