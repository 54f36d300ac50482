"""Protocol families: which score protocols count as one harness or published standard.

A score record names its protocol with a slug (``obsscaling``, ``qwen2.5-blog``, ``olmes-...``). A
*family* groups the slugs whose scores were measured the same way (same harness, shots and
formulation), so a track can take every score of its family and refuse the rest. This is the one
place that says which slug belongs to which family.
"""

from __future__ import annotations

import re

PROTOCOL_FAMILIES: dict[str, str] = {
    "obsscaling": (
        "ObsScaling's own lm-evaluation-harness runs with the Open LLM Leaderboard v1 settings "
        "(ARC-Challenge 25-shot, HellaSwag 10-shot, WinoGrande 5-shot, MMLU 5-shot, GSM8K 5-shot, "
        "TruthfulQA 0-shot), one harness for every model"
    ),
    "olmes": (
        "AI2's OLMES standard in its cloze (RC) formulation: 5-shot, answer continuations scored by "
        "per-character normalised likelihood (Gu et al. 2024, arXiv 2406.08446)"
    ),
}
"""Family id -> the protocol in plain words."""

_FAMILY_SLUGS: dict[str, re.Pattern[str]] = {
    "obsscaling": re.compile(r"^obsscaling$"),
    "olmes": re.compile(r"(^|[-_.])olmes([-_.]|$)"),
}
"""Family id -> the slugs it holds: ``obsscaling`` exactly (its leaderboard-v2 runs are another
protocol); any slug with ``olmes`` as a word (``olmes``, ``olmes-olmo2-report``, ``datadecide-olmes``)."""


def protocol_family(slug: object) -> str | None:
    """The family of protocol ``slug``, or None when it belongs to none."""
    text = str(slug or "")
    for family, pattern in _FAMILY_SLUGS.items():
        if pattern.search(text):
            return family
    return None


def in_family(slug: object, family: str) -> bool:
    """True when ``slug`` belongs to ``family`` (a family id above, or else one exact slug)."""
    return protocol_family(slug) == family or str(slug) == family


def family_patterns() -> dict[str, str]:
    """Family id -> the regular expression of its slugs (also valid in JavaScript: the site's
    calculator reads them from calculator.json)."""
    return {family: pattern.pattern for family, pattern in _FAMILY_SLUGS.items()}
