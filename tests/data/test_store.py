"""The store appends atomically, never touches existing bytes, and is safe across processes."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
from pathlib import Path

import pytest

from densing_data.loader import load
from densing_data.store import StoreError, append_records
from densing_data.validate import read_records_dir
from tests.data.factories import score


def test_append_keeps_existing_bytes(records_dir: Path) -> None:
    path = records_dir / "scores" / "tiny-1b.yaml"
    before = path.read_bytes()
    written = append_records(
        "score", [score("tiny-1b.mmlu.other", value=51.5, protocol="other")], records_dir=records_dir
    )
    assert written == [path]
    after = path.read_bytes()
    assert after.startswith(before)
    assert b"id: tiny-1b.mmlu.other" in after[len(before) :]
    assert len(load(records_dir).scores) == 4


def test_invalid_record_changes_nothing(records_dir: Path) -> None:
    snapshot = {p: p.read_bytes() for p in records_dir.rglob("*.yaml")}
    with pytest.raises(StoreError) as info:
        append_records(
            "score",
            [score("tiny-1b.ok", value=60.0, protocol="x"), score("tiny-1b.bad", value=160.0)],
            records_dir=records_dir,
        )
    assert "<new score record 2>:0: score value: Input should be less than or equal to 100" in str(info.value)
    with pytest.raises(StoreError, match="model 'nobody' does not name a current model"):
        append_records("score", [score("nobody.mmlu", model_id="nobody")], records_dir=records_dir)
    with pytest.raises(StoreError, match=r"duplicate score id 'tiny-1b\.mmlu' revision 1"):
        append_records("score", [score("tiny-1b.mmlu", value=12.0, protocol="x")], records_dir=records_dir)
    assert {p: p.read_bytes() for p in records_dir.rglob("*.yaml")} == snapshot


def test_correction_supersedes_without_rewriting(records_dir: Path) -> None:
    path = records_dir / "scores" / "tiny-2b.yaml"
    before = path.read_bytes()
    fix = score(
        "tiny-2b.mmlu", "tiny-2b", 52.0, revision=2, correction_note="Typo in Table 1: 52.0, not 50.0"
    )
    append_records("score", [fix], records_dir=records_dir)
    assert path.read_bytes().startswith(before)
    ds = load(records_dir)
    current = ds.scores.set_index("id").loc["tiny-2b.mmlu"]
    assert current["value"] == 52.0 and current["revision"] == 2
    history = ds.history["score"]
    old = history[(history["id"] == "tiny-2b.mmlu") & (history["revision"] == 1)].iloc[0]
    assert not old["current"] and old["superseded_by"] == 2 and old["value"] == 50.0


def test_retraction_removes_from_current_but_keeps_history(records_dir: Path) -> None:
    retract = score(
        "tiny-4b.mmlu",
        "tiny-4b",
        70.0,
        revision=2,
        retracted=True,
        correction_note="Number was for the chat model.",
    )
    append_records("score", [retract], records_dir=records_dir)
    ds = load(records_dir)
    assert "tiny-4b.mmlu" not in set(ds.scores["id"])
    assert set(ds.history["score"]["id"]) >= {"tiny-4b.mmlu"}


def test_correction_rules(records_dir: Path) -> None:
    with pytest.raises(StoreError, match="needs a correction_note"):
        append_records("score", [score("tiny-2b.mmlu", "tiny-2b", 52.0, revision=2)], records_dir=records_dir)
    with pytest.raises(StoreError, match=r"has revisions \[1, 3\]"):
        append_records(
            "score",
            [score("tiny-2b.mmlu", "tiny-2b", 52.0, revision=3, correction_note="skip")],
            records_dir=records_dir,
        )


def _append_many(args: tuple[str, int, int]) -> None:
    root, worker, count = args
    for i in range(count):
        model = ["tiny-1b", "tiny-2b"][i % 2]
        append_records(
            "score",
            [score(f"{model}.w{worker}.n{i}", model, float(i), protocol=f"w{worker}")],
            records_dir=Path(root),
        )


def test_concurrent_appends_from_processes_lose_nothing(records_dir: Path) -> None:
    workers, each = 4, 8
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers) as pool:
        pool.map(_append_many, [(str(records_dir), w, each) for w in range(workers)])
    records, report = read_records_dir(records_dir)
    assert report.ok, report.render()
    ids = {p.record.id for p in records.history("score")}
    expected = {f"{['tiny-1b', 'tiny-2b'][i % 2]}.w{w}.n{i}" for w in range(workers) for i in range(each)}
    assert expected <= ids
    assert len(records.history("score")) == 3 + workers * each
    assert not list(records_dir.rglob("*.tmp"))


def test_shared_objects_are_written_in_full_not_as_aliases(records_dir: Path) -> None:
    day = dt.date(2026, 11, 23)
    shared_source = {"url": "https://example.org/shared", "locator": "Table 9"}
    items = [
        score(f"tiny-1b.shared{i}", value=10.0 + i, protocol="shared", recorded=day, source=shared_source)
        for i in range(3)
    ]
    append_records("score", items, records_dir=records_dir)
    text = (records_dir / "scores" / "tiny-1b.yaml").read_text()
    assert "&" not in text and "*id" not in text
    assert text.count("https://example.org/shared") == 3
