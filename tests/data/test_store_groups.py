"""``append_record_groups``: records of several kinds that depend on each other, appended together."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import densing_data
from densing_data.store import StoreError, append_record_groups, append_records
from densing_data.validate import read_records_dir


def two_step_ruler(ruler_id: str = "tiny-ladder") -> dict:
    return {
        "id": ruler_id,
        "name": "Tiny ladder",
        "kind": "two-step",
        "description": "Test ladder.",
        "benchmarks": ["mmlu"],
    }


def reference(ref_id: str, benchmark: str = "mmlu", ruler: str = "tiny-ladder") -> dict:
    return {
        "id": ref_id,
        "ruler": ruler,
        "benchmark": benchmark,
        "reference_model": {
            "name": "Tiny 1B",
            "params": 10**9,
            "params_definition": "total",
            "training_tokens": 10**10,
            "final": True,
        },
        "loss": 1.5,
        "loss_unit": "bits_per_byte",
        "score": 40.0,
        "source": {"url": "https://example.org/ladder"},
        "provenance": {"kind": "third_party"},
        "recorded": dt.date(2026, 11, 23),
    }


def test_a_two_step_ruler_may_wait_for_its_references_with_a_warning(records_dir: Path) -> None:
    append_records("ruler", [two_step_ruler("waiting")], records_dir=records_dir)
    _, report = read_records_dir(records_dir)
    assert report.ok
    assert [p.as_text() for p in report.problems] == [
        "records/rulers/waiting.yaml:3: warning: two-step ruler 'waiting' has no reference records under "
        "references/waiting/ yet: it cannot be fitted until measurements are recorded"
    ]


def test_references_need_their_ruler_and_can_come_with_it(records_dir: Path) -> None:
    with pytest.raises(StoreError, match="ruler 'tiny-ladder' does not name a current ruler"):
        append_records("reference", [reference("tiny-ladder.1b")], records_dir=records_dir)
    written = append_record_groups(
        {"ruler": [two_step_ruler()], "reference": [reference("tiny-ladder.1b")]}, records_dir=records_dir
    )
    assert sorted(p.relative_to(records_dir).as_posix() for p in written) == [
        "references/tiny-ladder/tiny-1b.yaml",
        "rulers/tiny-ladder.yaml",
    ]
    ds = densing_data.load(records_dir)
    assert "tiny-ladder" in set(ds.rulers["id"]) and list(ds.references["id"]) == ["tiny-ladder.1b"]


def test_groups_are_all_or_nothing(records_dir: Path) -> None:
    before = sorted(p.read_bytes() for p in records_dir.rglob("*.yaml"))
    groups = {
        "ruler": [two_step_ruler()],
        "reference": [reference("tiny-ladder.1b"), reference("tiny-ladder.bad", benchmark="nope")],
    }
    with pytest.raises(StoreError, match="benchmark 'nope' does not name a current benchmark"):
        append_record_groups(groups, records_dir=records_dir)
    assert sorted(p.read_bytes() for p in records_dir.rglob("*.yaml")) == before
    with pytest.raises(ValueError, match="unknown record kind"):
        append_record_groups({"rulers": []}, records_dir=records_dir)
