"""The task registry and the paper's prompt recipes.

A task turns items (see :mod:`evaluators.tasks.items`) into an *instruction* and an *answer*; the
conditional loss is -log P(answer | few-shot prefix + instruction). As in the paper, a
multiple-choice item's instruction is the question with all its options and its answer is the
rationale followed by the final label; MATH, MBPP and HumanEval items use the problem as the
instruction and the worked solution or reference code as the answer. Multiple-choice tasks are also
scored for accuracy from log-likelihoods (the option letters after the instruction), as
lm-evaluation-harness does.

Shot counts follow the benchmark records (MMLU 5, BBH 3, MATH 4, MBPP 3, HumanEval 0).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from evaluators.tasks.items import LETTERS, LocatedItem, TaskDataError, TaskItem, TaskProblem


@dataclass(frozen=True)
class PromptedItem:
    """One scored item, formatted: the texts whose tokens the evaluator scores."""

    id: str
    """Item id from the task data."""
    subject: str | None
    """Group of the item, if any."""
    source: str
    """``file:line`` the item came from."""
    prefix: str
    """Few-shot prefix before the instruction for the loss ('' for 0-shot)."""
    instruction: str
    """The instruction (question with options, problem, code prompt)."""
    answer: str
    """The answer whose conditional loss is measured (rationale + label, solution, code)."""
    choice_prefix: str
    """Few-shot prefix for the accuracy requests (exemplars answered with their label only)."""
    choices: tuple[str, ...]
    """Continuations scored for accuracy (' A', ' B', ...); empty when the item has no options."""
    gold: int | None
    """Index of the correct continuation, or None."""


@dataclass(frozen=True)
class TaskSpec:
    """A task: how its items become prompts."""

    name: str
    """Task name on the command line."""
    benchmark: str
    """Benchmark record id the task's records point to."""
    shots: int
    """Default number of few-shot exemplars."""
    multiple_choice: bool
    """Every raw item must have choices and a label (prebuilt items may omit them); accuracy is
    computed when every scored item has choices."""
    description: str
    """One line for ``--help`` and the docs."""
    format: Callable[[TaskItem], tuple[str, str]]
    """Raw item -> (instruction, answer)."""
    choice_text: Callable[[int], str]
    """Option index -> continuation scored for accuracy."""
    header: Callable[[str | None], str]
    """Subject -> text opening the few-shot prompt."""
    check: Callable[[TaskItem], str | None]
    """Raw item -> what is missing for this task, or None."""


TASKS: dict[str, TaskSpec] = {}
"""Task name -> task."""


def register(spec: TaskSpec) -> TaskSpec:
    """Add ``spec`` to :data:`TASKS`; a second task of the same name is refused."""
    if spec.name in TASKS:
        raise ValueError(f"task {spec.name!r} is registered twice")
    TASKS[spec.name] = spec
    return spec


def get_task(name: str) -> TaskSpec:
    """The registered task called ``name``; a clear error naming the known tasks otherwise."""
    try:
        return TASKS[name]
    except KeyError:
        raise ValueError(f"unknown task {name!r}; known tasks: {', '.join(sorted(TASKS))}") from None


def _options(item: TaskItem, style: str) -> str:
    choices = item.choices or []
    if style == "paren":
        return "\n".join(f"({LETTERS[i]}) {c}" for i, c in enumerate(choices))
    return "\n".join(f"{LETTERS[i]}. {c}" for i, c in enumerate(choices))


def _with_rationale(rationale: str | None, final: str, lead: str) -> str:
    if rationale is None:
        return f" {final}"
    return f" {rationale.strip()} {lead} {final}."


def _format_mmlu(item: TaskItem) -> tuple[str, str]:
    instruction = f"{(item.question or '').strip()}\n{_options(item, 'dot')}\nAnswer:"
    letter = LETTERS[item.gold_index]
    return instruction, _with_rationale(item.rationale, letter, "The answer is")


def _format_bbh(item: TaskItem) -> tuple[str, str]:
    question = f"Q: {(item.question or '').strip()}"
    if item.choices:
        question += f"\nOptions:\n{_options(item, 'paren')}"
        final = f"({LETTERS[item.gold_index]})"
    else:
        final = (item.target or "").strip()
    return f"{question}\nA:", _with_rationale(item.rationale, final, "So the answer is")


def _format_math(item: TaskItem) -> tuple[str, str]:
    instruction = f"Problem:\n{(item.question or '').strip()}\n\nSolution:"
    if item.solution is not None:
        return instruction, f" {item.solution.strip()}"
    return (
        instruction,
        f" {(item.rationale or '').strip()} The final answer is {(item.target or '').strip()}.",
    )


def _format_mbpp(item: TaskItem) -> tuple[str, str]:
    tests = "\n".join(item.tests or [])
    instruction = (
        f"You are an expert Python programmer, and here is your task: {(item.question or '').strip()} "
        f"Your code should pass these tests:\n\n{tests}\n[BEGIN]"
    )
    return instruction, f"\n{(item.solution or '').strip()}\n[DONE]"


def _format_humaneval(item: TaskItem) -> tuple[str, str]:
    return item.question or "", item.solution or ""


def _mmlu_header(subject: str | None) -> str:
    if not subject:
        return ""
    return (
        f"The following are multiple choice questions (with answers) about {subject.replace('_', ' ')}.\n\n"
    )


def _no_header(subject: str | None) -> str:
    return ""


def _need_choices(item: TaskItem) -> str | None:
    return None if item.choices else "a multiple-choice task needs 'choices' and 'label'"


