"""Read ``reported_scores_a.csv`` / ``reported_scores_b.csv``: one published score per row.

Each row becomes a :class:`ScoreDraft` (a score record without its id, model and provenance, which need
the model catalog) and contributes :class:`ModelFacts` (what the row says about its model: family,
HF repo, release date, size, tokens and the ``|| meta:`` note on where those came from).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from densing_data.importers.benchmarks_catalog import NOT_IMPORTED, BenchmarkCatalog
from densing_data.importers.catalogs import SourceCatalog, SourceInfo
from densing_data.importers.common import (
    RECORDED,
    CsvRow,
    ImportReport,
    clip,
    parse_cot,
    parse_date,
    parse_number,
    parse_shots,
    read_csv,
    scaled_int,
    split_meta,
)

REPORTED_FILES = ("reported_scores_a.csv", "reported_scores_b.csv")
COLUMNS = (
    "model",
    "family",
    "hf_repo",
    "release_date",
    "params_total_b",
    "params_active_b",
    "training_tokens_t",
    "benchmark",
    "score",
    "shots",
    "cot",
    "metric",
    "source_url",
    "source_locator",
    "notes",
)
COMPARISON_MARK = "(comparison only)"
"""Families marked like this in the seed carry no trustworthy metadata for their model."""

PROTOCOL_NOTES: dict[tuple[str, str], str] = {
    ("qwen2-blog", "humaneval"): "Qwen2 blog/report: HumanEval 0-shot with the EvalPlus protocol.",
    (
        "qwen2-blog",
        "mbpp",
    ): "Qwen2 blog/report: MBPP 0-shot with the EvalPlus protocol, not the classic 3-shot.",
    ("qwen2-blog", "gsm8k"): "Qwen2 blog says GSM8K 4-shot; the Qwen2 report text says 5-shot.",
    ("qwen2.5-blog", "mbpp"): "Qwen2.5 blog/report: MBPP 0-shot (EvalPlus style), not the classic 3-shot.",
    ("qwen2.5-blog", "humaneval"): "Qwen2.5 blog/report: HumanEval 0-shot (EvalPlus style).",
    ("qwen3-report", "mbpp"): "Qwen3 report: MBPP 3-shot (the classic protocol).",
    ("qwen-report", "mbpp"): "Qwen report: the table header says MBPP 3-shot, the text says 0-shot.",
}
"""(protocol, benchmark) -> protocol note worth repeating on every such score."""


@dataclass(frozen=True)
class ModelFacts:
    """What one seed row states about its model."""

    name: str
    family: str
    hf_repo: str
    release_date: dt.date | None
    params_total: int | None
    params_active: int | None
    training_tokens: int | None
    meta: str
    """The row's ``|| meta:`` note: where date, size and tokens came from."""
    comparison_only: bool
    row: CsvRow

    def metadata(self) -> tuple[Any, ...]:
        """The facts that must agree across the rows of one model."""
        return (
            self.family,
            self.hf_repo,
            self.release_date,
            self.params_total,
            self.params_active,
            self.training_tokens,
        )


@dataclass(frozen=True)
class ScoreDraft:
    """A score record still missing its id, model and provenance."""

    model_key: str
    """Seed name or HF repo id naming the model."""
    benchmark: str
    protocol: str
    fields: dict[str, Any]
    """Score record fields other than id, model and provenance."""
    source: SourceInfo
    row: CsvRow
    id_hints: tuple[str, ...]
    """Words that tell this score apart from another with the same model, benchmark, shots and protocol."""


def read_reported(
    path: Path, benchmarks: BenchmarkCatalog, sources: SourceCatalog, report: ImportReport
) -> tuple[list[ScoreDraft], list[ModelFacts]]:
    """Score drafts and model facts of one reported-scores file; bad values raise ``SeedError``."""
    drafts: list[ScoreDraft] = []
    facts: list[ModelFacts] = []
    for row in read_csv(path, COLUMNS):
        if not row.get("model"):
            raise row.error("column 'model' is empty")
        facts.append(_facts(row))
        name = row.get("benchmark")
        if name in NOT_IMPORTED:
            report.leave_out(
                f"score {row.get('model')} / {name}", NOT_IMPORTED[name], f"{path.name}:{row.line}"
            )
            continue
        if name not in benchmarks.ids_by_seed_name:
            raise row.error(f"column 'benchmark': unknown benchmark {name!r}; add it to seed_benchmarks.csv")
        drafts.append(_draft(row, benchmarks.ids_by_seed_name[name], sources))
    return drafts, facts


def _facts(row: CsvRow) -> ModelFacts:
    _, meta = split_meta(row.get("notes"))
    family = row.get("family")
    return ModelFacts(
        name=row.get("model"),
        family=family,
        hf_repo=row.get("hf_repo"),
        release_date=parse_date(row, "release_date"),
        params_total=scaled_int(parse_number(row, "params_total_b", lo=0.0, hi=10_000.0), 1e9),
        params_active=scaled_int(parse_number(row, "params_active_b", lo=0.0, hi=10_000.0), 1e9),
        training_tokens=scaled_int(parse_number(row, "training_tokens_t", lo=0.0, hi=1_000.0), 1e12),
        meta=meta,
        comparison_only=COMPARISON_MARK in family,
        row=row,
    )


def _draft(row: CsvRow, benchmark: str, sources: SourceCatalog) -> ScoreDraft:
    url = row.get("source_url")
    source = sources.find(url, row.get("source_locator"))
    if source is None:
        raise row.error(f"column 'source_url': {url!r} is not in seed_sources.csv (protocol unknown)")
    value = parse_number(row, "score", lo=0.0, hi=100.0)
    if value is None:
        raise row.error("column 'score' is empty")
    shots, shots_note = parse_shots(row)
    notes, _ = split_meta(row.get("notes"))
    protocol_notes = " ".join(n for n in (shots_note, PROTOCOL_NOTES.get((source.protocol, benchmark))) if n)
    fields: dict[str, Any] = {
        "benchmark": benchmark,
        "value": value,
        "metric": row.get("metric") or None,
        "shots": shots,
        "cot": parse_cot(row),
        "protocol": source.protocol,
        "protocol_notes": protocol_notes or None,
        "source": {"url": url, "locator": clip(row.get("source_locator")) or None},
        "recorded": RECORDED,
        "notes": clip(notes) if notes else None,
    }
    hints = (row.get("metric"), "cot" if fields["cot"] else "", _table(row.get("source_locator")))
    return ScoreDraft(row.get("model"), benchmark, source.protocol, fields, source, row, hints)


def _table(locator: str) -> str:
    """'table8' from a locator such as "SmolLM2 paper Table 8 '...'" (the first table named)."""
    words = locator.replace(",", " ").split()
    for i, word in enumerate(words[:-1]):
        if word.lower() == "table" and words[i + 1][:1].isdigit():
            return "table" + "".join(ch for ch in words[i + 1] if ch.isdigit())
    return ""
