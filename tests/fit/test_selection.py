"""Which score is used when several exist: protocol, then provenance, then recency, then id."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from densing_fit.reading.selection import (
    MATCHED,
    MISMATCHED,
    SAME_PROTOCOL,
    UNSTATED,
    Setting,
    protocol_rank,
    select_scores,
)

SETTING = Setting(shots=5, cot=False, protocol="family-report")


def _scores(*rows: tuple) -> pd.DataFrame:
    columns = ["id", "model", "benchmark", "value", "shots", "cot", "protocol", "provenance_kind", "recorded"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["shots"] = frame["shots"].astype("Int64")
    frame["cot"] = frame["cot"].astype("boolean")
    frame["recorded"] = pd.to_datetime(frame["recorded"])
    return frame


def test_protocol_ranks() -> None:
    assert protocol_rank(0, None, "family-report", SETTING) == SAME_PROTOCOL
    assert protocol_rank(5, False, "other", SETTING) == MATCHED
    assert protocol_rank(5, None, "other", SETTING) == UNSTATED
    assert protocol_rank(None, None, "other", SETTING) == UNSTATED
    assert protocol_rank(0, False, "other", SETTING) == MISMATCHED
    assert protocol_rank(5, True, "other", SETTING) == MISMATCHED


def test_preference_order_is_protocol_then_provenance_then_recency_then_id() -> None:
    day = dt.date(2026, 1, 1)
    later = dt.date(2026, 6, 1)
    scores = _scores(
        ("m.a", "m", "mmlu", 60.0, 0, False, "x", "developer", later),  # mismatched: last
        ("m.b", "m", "mmlu", 61.0, 5, None, "x", "developer", later),  # unstated cot
        ("m.c", "m", "mmlu", 62.0, 5, False, "x", "third_party", later),  # matched, third party
        ("m.d", "m", "mmlu", 63.0, 5, False, "x", "developer", day),  # matched, developer, older
        ("m.e", "m", "mmlu", 64.0, 5, False, "x", "developer", later),  # matched, developer, newer
        ("m.f", "m", "mmlu", 65.0, 5, False, "x", "developer", later),  # same as e, larger id
    )
    chosen = select_scores(scores, {"mmlu": SETTING})
    assert chosen["score_id"].tolist() == ["m.e"]
    for dropped, expected in (("m.e", "m.f"), ("m.f", "m.d"), ("m.d", "m.c"), ("m.c", "m.b"), ("m.b", "m.a")):
        scores = scores[scores["id"] != dropped]
        chosen = select_scores(scores, {"mmlu": SETTING})
        assert chosen["score_id"].tolist() == [expected]
    assert chosen["mismatch"].tolist() == [True]


def test_family_protocol_beats_everything_and_other_benchmarks_are_ignored() -> None:
    scores = _scores(
        ("m.a", "m", "mmlu", 60.0, 5, False, "x", "developer", dt.date(2026, 1, 1)),
        ("m.b", "m", "mmlu", 50.0, None, None, "family-report", "evaluator", dt.date(2020, 1, 1)),
        ("m.c", "m", "gsm8k", 50.0, 5, False, "x", "developer", dt.date(2026, 1, 1)),
    )
    chosen = select_scores(scores, {"mmlu": SETTING})
    assert chosen[["score_id", "protocol_rank"]].values.tolist() == [["m.b", SAME_PROTOCOL]]