def _need_final(item: TaskItem) -> str | None:
    if item.choices or item.target:
        return None
    return "a BBH item needs 'target' (free-form) or 'choices' and 'label'"


def _need_solution_or_reasoning(item: TaskItem) -> str | None:
    if item.solution or (item.rationale and item.target):
        return None
    return "a MATH item needs 'solution' (or 'rationale' and 'target')"


def _need_solution(item: TaskItem) -> str | None:
    return None if item.solution else "a code item needs 'solution' (the reference code)"


register(
    TaskSpec(
        name="mmlu",
        benchmark="mmlu",
        shots=5,
        multiple_choice=True,
        description="MMLU: question + options -> rationale + label; accuracy from option log-likelihoods.",
        format=_format_mmlu,
        choice_text=lambda i: f" {LETTERS[i]}",
        header=_mmlu_header,
        check=_need_choices,
    )
)
register(
    TaskSpec(
        name="bbh",
        benchmark="bbh",
        shots=3,
        multiple_choice=False,
        description="BIG-Bench Hard: question (+ options) -> rationale + 'So the answer is X.'",
        format=_format_bbh,
        choice_text=lambda i: f" ({LETTERS[i]})",
        header=_no_header,
        check=_need_final,
    )
)
register(
    TaskSpec(
        name="math",
        benchmark="math",
        shots=4,
        multiple_choice=False,
        description="MATH: problem -> worked solution.",
        format=_format_math,
        choice_text=lambda i: f" {LETTERS[i]}",
        header=_no_header,
        check=_need_solution_or_reasoning,
    )
)
register(
    TaskSpec(
        name="mbpp",
        benchmark="mbpp",
        shots=3,
        multiple_choice=False,
        description="MBPP: task text + tests -> reference code.",
        format=_format_mbpp,
        choice_text=lambda i: f" {LETTERS[i]}",
        header=_no_header,
        check=_need_solution,
    )
)
register(
    TaskSpec(
        name="humaneval",
        benchmark="humaneval",
        shots=0,
        multiple_choice=False,
        description="HumanEval: function signature + docstring -> canonical solution.",
        format=_format_humaneval,
        choice_text=lambda i: f" {LETTERS[i]}",
        header=_no_header,
        check=_need_solution,
    )
)


def _texts(spec: TaskSpec, item: TaskItem) -> tuple[str, str]:
    if item.is_prebuilt:
        return item.instruction or "", item.answer or ""
    return spec.format(item)


def _direct_answer(spec: TaskSpec, item: TaskItem) -> str:
    return spec.choice_text(item.gold_index) if item.choices else _texts(spec, item)[1]


def _prefix(spec: TaskSpec, subject: str | None, exemplars: Sequence[TaskItem], direct: bool) -> str:
    if not exemplars:
        return ""
    parts = [spec.header(subject)]
    for ex in exemplars:
        instruction, answer = _texts(spec, ex)
        parts.append(instruction + (_direct_answer(spec, ex) if direct else answer) + "\n\n")
    return "".join(parts)


def _check_items(spec: TaskSpec, items: Sequence[LocatedItem]) -> None:
    problems = []
    for located in items:
        item = located.item
        message = None if item.is_prebuilt else spec.check(item)
        if message:
            problems.append(TaskProblem(located.path, located.line, f"item {item.id!r}: {message}"))
    if problems:
        raise TaskDataError(problems)


def _exemplars_for(
    spec: TaskSpec, pool: dict[str | None, list[LocatedItem]], located: LocatedItem, shots: int
) -> list[TaskItem]:
    subject = located.item.subject
    group = pool.get(subject) or pool.get(None) or []
    if len(group) < shots:
        where = f"subject {subject!r}" if subject else "the task"
        raise TaskDataError(
            [
                TaskProblem(
                    located.path,
                    located.line,
                    f"item {located.item.id!r}: {spec.name} uses {shots} few-shot exemplars but {where} has "
                    f'{len(group)} (lines with "fewshot": true); add exemplars or pass --shots {len(group)}',
                )
            ]
        )
    return [ex.item for ex in group[:shots]]


def build_prompts(
    spec: TaskSpec, items: Sequence[LocatedItem], shots: int | None = None, limit: int | None = None
) -> list[PromptedItem]:
    """Format ``items`` for ``spec``: exemplars become the few-shot prefix, the others are scored.

    Exemplars are the first ``shots`` items marked ``fewshot`` of the item's subject (or, when the
    subject has none, of the items without a subject). ``limit`` keeps the first scored items.
    """
    shots = spec.shots if shots is None else shots
    _check_items(spec, items)
    pool: dict[str | None, list[LocatedItem]] = {}
    for located in items:
        if located.item.fewshot:
            pool.setdefault(located.item.subject, []).append(located)
    scored = [located for located in items if not located.item.fewshot]
    if limit is not None:
        scored = scored[:limit]
    if not scored:
        source = items[0].path if items else "task data"
        raise TaskDataError([TaskProblem(source, 0, "no scored items (every item is a few-shot exemplar)")])
    prompted = []
    for located in scored:
        item = located.item
        exemplars = _exemplars_for(spec, pool, located, shots) if shots else []
        instruction, answer = _texts(spec, item)
        prompted.append(
            PromptedItem(
                id=item.id,
                subject=item.subject,
                source=f"{located.path}:{located.line}",
                prefix=_prefix(spec, item.subject, exemplars, direct=False),
                instruction=instruction,
                answer=answer,
                choice_prefix=_prefix(spec, item.subject, exemplars, direct=True),
                choices=tuple(spec.choice_text(i) for i in range(len(item.choices or []))),
                gold=item.gold_index if item.choices else None,
            )
        )
    return prompted
