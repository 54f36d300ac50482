"""The changelog page's corrections table: one scripted pass over many records is one row."""

from __future__ import annotations

from typing import Any

from densing_site.pages.changelog import group_corrections

PASS = "Source: cite the page itself; the value is unchanged."


def _correction(record_id: str, model: str | None, note: str, revision: int = 2, **extra: Any) -> dict:
    return {
        "kind": "score",
        "id": record_id,
        "model": model,
        "note": note,
        "revision": revision,
        "retracted": False,
    } | extra


def test_a_pass_over_many_records_is_one_row_listing_them_all() -> None:
    items = [
        _correction("a.mmlu", "a", PASS),
        _correction("a.bbh", "a", "Table 2 says 51.0"),
        _correction("b.mmlu", "b", PASS, revision=3),
        _correction("c.mmlu", "c", PASS),
        _correction("d.mmlu", None, PASS),  # its model was retracted: counted as a record, not a model
    ]
    rows = group_corrections(items)
    assert [len(r["records"]) for r in rows] == [4, 1]  # in the order of their first record
    group = rows[0]
    assert group["summary"] == "4 scores of 3 models" and group["revisions"] == "2–3"
    assert [r["id"] for r in group["records"]] == ["a.mmlu", "b.mmlu", "c.mmlu", "d.mmlu"]
    assert rows[1]["records"][0]["id"] == "a.bbh" and "summary" not in rows[1]


def test_few_records_sharing_a_note_or_a_retraction_keep_a_row_each() -> None:
    items = [_correction("a.mmlu", "a", PASS), _correction("b.mmlu", "b", PASS)]
    assert [len(r["records"]) for r in group_corrections(items)] == [1, 1]
    mixed = [*items, _correction("c.mmlu", "c", PASS, retracted=True)]
    assert [len(r["records"]) for r in group_corrections(mixed)] == [
        1,
        1,
        1,
    ]  # a retraction is another change
