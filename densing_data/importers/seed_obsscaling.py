"""Read the ObsScaling uniform measurements (Ruan et al. 2024, Apache-2.0) under ``SEED/obsscaling/``.

One harness measured every model, so each file is its own protocol: ``obsscaling`` (Open LLM
Leaderboard v1 settings) and ``obsscaling-leaderboard-v2`` (Open LLM Leaderboard v2 tasks). Values are
fractions and become percent. ``base_llm_benchmark_eval_sub_10b.csv`` is the sub-10B subset of the main
file: it is checked to agree with it and then not imported a second time.

Some cells of the main file were not measured by ObsScaling's harness but transcribed from the model
developer's publications (three decimals where measured cells carry full float precision). The curated
table ``data/obsscaling_transcribed.csv`` lists them; they are imported under protocol
``obsscaling-transcribed``, which the uniform-harness track does not read, so rerunning the importer
agrees with the stored corrections instead of asking to undo them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from densing_data.importers.benchmarks_catalog import BenchmarkCatalog
from densing_data.importers.catalogs import SourceInfo
from densing_data.importers.common import (
    RECORDED,
    CsvRow,
    ImportReport,
    SeedError,
    parse_date,
    parse_number,
    read_csv,
)
from densing_data.importers.seed_reported import ScoreDraft

REPO = "https://github.com/ryoungj/ObsScaling"
COMMIT = "4d6e1e43fd2635d04654aa77d1df9d5266ea0382"
PAPER = "https://arxiv.org/abs/2405.10938"
BY = "ObsScaling (Ruan et al. 2024)"
ORGANIZATION = "ObsScaling authors"
MAIN_FILE = "base_llm_benchmark_eval.csv"
SUBSET_FILE = "base_llm_benchmark_eval_sub_10b.csv"
V2_FILE = "base_llm_leaderboard_v2_eval.csv"

MAIN_SHOTS = {"MMLU": 5, "ARC-C": 25, "HellaSwag": 10, "Winograd": 5, "TruthfulQA": 0, "GSM8K": 5}
"""Shots stated for the Open LLM Leaderboard v1 settings (seed README); XWinograd and HumanEval unstated."""
MAIN_COLUMNS = ("MMLU", "ARC-C", "HellaSwag", "Winograd", "TruthfulQA", "GSM8K", "XWinograd", "HumanEval")
V2_COLUMNS = (
    "leaderboard_bbh",
    "leaderboard_gpqa",
    "leaderboard_ifeval",
    "leaderboard_math_hard",
    "leaderboard_mmlu_pro",
    "leaderboard_musr",
)
V2_SHOTS = {
    "leaderboard_bbh": 3,
    "leaderboard_gpqa": 0,
    "leaderboard_ifeval": 0,
    "leaderboard_math_hard": 4,
    "leaderboard_mmlu_pro": 5,
    "leaderboard_musr": 0,
}
"""Shots fixed by the lm-evaluation-harness ``leaderboard_*`` task definitions (Open LLM Leaderboard v2)."""
V2_MULTIPLE_CHOICE = {"leaderboard_bbh", "leaderboard_gpqa", "leaderboard_mmlu_pro", "leaderboard_musr"}
"""v2 tasks scored by log-likelihood over the options: no chain of thought is generated."""
META_COLUMNS = ("Model", "Model Family", "Model Size (B)", "Pretraining Data Size (T)", "FLOPs (1E21)")
PROTOCOL_NOTES = {
    "obsscaling": (
        "ObsScaling's own lm-evaluation-harness runs with Open LLM Leaderboard v1 settings "
        "(MMLU 5-shot, ARC-C 25-shot, HellaSwag 10-shot, WinoGrande 5-shot, TruthfulQA 0-shot, GSM8K 5-shot; "
        "XWinograd and HumanEval settings not stated in the seed); fraction x 100."
    ),
    "obsscaling-leaderboard-v2": (
        "ObsScaling's runs of the Open LLM Leaderboard v2 tasks (lm-evaluation-harness 'leaderboard_*' task "
        "definitions; BBH, GPQA, MuSR and MMLU-Pro are scored as multiple choice by log-likelihood, not "
        "generated); raw task scores, not the leaderboard's baseline-normalised ones; fraction x 100."
    ),
}
TRANSCRIBED = "obsscaling-transcribed"
"""Protocol of the main file's cells transcribed from developers' publications, not measured."""
TRANSCRIBED_CSV = Path(__file__).with_name("data") / "obsscaling_transcribed.csv"
PROTOCOL_NOTES[TRANSCRIBED] = (
    "A cell of ObsScaling's results CSV transcribed from the model developer's publications (three "
    "decimals), not measured by ObsScaling's lm-evaluation-harness runs; shots as ObsScaling's column states."
)
SOURCES = {
    "obsscaling": SourceInfo("obsscaling", BY, ORGANIZATION),
    "obsscaling-leaderboard-v2": SourceInfo("obsscaling-leaderboard-v2", BY, ORGANIZATION),
}


@dataclass(frozen=True)
class ObsModelFacts:
    """What ObsScaling states about a model."""

    repo: str
    family: str
    params_total: int | None
    training_tokens: int | None
    row: CsvRow


@dataclass(frozen=True)
class TranscribedCell:
    """A main-file cell that ObsScaling transcribed instead of measuring."""

    reclassified: dt.date
    """The day it was moved to :data:`TRANSCRIBED` (its record's ``recorded`` date)."""
    why: str
    row: CsvRow


def load_transcribed(path: Path = TRANSCRIBED_CSV) -> dict[tuple[str, str], TranscribedCell]:
    """(model repo, column) -> the transcribed cell (empty when there is no file, as for the other
    curated tables); a repeated cell, an unknown column or a missing date raises :class:`SeedError`
    at its line."""
    cells: dict[tuple[str, str], TranscribedCell] = {}
    if not path.exists():
        return cells
    for row in read_csv(path, ("model", "column", "reclassified", "why")):
        key = (row.get("model"), row.get("column"))
        if key[1] not in MAIN_SHOTS:
            known = sorted(MAIN_SHOTS)
            raise row.error(f"column {key[1]!r} is not one of {MAIN_FILE}'s measured columns {known}")
        if key in cells:
            raise row.error(f"{key[0]} / {key[1]} is listed twice (first at line {cells[key].row.line})")
        date = parse_date(row, "reclassified")
        if date is None or not row.get("why"):
            raise row.error("columns 'reclassified' (a date) and 'why' must not be empty")
        cells[key] = TranscribedCell(date, row.get("why"), row)
    return cells


def file_url(name: str) -> str:
    """URL of an ObsScaling results file at the pinned commit."""
    return f"{REPO}/blob/{COMMIT}/eval_results/{name}"


def read_obsscaling(
    folder: Path,
    benchmarks: BenchmarkCatalog,
    report: ImportReport,
    transcribed_csv: Path = TRANSCRIBED_CSV,
) -> tuple[list[ScoreDraft], list[ObsModelFacts]]:
    """Score drafts and model facts from the ObsScaling files in ``folder``; the cells listed in
    ``transcribed_csv`` get protocol :data:`TRANSCRIBED`."""
    main = read_csv(folder / MAIN_FILE, META_COLUMNS + MAIN_COLUMNS)
    transcribed = load_transcribed(transcribed_csv)
    _check_transcribed(main, transcribed)
    drafts = [
        d for row in main for d in _row_drafts(row, MAIN_COLUMNS, "obsscaling", benchmarks, transcribed)
    ]
    facts = [_facts(row) for row in main]
    _check_subset(main, folder / SUBSET_FILE, report)
    v2 = read_csv(folder / V2_FILE, ("Model", *V2_COLUMNS))
    known = {row.get("Model") for row in main}
    for row in v2:
        if row.get("Model") not in known:
            raise row.error(f"model {row.get('Model')!r} is not in {MAIN_FILE}")
    drafts += [d for row in v2 for d in _row_drafts(row, V2_COLUMNS, "obsscaling-leaderboard-v2", benchmarks)]
    empty = [
        f"{row.get('Model')} ({', '.join(c for c in MAIN_COLUMNS if row.get(c) == '')})"
        for row in main
        if any(row.get(c) == "" for c in MAIN_COLUMNS)
    ]
    empty += [
        f"{row.get('Model')} (v2: {', '.join(c for c in V2_COLUMNS if row.get(c) == '')})"
        for row in v2
        if any(row.get(c) == "" for c in V2_COLUMNS)
    ]
    if empty:
        report.notes.append(f"ObsScaling cells without a value (no score to import): {'; '.join(empty)}")
    return drafts, facts


def _facts(row: CsvRow) -> ObsModelFacts:
    size = parse_number(row, "Model Size (B)", lo=0.0, hi=10_000.0)
    tokens = parse_number(row, "Pretraining Data Size (T)", lo=0.0, hi=1_000.0)
    return ObsModelFacts(
        repo=row.get("Model"),
        family=row.get("Model Family"),
        params_total=None if size is None else round(size * 1e9),
        training_tokens=None if tokens is None else round(tokens * 1e12),
        row=row,
    )


def _check_transcribed(main: list[CsvRow], transcribed: dict[tuple[str, str], TranscribedCell]) -> None:
    """Refuse a listed cell that names no model of the main file, or an empty cell."""
    by_model = {row.get("Model"): row for row in main}
    for (model, column), cell in transcribed.items():
        row = by_model.get(model)
        if row is None:
            raise cell.row.error(f"model {model!r} is not in {MAIN_FILE}")
        if row.get(column) == "":
            raise cell.row.error(f"{MAIN_FILE}:{row.line} has no value in column {column!r}")


def _row_drafts(
    row: CsvRow,
    columns: tuple[str, ...],
    file_protocol: str,
    benchmarks: BenchmarkCatalog,
    transcribed: dict[tuple[str, str], TranscribedCell] | None = None,
) -> list[ScoreDraft]:
    drafts = []
    for column in columns:
        fraction = parse_number(row, column, lo=0.0, hi=1.0)
        if fraction is None:
            continue
        bench = benchmarks.ids_by_seed_name[column]
        cell = (transcribed or {}).get((row.get("Model"), column))
        protocol = TRANSCRIBED if cell else file_protocol
        fields: dict[str, Any] = {
            "benchmark": bench,
            "value": round(fraction * 100.0, 6),
            "metric": None,
            "shots": MAIN_SHOTS.get(column) if file_protocol == "obsscaling" else V2_SHOTS[column],
            "cot": False if column in V2_MULTIPLE_CHOICE else None,
            "protocol": protocol,
            "protocol_notes": PROTOCOL_NOTES[protocol],
            "source": {
                "url": file_url(row.path.name),
                "locator": f"row '{row.get('Model')}', column '{column}' (value {row.get(column)})",
            },
            "recorded": cell.reclassified if cell else RECORDED,
            "notes": f"Cite: Observational Scaling Laws and the Predictability of Language Model Performance "
            f"(Ruan et al. 2024, {PAPER}); data Apache-2.0.",
        }
        source = SOURCES[file_protocol]
        drafts.append(ScoreDraft(row.get("Model"), bench, protocol, fields, source, row, ()))
    return drafts


def _check_subset(main: list[CsvRow], subset_path: Path, report: ImportReport) -> None:
    """Refuse a sub-10B file that disagrees with the main file; otherwise note that it is skipped."""
    by_model = {row.get("Model"): row for row in main}
    subset = read_csv(subset_path, META_COLUMNS + MAIN_COLUMNS)
    for row in subset:
        other = by_model.get(row.get("Model"))
        if other is None:
            raise row.error(f"model {row.get('Model')!r} is not in {MAIN_FILE}")
        for column in MAIN_COLUMNS:
            a, b = parse_number(row, column), parse_number(other, column)
            if (a is None) != (b is None) or (a is not None and b is not None and abs(a - b) > 1e-9):
                raise SeedError(
                    subset_path,
                    row.line,
                    f"column {column!r}: {row.get(column)!r} disagrees with {MAIN_FILE}:{other.line} "
                    f"({other.get(column)!r})",
                )
    report.notes.append(
        f"ObsScaling {SUBSET_FILE}: its {len(subset)} rows repeat rows of {MAIN_FILE} (values agree "
        "to 1e-9), so they are not imported a second time"
    )
