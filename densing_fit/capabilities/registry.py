"""Capability groups, declared once: which benchmarks measure knowledge, reasoning, math, code,
commonsense and reading, and the public sources behind each assignment.

Every benchmark belongs to at most one group (:func:`check_groups` refuses one in two); a benchmark in
no group is listed in :data:`UNGROUPED` with the reason. ``tests/fit/test_capabilities_registry.py``
checks that every benchmark record of the shipped data is in exactly one of the two.
:data:`LEFT_OUT_ON_TRACK` names benchmarks a track fits on its ruler but does not read for a group,
for the same reason the track leaves them out of its own aggregate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from densing_fit.errors import FitError

REGISTRY_FILE = "densing_fit/capabilities/registry.py"


@dataclass(frozen=True)
class Source:
    """A public document that justifies a group's benchmarks."""

    title: str
    url: str
    locator: str


@dataclass(frozen=True)
class CapabilityGroup:
    """One capability: its benchmarks and why they belong together."""

    id: str
    """Stable id (``knowledge``, ``reasoning`` ...)."""
    label: str
    """Short human name."""
    description: str
    """What the group measures, in plain words."""
    benchmarks: tuple[str, ...]
    """Benchmark record ids in the group."""
    sources: tuple[Source, ...]
    """Where the assignment comes from."""

    def describe(self) -> dict[str, Any]:
        """The group as a JSON-ready mapping (capabilities.json ``groups``)."""
        return {
            "id": self.id,
            "label": self.label,
            "description": self.description,
            "benchmarks": list(self.benchmarks),
            "sources": [{"title": s.title, "url": s.url, "locator": s.locator} for s in self.sources],
        }


LLAMA2 = Source(
    "Llama 2: Open Foundation and Fine-Tuned Chat Models (Touvron et al. 2023)",
    "https://arxiv.org/abs/2307.09288",
    "Section 2.3 and Table 3: the benchmark groups Code, Commonsense Reasoning, World Knowledge, "
    "Reading Comprehension, Math",
)

