"""Task recipes: the paper's instruction/answer split, few-shot prefixes per subject, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluators.tasks.items import TaskDataError, read_task_file
from evaluators.tasks.tasks import TASKS, TaskSpec, build_prompts, get_task, register
from tests.evaluators.conftest import mmlu_rows, write_jsonl


def test_multiple_choice_instruction_holds_question_and_all_options_answer_holds_rationale_and_label(
    mmlu_file: Path,
) -> None:
    prompts = build_prompts(get_task("mmlu"), read_task_file(mmlu_file), shots=2)
    first = prompts[0]
    assert first.id == "anatomy-2"
    assert first.instruction.startswith("Question 2 about anatomy")
    for letter, option in zip("ABCD", ["zero", "one", "two", "three 2"], strict=True):
        assert f"\n{letter}. {option}" in first.instruction
    assert first.instruction.endswith("\nAnswer:")
    assert first.answer.startswith(" We count step by step.")
    assert first.answer.endswith(" The answer is C.")
    assert first.choices == (" A", " B", " C", " D")
    assert first.gold == 2


def test_few_shot_prefix_uses_exemplars_of_the_same_subject(mmlu_file: Path) -> None:
    prompts = build_prompts(get_task("mmlu"), read_task_file(mmlu_file), shots=2)
    anatomy = [p for p in prompts if p.subject == "anatomy"]
    algebra = [p for p in prompts if p.subject == "algebra"]
    assert len({p.prefix for p in anatomy}) == 1 and len({p.prefix for p in algebra}) == 1
    prefix = anatomy[0].prefix
    assert prefix.startswith("The following are multiple choice questions (with answers) about anatomy.\n\n")
    assert "Question 0 about anatomy" in prefix and "Question 1 about anatomy" in prefix
    assert "algebra" not in prefix and prefix.endswith("\n\n")
    # accuracy requests see the exemplars answered with their label only
    assert "We count" not in anatomy[0].choice_prefix and "Answer: A\n\n" in anatomy[0].choice_prefix


def test_shots_and_limit(mmlu_file: Path) -> None:
    items = read_task_file(mmlu_file)
    zero = build_prompts(get_task("mmlu"), items, shots=0, limit=3)
    assert len(zero) == 3 and all(p.prefix == "" for p in zero)


def test_too_few_exemplars_is_an_error_naming_file_line_and_subject(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "m.jsonl", mmlu_rows(subjects=("anatomy",), per_subject=1, shots=2))
    with pytest.raises(TaskDataError) as info:
        build_prompts(get_task("mmlu"), read_task_file(path))
    message = info.value.problems[0].render()
    assert message.startswith(f"{path}:3: ")
    assert "5 few-shot exemplars but subject 'anatomy' has 2" in message and "--shots 2" in message


def test_task_specific_fields_are_required(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "m.jsonl", [{"id": "q", "question": "What?"}])
    with pytest.raises(TaskDataError, match=r"m.jsonl:1: item 'q': a multiple-choice task needs"):
        build_prompts(get_task("mmlu"), read_task_file(path), shots=0)
    with pytest.raises(TaskDataError, match="a MATH item needs 'solution'"):
        build_prompts(get_task("math"), read_task_file(path), shots=0)


def test_math_mbpp_humaneval_and_bbh_recipes(tmp_path: Path) -> None:
    math = build_prompts(
        get_task("math"),
        read_task_file(
            write_jsonl(
                tmp_path / "math.jsonl",
                [{"id": "m", "question": "What is 2+3?", "solution": "2+3=5, so $\\boxed{5}$."}],
            )
        ),
        shots=0,
    )[0]
    assert (math.instruction, math.answer) == (
        "Problem:\nWhat is 2+3?\n\nSolution:",
        " 2+3=5, so $\\boxed{5}$.",
    )
    mbpp = build_prompts(
        get_task("mbpp"),
        read_task_file(
            write_jsonl(
                tmp_path / "mbpp.jsonl",
                [
                    {
                        "id": "p",
                        "question": "Add one.",
                        "solution": "def f(x):\n    return x + 1",
                        "tests": ["assert f(1) == 2"],
                    }
                ],
            )
        ),
        shots=0,
    )[0]
    assert mbpp.instruction.endswith(
        "Add one. Your code should pass these tests:\n\nassert f(1) == 2\n[BEGIN]"
    )
    assert mbpp.answer == "\ndef f(x):\n    return x + 1\n[DONE]"
    bbh = build_prompts(
        get_task("bbh"),
        read_task_file(
            write_jsonl(
                tmp_path / "bbh.jsonl",
                [{"id": "b", "question": "Is 3 odd?", "rationale": "3 = 2*1+1.", "target": "Yes"}],
            )
        ),
        shots=0,
    )[0]
    assert (bbh.instruction, bbh.answer) == ("Q: Is 3 odd?\nA:", " 3 = 2*1+1. So the answer is Yes.")
    assert get_task("humaneval").shots == 0


def test_prebuilt_items_are_used_verbatim(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "p.jsonl",
        [
            {"id": "e", "instruction": "Ex?", "answer": " ex.", "fewshot": True},
            {"id": "a", "instruction": "Q?\nA. x\nB. y\nAnswer:", "answer": " Because. The answer is B."},
        ],
    )
    prompt = build_prompts(get_task("mmlu"), read_task_file(path), shots=1)[0]
    assert (prompt.prefix, prompt.instruction, prompt.answer) == (
        "Ex? ex.\n\n",
        "Q?\nA. x\nB. y\nAnswer:",
        " Because. The answer is B.",
    )
    assert prompt.choices == ()


def test_registry_refuses_duplicates_and_names_known_tasks() -> None:
    assert sorted(TASKS) == ["bbh", "humaneval", "math", "mbpp", "mmlu"]
    with pytest.raises(ValueError, match="registered twice"):
        register(TaskSpec(**{**TASKS["mmlu"].__dict__}))
    with pytest.raises(ValueError, match="known tasks: bbh, humaneval, math, mbpp, mmlu"):
        get_task("gsm8k")


def test_shot_counts_match_the_benchmark_records() -> None:
    from densing_data import load

    benchmarks = load().benchmarks.set_index("id")
    for spec in TASKS.values():
        assert spec.shots == benchmarks.loc[spec.benchmark, "default_shots"], spec.name
