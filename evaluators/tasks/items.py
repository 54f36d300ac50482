"""The local task-data format: one JSON object per line, read strictly.

Each line is one item. Either a *raw* item, which the task formats as the paper describes::

    {"id": "mmlu-anatomy-0", "subject": "anatomy", "question": "...", "choices": ["...", "..."],
     "label": "B", "rationale": "..."}
    {"id": "math-17", "question": "...", "solution": "... \\boxed{5}"}

or a *prebuilt* pair, used verbatim (the DensingLaw-ScalingBench layout)::

    {"id": "bbh-3", "instruction": "...", "answer": "..."}

``"fewshot": true`` marks an exemplar for the few-shot prompt (never scored). Every problem is
reported as ``file:line: message``; nothing is skipped silently.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

LETTERS = string.ascii_uppercase
MAX_PROBLEMS_SHOWN = 20

ItemId = Annotated[str, StringConstraints(min_length=1, max_length=200)]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]


class TaskItem(BaseModel):
    """One line of a task file (see the module docstring and docs/evaluators.md)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    id: ItemId
    """Unique within the file."""
    subject: NonEmpty | None = None
    """Group of the item (MMLU subject, BBH subtask); few-shot exemplars come from the same group."""
    fewshot: bool = False
    """An exemplar for the few-shot prompt, not a scored item."""
    question: NonEmpty | None = None
    """Raw item: the problem statement, question stem or code prompt."""
    choices: Annotated[list[NonEmpty], Field(min_length=2, max_length=26)] | None = None
    """Raw multiple-choice item: the options, in order (lettered A, B, ...)."""
    label: str | Annotated[int, Field(ge=0, le=25)] | None = None
    """Raw multiple-choice item: the correct option, as a letter or a 0-based index."""
    rationale: NonEmpty | None = None
    """Worked reasoning written before the final answer (GPT-4o rationales in ScalingBench)."""
    target: NonEmpty | None = None
    """Final answer of a free-form question (BBH free-form, MATH final answer)."""
    solution: NonEmpty | None = None
    """Worked solution (MATH) or reference code (MBPP, HumanEval)."""
    tests: Annotated[list[NonEmpty], Field(max_length=50)] | None = None
    """MBPP: the test assertions shown in the prompt."""
    instruction: NonEmpty | None = None
    """Prebuilt item: the instruction, used verbatim."""
    answer: NonEmpty | None = None
    """Prebuilt item: the answer, used verbatim."""

    @model_validator(mode="after")
    def _one_shape(self) -> TaskItem:
        prebuilt = self.instruction is not None or self.answer is not None
        if prebuilt:
            if self.instruction is None or self.answer is None:
                raise ValueError("a prebuilt item needs both 'instruction' and 'answer'")
            raw = [f for f in ("question", "rationale", "target", "solution", "tests") if getattr(self, f)]
            if raw:
                raise ValueError(f"a prebuilt item (instruction/answer) cannot also have {', '.join(raw)}")
        elif self.question is None:
            raise ValueError("an item needs 'question' (raw item) or 'instruction' and 'answer' (prebuilt)")
        if (self.choices is None) != (self.label is None):
            raise ValueError("'choices' and 'label' go together")
        if self.choices is not None and self.gold_index >= len(self.choices):
            raise ValueError(f"label {self.label!r} is past the last of {len(self.choices)} choices")
        return self

    @property
    def is_prebuilt(self) -> bool:
        """True for an instruction/answer pair used verbatim."""
        return self.instruction is not None

    @property
    def gold_index(self) -> int:
        """0-based index of the correct choice (multiple-choice items only)."""
        if isinstance(self.label, int):
            return self.label
        if isinstance(self.label, str) and len(self.label) == 1 and self.label in LETTERS:
            return LETTERS.index(self.label)
        raise ValueError(f"label must be a capital letter A-Z or a 0-based index, got {self.label!r}")


@dataclass(frozen=True)
class TaskProblem:
    """One problem found in task data."""

    path: str
    """File the problem is in."""
    line: int
    """1-based line number (0 when the problem concerns the whole file)."""
    message: str
    """What is wrong, and what was expected."""

    def render(self) -> str:
        """``path:line: message``."""
        return f"{self.path}:{self.line}: {self.message}"


class TaskDataError(Exception):
    """Task data that cannot be used; ``problems`` names file and line of each."""

    def __init__(self, problems: list[TaskProblem]) -> None:
        shown = [p.render() for p in problems[:MAX_PROBLEMS_SHOWN]]
        more = len(problems) - len(shown)
        if more > 0:
            shown.append(f"... and {more} more problems")
        super().__init__("bad task data:\n" + "\n".join(shown))
        self.problems = problems


@dataclass(frozen=True)
class LocatedItem:
    """A task item and where it was read from."""

    item: TaskItem
    """The validated item."""
    path: str
    """Source file (or data set name)."""
    line: int
    """1-based line (or row number for data sets)."""


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in task data")


def read_task_file(path: Path) -> list[LocatedItem]:
    """Read and validate a JSONL task file; raise :class:`TaskDataError` listing every problem."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise TaskDataError([TaskProblem(shown, 0, f"cannot read task file: {err.strerror}")]) from None
    except UnicodeDecodeError as err:
        raise TaskDataError([TaskProblem(shown, 0, f"task file is not UTF-8 text: {err.reason}")]) from None
    rows: list[tuple[int, Any]] = []
    problems: list[TaskProblem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line, parse_constant=_refuse_constant)))
        except json.JSONDecodeError as err:
            problems.append(TaskProblem(shown, number, f"not valid JSON: {err.msg} (column {err.colno})"))
        except ValueError as err:
            problems.append(TaskProblem(shown, number, str(err)))
    items = validate_rows(rows, shown, problems)
    if not items and not problems:
        problems.append(TaskProblem(shown, 0, "task file holds no items (expected one JSON object per line)"))
    if problems:
        raise TaskDataError(problems)
    return items


def validate_rows(
    rows: Iterable[tuple[int, Any]], shown: str, problems: list[TaskProblem]
) -> list[LocatedItem]:
    """Validate ``(line, object)`` pairs as task items; unique ids; problems appended to ``problems``."""
    items: list[LocatedItem] = []
    first_line: dict[str, int] = {}
    for number, data in rows:
        if not isinstance(data, dict):
            problems.append(TaskProblem(shown, number, f"expected a JSON object, got {type(data).__name__}"))
            continue
        try:
            item = TaskItem.model_validate(data)
        except ValidationError as err:
            for error in err.errors(include_url=False):
                where = ".".join(str(p) for p in error["loc"]) or "item"
                field = "" if where == "item" else f"field {where!r}: "
                problems.append(TaskProblem(shown, number, f"{field}{error['msg']}"))
            continue
        if item.id in first_line:
            problems.append(
                TaskProblem(shown, number, f"duplicate id {item.id!r} (first on line {first_line[item.id]})")
            )
            continue
        first_line[item.id] = number
        items.append(LocatedItem(item=item, path=shown, line=number))
    return items