GROUPS: tuple[CapabilityGroup, ...] = (
    CapabilityGroup(
        id="knowledge",
        label="Knowledge",
        description=(
            "Facts stored in the weights: closed-book questions (TriviaQA, Natural Questions, SimpleQA) "
            "and multi-subject exam questions (MMLU and its variants). MMLU-Pro adds harder, more "
            "reasoning-heavy questions but stays a test of subject knowledge."
        ),
        benchmarks=(
            "triviaqa",
            "triviaqa-wiki",
            "naturalquestions",
            "simpleqa",
            "mmlu",
            "mmlu-rc",
            "mmlu-stem",
            "mmlu-redux",
            "mmlu-cf",
            "mmlu-pro",
        ),
        sources=(
            LLAMA2,
            Source(
                "Measuring Massive Multitask Language Understanding (Hendrycks et al. 2021)",
                "https://arxiv.org/abs/2009.03300",
                "abstract: the test measures knowledge acquired during pretraining over 57 subjects",
            ),
            Source(
                "Measuring short-form factuality in large language models (Wei et al. 2024, SimpleQA)",
                "https://arxiv.org/abs/2411.04368",
                "abstract",
            ),
            Source(
                "MMLU-Pro (Wang et al. 2024)",
                "https://arxiv.org/abs/2406.01574",
                "abstract: knowledge-driven questions made harder and more reasoning-focused",
            ),
        ),
    ),
    CapabilityGroup(
        id="reasoning",
        label="Reasoning",
        description=(
            "Multi-step reasoning on problems that are not mainly recall: BIG-Bench Hard, graduate-level "
            "questions written to resist look-up (GPQA, SuperGPQA) and narrative reasoning (MuSR)."
        ),
        benchmarks=("bbh", "gpqa", "gpqa-diamond", "supergpqa", "musr"),
        sources=(
            Source(
                "Challenging BIG-Bench Tasks and Whether Chain-of-Thought Can Solve Them "
                "(Suzgun et al. 2022)",
                "https://arxiv.org/abs/2210.09261",
                "abstract",
            ),
            Source(
                "GPQA: A Graduate-Level Google-Proof Q&A Benchmark (Rein et al. 2023)",
                "https://arxiv.org/abs/2311.12022",
                "abstract",
            ),
            Source(
                "SuperGPQA (M-A-P team 2025)",
                "https://arxiv.org/abs/2502.14739",
                "abstract: graduate-level reasoning across 285 disciplines",
            ),
            Source(
                "MuSR: Testing the Limits of Chain-of-thought with Multistep Soft Reasoning "
                "(Sprague et al. 2023)",
                "https://arxiv.org/abs/2310.16049",
                "abstract",
            ),
        ),
    ),
    CapabilityGroup(
        id="math",
        label="Math",
        description=(
            "Mathematical problem solving: grade-school word problems (GSM8K) to competition math (MATH)."
        ),
        benchmarks=("gsm8k", "math", "math-hard", "math500", "theoremqa"),
        sources=(
            LLAMA2,
            Source(
                "Training Verifiers to Solve Math Word Problems (Cobbe et al. 2021, GSM8K)",
                "https://arxiv.org/abs/2110.14168",
                "abstract",
            ),
            Source(
                "Measuring Mathematical Problem Solving With the MATH Dataset (Hendrycks et al. 2021)",
                "https://arxiv.org/abs/2103.03874",
                "abstract",
            ),
        ),
    ),
    CapabilityGroup(
        id="code",
        label="Code",
        description="Writing or reading programs checked by execution (HumanEval, MBPP and their variants).",
        benchmarks=(
            "humaneval",
            "humaneval-plus",
            "mbpp",
            "mbpp-plus",
            "evalplus",
            "multipl-e",
            "livecodebench",
            "crux-o",
        ),
        sources=(
            LLAMA2,
            Source(
                "Evaluating Large Language Models Trained on Code (Chen et al. 2021, HumanEval)",
                "https://arxiv.org/abs/2107.03374",
                "abstract",
            ),
            Source(
                "Program Synthesis with Large Language Models (Austin et al. 2021, MBPP)",
                "https://arxiv.org/abs/2108.07732",
                "abstract",
            ),
        ),
    ),
    CapabilityGroup(
        id="commonsense",
        label="Commonsense",
        description=(
            "Everyday physical and social commonsense and grade-school science, as multiple choice "
            "(HellaSwag, ARC, WinoGrande, PIQA, Social IQa, CommonsenseQA, OpenBookQA, SciQ)."
        ),
        benchmarks=(
            "hellaswag",
            "hellaswag-rc",
            "arc-challenge",
            "arc-challenge-rc",
            "arc-easy",
            "arc-easy-rc",
            "arc",
            "winogrande",
            "winogrande-rc",
            "piqa",
            "piqa-rc",
            "siqa",
            "socialiqa-rc",
            "commonsenseqa",
            "csqa-rc",
            "openbookqa",
            "openbookqa-rc",
            "sciq",
        ),
        sources=(LLAMA2,),
    ),
    CapabilityGroup(
        id="reading",
        label="Reading comprehension",
        description="Answering from a passage given in the prompt (BoolQ, SQuAD, QuAC, DROP, RACE).",
        benchmarks=("boolq", "boolq-rc", "squad", "quac", "drop", "race-high", "race-middle"),
        sources=(
            LLAMA2,
            Source(
                "DROP: A Reading Comprehension Benchmark Requiring Discrete Reasoning (Dua et al. 2019)",
                "https://arxiv.org/abs/1903.00161",
                "abstract",
            ),
        ),
    ),
)
"""The capability groups, in display order."""

