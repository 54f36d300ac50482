"""The CHANGELOG entry lists one correction per record, and a scripted pass over many records once."""

from __future__ import annotations

import datetime as dt

from densing_data.contrib.pr.diff import RecordDiff, Superseded
from densing_data.contrib.release.changelog import render_entry
from densing_data.record_files import ParsedRecord
from densing_data.schema.records import RECORD_MODELS
from tests.data.factories import score

PASS_NOTE = "Source: cite the page itself; the value is unchanged."


def _superseded(record_id: str, model_id: str, note: str, revision: int = 2) -> Superseded:
    record = RECORD_MODELS["score"].model_validate(
        score(record_id, model_id, 50.0, revision=revision, correction_note=note)
    )
    return Superseded("score", ParsedRecord("score", "scores/x.yaml", 1, record), revision - 1)


def _entry(items: list[Superseded]) -> str:
    diff = RecordDiff(added={}, superseded=items)
    text = render_entry("2026.12.9", dt.date(2026, 12, 6), "2026.12.8", diff, {"score": 9})
    return " ".join(text.split())


def test_records_sharing_a_note_are_listed_once_with_their_models() -> None:
    items = [
        _superseded("a-1b.mmlu", "a-1b", PASS_NOTE),
        _superseded("a-1b.gsm8k", "a-1b", PASS_NOTE, revision=3),
        _superseded("b-7b.mmlu", "b-7b", PASS_NOTE),
        _superseded("c-3b.mmlu", "c-3b", "Table 2 says 51.0, not 50.1"),
    ]
    entry = _entry(items)
    assert (
        "- 3 scores of 2 models (`a-1b` (2), `b-7b` (1)), each to its next revision: "
        "Source: cite the page itself; the value is unchanged." in entry
    )
    assert entry.count("Source: cite the page itself") == 1
    assert "- score `c-3b.mmlu`: revision 1 → 2: Table 2 says 51.0, not 50.1" in entry


def test_two_records_sharing_a_note_are_still_listed_one_by_one() -> None:
    entry = _entry([_superseded("a-1b.mmlu", "a-1b", PASS_NOTE), _superseded("b-7b.mmlu", "b-7b", PASS_NOTE)])
    assert "- score `a-1b.mmlu`: revision 1 → 2:" in entry and "- score `b-7b.mmlu`: revision 1 → 2:" in entry
