"""Every flag the fitter puts on a reading, explained in one plain-words line.

This is the only copy: ``densing fit`` writes it to ``flags.json`` and the site reads it from
there, so a new flag is explained everywhere once it is explained here.
"""

from __future__ import annotations

FLAG_EXPLANATIONS: dict[str, str] = {
    "below_ruler": (
        "The score is at or below what the ruler's smallest reach can place, so the effective size is "
        "only an upper bound (at most the value shown)."
    ),
    "above_ruler": (
        "The score is beyond what the ruler's largest reach can place, so the effective size is only a "
        "lower bound (at least the value shown)."
    ),
    "protocol_mismatch": (
        "A score measured with other shots or chain-of-thought than the ruler's was used (only when asked "
        "for with --include-mismatched); the reading is not comparable."
    ),
    "protocol_unstated": (
        "A score whose source does not state its shots or chain-of-thought was used; it may not match the "
        "ruler's protocol, so the reading is not ranked among the citable ones."
    ),
    "protocol_left_out": (
        "Some of the model's scores were measured under another protocol than this track's and were left "
        "out (shown on the model page and in the downloads)."
    ),
    "bridged": (
        "A score was converted from another protocol by a bridge fitted on models measured under both; "
        "the bridge's error is included in the interval."
    ),
    "chained": (
        "A score beyond the ruler's own reference family was read on a newer family chained onto it "
        "(in the ruler's units); the link's error is included in the interval."
    ),
    "extrapolated": (
        "The effective size lies outside the sizes of the ruler's reference models; the error that "
        "extrapolating this ruler was measured to make (its back-test) is included in the interval."
    ),
    "reference_model": (
        "The model is one of the ruler's own reference models: its reading only restates the curve it "
        "was fitted to, so it is shown and ranked but kept out of the trend."
    ),
    "imprecise": (
        "The 90% interval of the effective size spans more than a factor of 100 (a score near the top of "
        "what the ruler can place), so the reading is shown but neither ranked nor fitted in the trend."
    ),
    "missing_benchmarks": "The model has no usable score on some benchmarks of the track's set.",
    "too_few_benchmarks": (
        "Too few benchmarks gave an effective size for an aggregate, so the model has no density here."
    ),
    "not_base": (
        "Not a base model (instruction-tuned, chat, pruned, distilled ...): shown, but kept out of the "
        "trend, which the paper fits on base models."
    ),
    "no_ruler": "The ruler could not be fitted on this benchmark, so the score was not read.",
}
"""Flag -> one plain-words line (the site's tooltips and legend)."""

CITE_BLOCKERS = frozenset(
    {"below_ruler", "above_ruler", "imprecise", "protocol_mismatch", "protocol_unstated", "not_base"}
)
"""A reading carrying any of these flags is not ``citable``."""


def explain(flags: str) -> list[str]:
    """The explanation of each flag in a ``;``-joined flags cell (unknown flags are named as such)."""
    return [
        FLAG_EXPLANATIONS.get(flag, f"{flag}: no explanation recorded")
        for flag in (f for f in flags.split(";") if f)
    ]
