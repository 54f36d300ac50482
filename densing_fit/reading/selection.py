"""Which score of a model on a benchmark is used: one deterministic choice per (model, benchmark).

Several score records may exist for one model and benchmark (sources that disagree, different
protocols). The fitter takes, in this order of preference:

1. the score whose protocol matches the ruler's setting — same protocol slug as a direct ruler's
   family first, then stated shots and CoT equal to the setting, then shots/CoT unstated; a score
   whose stated shots or CoT differ from the setting comes last (``protocol_mismatch``);
2. provenance: the developer's own report, then third parties, then this project's evaluator
   (the paper takes developers' technical reports first);
3. the most recently recorded;
4. the smallest record id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

PROVENANCE_RANK = {"developer": 0, "third_party": 1, "evaluator": 2}
"""Preference among provenance kinds (lower first)."""

SAME_PROTOCOL, MATCHED, UNSTATED, MISMATCHED = 0, 1, 2, 3
"""Protocol ranks of a score against a ruler's setting (lower is preferred)."""


@dataclass(frozen=True)
class Setting:
    """The evaluation setting a ruler's scores on one benchmark were measured under."""

    shots: int | None
    """In-context examples; None when unknown."""
    cot: bool | None
    """Chain-of-thought prompting; None when unknown."""
    protocol: str | None = None
    """A direct ruler's protocol slug (scores with the same slug match best); None for two-step rulers."""

    def as_dict(self) -> dict[str, object]:
        """The setting as a JSON-ready mapping."""
        return {"shots": self.shots, "cot": self.cot, "protocol": self.protocol}


def _known(value: object) -> bool:
    return value is not None and not pd.isna(value)


def protocol_rank(shots: object, cot: object, protocol: object, setting: Setting) -> int:
    """Rank of a score measured with ``shots``/``cot``/``protocol`` against ``setting``."""
    if setting.protocol is not None and protocol == setting.protocol:
        return SAME_PROTOCOL
    stated = True
    for value, wanted in ((shots, setting.shots), (cot, setting.cot)):
        if wanted is None:
            continue
        if not _known(value):
            stated = False
        elif value != wanted:
            return MISMATCHED
    return MATCHED if stated else UNSTATED


def select_scores(scores: pd.DataFrame, settings: Mapping[str, Setting]) -> pd.DataFrame:
    """One chosen score row per (model, benchmark) for the benchmarks in ``settings``.

    Columns: ``model, benchmark, score_id, value, shots, cot, protocol, protocol_rank, mismatch,
    shots_unstated``, sorted by model then benchmark.
    """
    columns = [
        "model",
        "benchmark",
        "score_id",
        "value",
        "shots",
        "cot",
        "protocol",
        "protocol_rank",
        "mismatch",
        "shots_unstated",
    ]
    wanted = scores[scores["benchmark"].isin(list(settings))]
    if wanted.empty:
        return pd.DataFrame(columns=columns)
    ranks = [
        protocol_rank(shots, cot, protocol, settings[bench])
        for shots, cot, protocol, bench in zip(
            wanted["shots"].astype(object),
            wanted["cot"].astype(object),
            wanted["protocol"].astype(object),
            wanted["benchmark"],
            strict=True,
        )
    ]
    frame = pd.DataFrame(
        {
            "model": wanted["model"].astype(str).to_numpy(),
            "benchmark": wanted["benchmark"].astype(str).to_numpy(),
            "score_id": wanted["id"].astype(str).to_numpy(),
            "value": wanted["value"].astype(float).to_numpy(),
            "shots": wanted["shots"].astype(object).to_numpy(),
            "cot": wanted["cot"].astype(object).to_numpy(),
            "protocol": wanted["protocol"].astype(str).to_numpy(),
            "protocol_rank": ranks,
            "provenance_rank": wanted["provenance_kind"]
            .astype(str)
            .map(PROVENANCE_RANK)
            .fillna(9)
            .to_numpy(),
            "recorded": pd.to_datetime(wanted["recorded"]).to_numpy(),
        }
    )
    frame = frame.sort_values(
        ["model", "benchmark", "protocol_rank", "provenance_rank", "recorded", "score_id"],
        ascending=[True, True, True, True, False, True],
        kind="mergesort",
    )
    chosen = frame.groupby(["model", "benchmark"], sort=True).head(1).copy()
    chosen["mismatch"] = chosen["protocol_rank"] == MISMATCHED
    chosen["shots_unstated"] = [not _known(v) for v in chosen["shots"]]
    return chosen[columns].reset_index(drop=True)


def family_setting(chosen: pd.DataFrame, protocol: str, default: Setting) -> Setting:
    """The setting of a direct ruler's family on one benchmark: the most common stated shots and
    CoT among its chosen scores, else the benchmark's defaults."""
    shots = _mode(chosen["shots"], default.shots)
    cot = _mode(chosen["cot"], default.cot)
    return Setting(
        shots=None if shots is None else int(shots),  # type: ignore[call-overload]
        cot=None if cot is None else bool(cot),
        protocol=protocol,
    )


def _mode(values: pd.Series, fallback: object) -> object:
    known = [v for v in values if _known(v)]
    if not known:
        return fallback
    counts = pd.Series(known).value_counts(sort=False)
    best = counts.max()
    return sorted(v for v, c in counts.items() if c == best)[0]
