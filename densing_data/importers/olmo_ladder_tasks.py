"""The RC-format benchmarks of the OLMo model ladder: their ids, floors, citations, and which CSV tasks
(with which weights) make each one.

Every benchmark id ends in ``-rc``: the ladder evaluates in RC (cloze) format, which is a different
measurement from the multiple-choice (letter) format of the standard benchmark ids (``mmlu``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MMLU_WEIGHTS = {
    "mmlu_stem_test": 0.215,
    "mmlu_humanities_test": 0.335,
    "mmlu_social_sciences_test": 0.219,
    "mmlu_other_test": 0.231,
}
"""The paper's MMLU category weights (``WEIGHT_BY_KEY`` in OLMo-ladder ``src/scaling/task_utils.py``)."""

RC_FORMAT = (
    "5-shot, RC (cloze) format: each answer option is scored as a continuation of the prompt and the "
    "option with the highest {choice} log-likelihood is chosen (OLMES-style evaluation used by the OLMo "
    "model ladder, Bhagia et al. 2024)."
)
LEN_NORM = "per-character length-normalised"
RAW = "raw (unnormalised)"


@dataclass(frozen=True)
class RcBenchmark:
    """One RC-format benchmark of the ladder."""

    id: str
    """Benchmark record id, ending in ``-rc``."""
    name: str
    """Display name."""
    parts: tuple[tuple[str, float], ...]
    """(CSV task, weight) pairs; the benchmark's loss and accuracy are these weighted means."""
    floor: float
    """Random-guess accuracy in percent."""
    choice_rule: str
    """How the predicted option is chosen (length-normalised or raw log-likelihood)."""
    about: str
    """What the benchmark is, and the split the ladder evaluates on."""
    citation_title: str
    citation_url: str

    def benchmark_record(self) -> dict[str, Any]:
        """The benchmark record of this RC benchmark."""
        return {
            "id": self.id,
            "name": self.name,
            "floor": self.floor,
            "default_shots": 5,
            "default_cot": False,
            "metric": f"accuracy, RC format ({self.choice_rule} log-likelihood)",
            "description": f"{self.about} {RC_FORMAT.format(choice=self.choice_rule)} Not comparable "
            "with the multiple-choice (letter) format of the standard benchmark.",
            "citation": {"title": self.citation_title, "url": self.citation_url},
        }


def _single(task: str) -> tuple[tuple[str, float], ...]:
    return ((task, 1.0),)


RC_BENCHMARKS: tuple[RcBenchmark, ...] = (
    RcBenchmark(
        "mmlu-rc",
        "MMLU (RC)",
        tuple(MMLU_WEIGHTS.items()),
        25.0,
        LEN_NORM,
        "MMLU, 57 subjects with 4 answer options, test split, reported as the paper's weighted mean of the "
        "four category scores (STEM 0.215, humanities 0.335, social sciences 0.219, other 0.231).",
        "Measuring Massive Multitask Language Understanding (Hendrycks et al. 2021)",
        "https://arxiv.org/abs/2009.03300",
    ),
    RcBenchmark(
        "hellaswag-rc",
        "HellaSwag (RC)",
        _single("hellaswag_val"),
        25.0,
        LEN_NORM,
        "HellaSwag sentence completion with 4 endings, validation split.",
        "HellaSwag: Can a Machine Really Finish Your Sentence? (Zellers et al. 2019)",
        "https://arxiv.org/abs/1905.07830",
    ),
    RcBenchmark(
        "arc-challenge-rc",
        "ARC-Challenge (RC)",
        _single("arc_challenge_test"),
        25.0,
        LEN_NORM,
        "AI2 Reasoning Challenge, Challenge set (grade-school science, mostly 4 options), test split.",
        "Think you have Solved Question Answering? Try ARC (Clark et al. 2018)",
        "https://arxiv.org/abs/1803.05457",
    ),
    RcBenchmark(
        "arc-easy-rc",
        "ARC-Easy (RC)",
        _single("arc_easy_test"),
        25.0,
        LEN_NORM,
        "AI2 Reasoning Challenge, Easy set (grade-school science, mostly 4 options), test split.",
        "Think you have Solved Question Answering? Try ARC (Clark et al. 2018)",
        "https://arxiv.org/abs/1803.05457",
    ),
    RcBenchmark(
        "piqa-rc",
        "PIQA (RC)",
        _single("piqa_val"),
        50.0,
        LEN_NORM,
        "Physical Interaction QA with 2 solutions per goal, validation split.",
        "PIQA: Reasoning about Physical Commonsense in Natural Language (Bisk et al. 2020)",
        "https://arxiv.org/abs/1911.11641",
    ),
    RcBenchmark(
        "csqa-rc",
        "CommonsenseQA (RC)",
        _single("csqa_val"),
        20.0,
        LEN_NORM,
        "CommonsenseQA with 5 answer options, validation split.",
        "CommonsenseQA: A Question Answering Challenge Targeting Commonsense Knowledge (Talmor et al. 2019)",
        "https://arxiv.org/abs/1811.00937",
    ),
    RcBenchmark(
        "openbookqa-rc",
        "OpenBookQA (RC)",
        _single("openbookqa_test"),
        25.0,
        LEN_NORM,
        "OpenBookQA elementary science questions with 4 options, test split.",
        "Can a Suit of Armor Conduct Electricity? A New Dataset for Open Book QA (Mihaylov et al. 2018)",
        "https://arxiv.org/abs/1809.02789",
    ),
    RcBenchmark(
        "socialiqa-rc",
        "Social IQa (RC)",
        _single("socialiqa_val"),
        33.33,
        LEN_NORM,
        "Social IQa questions about social situations with 3 options, validation split.",
        "SocialIQA: Commonsense Reasoning about Social Interactions (Sap et al. 2019)",
        "https://arxiv.org/abs/1904.09728",
    ),
    RcBenchmark(
        "winogrande-rc",
        "WinoGrande (RC)",
        _single("winogrande_val"),
        50.0,
        LEN_NORM,
        "WinoGrande pronoun resolution with 2 options (the sentence is completed with each option), "
        "validation split.",
        "WinoGrande: An Adversarial Winograd Schema Challenge at Scale (Sakaguchi et al. 2019)",
        "https://arxiv.org/abs/1907.10641",
    ),
    RcBenchmark(
        "boolq-rc",
        "BoolQ (RC)",
        _single("boolq_val"),
        50.0,
        RAW,
        "BoolQ yes/no questions about a passage, validation split.",
        "BoolQ: Exploring the Surprising Difficulty of Natural Yes/No Questions (Clark et al. 2019)",
        "https://arxiv.org/abs/1905.10044",
    ),
)
"""The ladder's RC benchmarks, in the order they are recorded."""

BENCHMARKS_BY_ID = {b.id: b for b in RC_BENCHMARKS}