_MULTILINGUAL = "multilingual or non-English: it measures language coverage as much as any capability"
_AVERAGE = "a report's own average over benchmarks of several groups, not one benchmark"
UNGROUPED: dict[str, str] = {
    "agieval": "admission exams mixing reading, logic and math questions (no single capability)",
    "c-eval": _MULTILINGUAL,
    "cmmlu": _MULTILINGUAL,
    "gaokao": _MULTILINGUAL,
    "eclektic": _MULTILINGUAL,
    "flores": _MULTILINGUAL,
    "global-mmlu-lite": _MULTILINGUAL,
    "include": _MULTILINGUAL,
    "indicgenbench": _MULTILINGUAL,
    "mmmlu": _MULTILINGUAL,
    "mgsm": _MULTILINGUAL,
    "wmt24pp": _MULTILINGUAL,
    "xquad": _MULTILINGUAL,
    "xwinograd": _MULTILINGUAL,
    "qwen-multi-exam": _MULTILINGUAL,
    "qwen-multi-mathematics": _MULTILINGUAL,
    "qwen-multi-translation": _MULTILINGUAL,
    "qwen-multi-understanding": _MULTILINGUAL,
    "ifeval": "instruction following, a property of post-training rather than of base models",
    "truthfulqa": (
        "imitative falsehoods: its score does not grow with size (ruler R² 0.77 on the uniform harness)"
    ),
    "lambada": "next-word prediction over a passage, a language-modelling test rather than one capability",
    "yi-commonsense-reasoning-avg": _AVERAGE,
    "yi-math-code-avg": _AVERAGE,
    "yi-reading-comprehension-avg": _AVERAGE,
}
"""Benchmarks in no group, with the reason."""

LEFT_OUT_ON_TRACK: dict[str, dict[str, str]] = {
    "frontier": {
        "mmlu": (
            "saturated by the 2025-26 models this track reads (scores 86-90 against a ruler top near 91), "
            "so the track leaves it out of its aggregate (docs/method.md, 'The frontier track')"
        ),
        "gsm8k": (
            "saturated (the Qwen2.5 family's 32B scores above its 72B) and mostly printed 8-shot against the "
            "ruler's 4-shot, so the track leaves it out of its aggregate"
        ),
    },
    "loss-based": {
        "boolq-rc": "the ladder's score-from-loss fit explains too little of its scores (R² 0.59)",
        "winogrande-rc": "the ladder's score-from-loss fit explains too little of its scores (R² 0.71)",
    },
}
"""Track id -> benchmarks its ruler fits but no group reads on it, with the track's reason."""


def check_groups(groups: Iterable[CapabilityGroup]) -> tuple[CapabilityGroup, ...]:
    """``groups`` as a tuple, after refusing a repeated group id, an empty group or a benchmark in two
    groups (a :class:`~densing_fit.errors.FitError` naming both groups and the benchmark)."""
    groups = tuple(groups)
    owner: dict[str, str] = {}
    seen: set[str] = set()
    for group in groups:
        if group.id in seen:
            raise FitError(f"capability group {group.id!r} is declared twice; give each group one entry")
        seen.add(group.id)
        if not group.benchmarks:
            raise FitError(f"capability group {group.id!r} has no benchmarks; name at least one")
        for bench in group.benchmarks:
            if bench in owner:
                raise FitError(
                    f"benchmark {bench!r} is in two capability groups, {owner[bench]!r} and {group.id!r}; "
                    f"a benchmark belongs to one group: remove it from one of them ({REGISTRY_FILE})"
                )
            owner[bench] = group.id
    return groups


def group_of(benchmark: str, groups: Iterable[CapabilityGroup] = GROUPS) -> str | None:
    """The id of the group ``benchmark`` belongs to, or None."""
    return next((g.id for g in groups if benchmark in g.benchmarks), None)


def registry_markdown(groups: Iterable[CapabilityGroup] = GROUPS) -> str:
    """The grouping as the Markdown table docs/method.md shows (a test keeps the two equal)."""
    lines = ["| group | benchmarks | sources |", "|---|---|---|"]
    for group in groups:
        benches = ", ".join(f"`{b}`" for b in group.benchmarks)
        sources = "; ".join(f"[{s.title}]({s.url}), {s.locator}" for s in group.sources)
        lines.append(f"| {group.label} (`{group.id}`) | {benches} | {sources} |")
    return "\n".join(lines) + "\n"
