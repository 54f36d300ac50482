"""The local JSONL task format: valid items read, every malformed line named by file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluators.tasks.items import TaskDataError, read_task_file
from tests.evaluators.conftest import write_jsonl


def problems_of(path: Path) -> list[str]:
    with pytest.raises(TaskDataError) as info:
        read_task_file(path)
    return [p.render() for p in info.value.problems]


def test_reads_raw_and_prebuilt_items_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(
        '{"id": "a", "question": "Q?", "choices": ["x", "y"], "label": 1}\n'
        "\n"
        '{"id": "b", "instruction": "Say hi.", "answer": " hi", "fewshot": true}\n',
        encoding="utf-8",
    )
    items = read_task_file(path)
    assert [(i.item.id, i.line) for i in items] == [("a", 1), ("b", 3)]
    assert items[0].item.gold_index == 1
    assert items[1].item.is_prebuilt and items[1].item.fewshot


def test_letter_labels_map_to_indices(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "t.jsonl", [{"id": "a", "question": "Q", "choices": ["x", "y", "z"], "label": "C"}]
    )
    assert read_task_file(path)[0].item.gold_index == 2


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"id": "x", "question": "Q"', "not valid JSON"),
        ('["a list"]', "expected a JSON object, got list"),
        ('{"id": "x"}', "needs 'question'"),
        ('{"id": "x", "question": "Q", "choices": ["a", "b"]}', "'choices' and 'label' go together"),
        ('{"id": "x", "question": "Q", "choices": ["a", "b"], "label": "D"}', "past the last of 2 choices"),
        ('{"id": "x", "question": "Q", "choices": ["a", "b"], "label": "b"}', "capital letter"),
        ('{"id": "x", "question": "Q", "colour": "red"}', "field 'colour'"),
        ('{"id": "x", "question": 5}', "field 'question'"),
        ('{"id": "x", "question": "Q", "solution": NaN}', "NaN is not allowed"),
        ('{"id": "x", "instruction": "I"}', "needs both 'instruction' and 'answer'"),
        ('{"id": "x", "instruction": "I", "answer": "A", "question": "Q"}', "cannot also have question"),
    ],
)
def test_malformed_line_is_named_by_file_and_line(tmp_path: Path, line: str, expected: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "question": "Fine"}\n' + line + "\n", encoding="utf-8")
    found = problems_of(path)
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}:2: ")
    assert expected in found[0]


def test_duplicate_ids_name_both_lines(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "t.jsonl",
        [{"id": "a", "question": "Q"}, {"id": "b", "question": "Q"}, {"id": "a", "question": "R"}],
    )
    assert problems_of(path) == [f"{path}:3: duplicate id 'a' (first on line 1)"]


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text("{oops\n" + '{"id": "a", "question": "Q"}\n' + "[1]\n", encoding="utf-8")
    assert [p.split(": ")[0] for p in problems_of(path)] == [f"{path}:1", f"{path}:3"]


def test_empty_and_missing_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    assert "holds no items" in problems_of(empty)[0]
    assert "cannot read task file" in problems_of(tmp_path / "absent.jsonl")[0]
