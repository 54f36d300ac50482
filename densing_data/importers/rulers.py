"""Direct rulers on same-protocol family tables: ``qwen2.5-blog`` (default) and ``qwen3-report``.

A direct ruler maps a score to an effective size through one model family measured in one pipeline.
Each ruler's model list is checked against the imported scores: a model lacking a score for one of the
ruler's benchmarks under the ruler's protocol is dropped, and the description says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from densing_data.importers.common import ImportReport

QWEN25 = (
    "qwen2.5-0.5b",
    "qwen2.5-1.5b",
    "qwen2.5-3b",
    "qwen2.5-7b",
    "qwen2.5-14b",
    "qwen2.5-32b",
    "qwen2.5-72b",
)


@dataclass(frozen=True)
class DirectRulerSpec:
    """What a direct ruler should be fitted on."""

    id: str
    name: str
    protocol: str
    models: tuple[str, ...]
    benchmarks: tuple[str, ...]
    default: bool
    description: str
    source: dict[str, str]


RULERS = (
    DirectRulerSpec(
        id="qwen2.5-blog",
        name="Qwen2.5 base models, Qwen2.5 blog",
        protocol="qwen2.5-blog",
        models=QWEN25,
        benchmarks=("mmlu", "bbh", "math", "humaneval", "mbpp"),
        default=True,
        description=(
            "Direct ruler: score as a function of parameter count, fitted on the Qwen2.5 base models as "
            "the Qwen team measured them in one pipeline in the Qwen2.5-LLM blog (= Qwen2.5 report arXiv "
            "2412.15115 Tables 2-5): MMLU 5-shot, BBH 3-shot, MATH 4-shot, HumanEval 0-shot and MBPP 0-shot. "
            "MBPP is 0-shot EvalPlus style there, not the classic 3-shot, so MBPP effective sizes from this "
            "ruler are comparable only with scores measured the same way."
        ),
        source={
            "url": "https://qwenlm.github.io/blog/qwen2.5-llm/",
            "locator": "base-model tables (= Qwen2.5 report Tables 2-5)",
        },
    ),
    DirectRulerSpec(
        id="qwen3-report",
        name="Qwen2.5 base models, Qwen3 report",
        protocol="qwen3-report",
        models=QWEN25,
        benchmarks=("mmlu", "bbh", "math", "mbpp"),
        default=False,
        description=(
            "Direct ruler: score as a function of parameter count, fitted on the Qwen2.5 base models as "
            "re-measured in the Qwen3 technical report (arXiv 2505.09388) Tables 3-8, one pipeline for "
            "Qwen3, Qwen2.5, Gemma-3 and Llama-3: MMLU 5-shot, BBH 3-shot CoT, MATH 4-shot CoT and MBPP "
            "3-shot. That report gives no standalone HumanEval (only the EvalPlus average), so this ruler "
            "has no humaneval."
        ),
        source={"url": "https://arxiv.org/abs/2505.09388", "locator": "Tables 3-8 (base models)"},
    ),
)


def build_rulers(
    scores: Sequence[dict[str, Any]], report: ImportReport, specs: Sequence[DirectRulerSpec] = RULERS
) -> list[dict[str, Any]]:
    """Ruler records for ``specs``, each fitted on the models that have all its benchmarks."""
    have = {(s["model"], s["benchmark"], s["protocol"]) for s in scores}
    rulers = []
    for spec in specs:
        missing = {m: [b for b in spec.benchmarks if (m, b, spec.protocol) not in have] for m in spec.models}
        models = [m for m in spec.models if not missing[m]]
        dropped = {m: b for m, b in missing.items() if b}
        if len(models) < 3:
            report.leave_out(
                f"ruler {spec.id}",
                f"only {len(models)} model(s) have every benchmark under "
                f"protocol {spec.protocol!r} (missing: {dropped})",
            )
            continue
        description = spec.description + f" Fitted on {len(models)} models: {', '.join(models)}."
        if dropped:
            description += (
                " Left out for missing scores: "
                + "; ".join(f"{m} (no {', '.join(b)})" for m, b in dropped.items())
                + "."
            )
        rulers.append(
            {
                "id": spec.id,
                "name": spec.name,
                "kind": "direct",
                "description": description,
                "benchmarks": list(spec.benchmarks),
                "fitted_from_scores": {"protocol": spec.protocol, "models": models},
                "default": spec.default,
                "source": spec.source,
            }
        )
    return rulers
