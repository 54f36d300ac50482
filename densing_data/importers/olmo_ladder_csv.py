"""Reading the OLMo model-ladder CSV (``ladders/olmo_ladder_bhagia2024.csv`` of the seed data) strictly.

The file is long: one row per (run, checkpoint, task, metric). This module checks every row and groups
the RC-format rows (``rc_bpb`` task loss and ``rc_acc`` accuracy) into one :class:`LadderCheckpoint`
per (run, checkpoint). The other metrics of the file (``lm_loss``, ``rc_prob``, ``rc_logprob``,
``mc_acc``) are not reference measurements of this ruler and are passed over by design. Any row that
breaks the expected shape raises :class:`LadderCsvError` naming the file and line.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

COLUMNS = (
    "source",
    "model",
    "params",
    "tokens",
    "step",
    "final",
    "task",
    "metric",
    "value",
    "stderr",
    "shots",
    "notes",
)
"""The CSV header, in order."""

RC_TASKS = (
    "mmlu_stem_test",
    "mmlu_humanities_test",
    "mmlu_social_sciences_test",
    "mmlu_other_test",
    "hellaswag_val",
    "arc_easy_test",
    "arc_challenge_test",
    "boolq_val",
    "csqa_val",
    "openbookqa_test",
    "piqa_val",
    "socialiqa_val",
    "winogrande_val",
)
"""Tasks with RC-format loss and accuracy at every checkpoint."""

RC_METRICS = ("rc_bpb", "rc_acc")
"""Metrics read: task loss in bits per byte, and accuracy as a fraction."""

OTHER_METRICS = frozenset({"lm_loss", "rc_prob", "rc_logprob", "mc_acc"})
"""Metrics of the file that this import does not use."""

SOURCE_NAME = "olmo-ladder"
RC_SHOTS = 5


class LadderCsvError(Exception):
    """A row of the ladder CSV that does not have the expected shape."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclass(frozen=True)
class LadderCheckpoint:
    """One evaluated checkpoint of one training run, with its RC-format measurements."""

    run: str
    """Run name as the CSV writes it, such as ``190M-0.5xC`` or ``7B-4T``."""
    params: int
    """N: all parameters except the input embedding."""
    tokens: int
    """D: training tokens seen at this checkpoint."""
    step: int | None
    """Optimizer step; None when the source did not log it (the 7B anneal row)."""
    final: bool
    """True for the last, learning-rate-annealed checkpoint of the run."""
    notes: str
    """The CSV ``notes`` of the checkpoint's rows (empty when none)."""
    line: int
    """CSV line of the checkpoint's first row."""
    values: Mapping[tuple[str, str], float] = field(default_factory=dict)
    """(task, metric) -> value, for every task of :data:`RC_TASKS` and metric of :data:`RC_METRICS`."""


@dataclass
class _Builder:
    run: str
    params: int
    tokens: int
    step: int | None
    final: bool
    notes: str
    line: int
    values: dict[tuple[str, str], float] = field(default_factory=dict)


def read_ladder_csv(path: Path) -> list[LadderCheckpoint]:
    """Every checkpoint of the CSV at ``path``, in file order; raise :class:`LadderCsvError` on bad rows."""
    path = Path(path)
    builders: dict[tuple[str, int | None], _Builder] = {}
    for line, row in _rows(path):
        if row["metric"] in OTHER_METRICS:
            continue
        _add_row(path, line, row, builders)
    checkpoints = [_finish(path, b) for b in builders.values()]
    _check_runs(path, checkpoints)
    return checkpoints


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as err:
        raise LadderCsvError(path, 0, f"cannot read the ladder CSV: {err.strerror}") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None or tuple(header) != COLUMNS:
                raise LadderCsvError(path, 1, f"expected the header {','.join(COLUMNS)}, got {header!r}")
            for row in reader:
                if len(row) != len(COLUMNS):
                    raise LadderCsvError(
                        path, reader.line_num, f"expected {len(COLUMNS)} columns, got {len(row)}"
                    )
                yield reader.line_num, dict(zip(COLUMNS, row, strict=True))
        except (csv.Error, UnicodeDecodeError) as err:
            raise LadderCsvError(path, reader.line_num, f"not a readable CSV row: {err}") from None


def _int(path: Path, line: int, row: dict[str, str], column: str, minimum: int) -> int:
    text = row[column]
    if not text.isdigit() or int(text) < minimum:
        raise LadderCsvError(path, line, f"column {column!r} must be an integer >= {minimum}, got {text!r}")
    return int(text)


def _value(path: Path, line: int, row: dict[str, str]) -> float:
    text = row["value"]
    try:
        value = float(text)
    except ValueError:
        raise LadderCsvError(path, line, f"column 'value' must be a number, got {text!r}") from None
    metric = row["metric"]
    if not math.isfinite(value) or value < 0:
        raise LadderCsvError(path, line, f"{metric} must be a finite number >= 0, got {text!r}")
    if metric == "rc_acc" and value > 1:
        raise LadderCsvError(path, line, f"rc_acc is a fraction in [0, 1], got {text!r}")
    if metric == "rc_bpb" and value == 0:
        raise LadderCsvError(path, line, "rc_bpb (a loss in bits per byte) must be > 0, got 0")
    return value


def _add_row(
    path: Path, line: int, row: dict[str, str], builders: dict[tuple[str, int | None], _Builder]
) -> None:
    if row["source"] != SOURCE_NAME:
        raise LadderCsvError(path, line, f"column 'source' must be {SOURCE_NAME!r}, got {row['source']!r}")
    if row["metric"] not in RC_METRICS:
        expected = sorted({*RC_METRICS, *OTHER_METRICS})
        raise LadderCsvError(path, line, f"unknown metric {row['metric']!r}; expected one of {expected}")
    if row["task"] not in RC_TASKS:
        raise LadderCsvError(path, line, f"unknown RC task {row['task']!r}; expected one of {list(RC_TASKS)}")
    if row["shots"] not in (str(RC_SHOTS), f"{RC_SHOTS}.0"):
        raise LadderCsvError(path, line, f"RC rows are {RC_SHOTS}-shot, got shots {row['shots']!r}")
    run = row["model"].strip()
    if not run:
        raise LadderCsvError(path, line, "column 'model' (the run name) is empty")
    step = None if row["step"] == "" else _int(path, line, row, "step", 0)
    if row["final"] not in ("0", "1"):
        raise LadderCsvError(path, line, f"column 'final' must be 0 or 1, got {row['final']!r}")
    params = _int(path, line, row, "params", 1)
    tokens = _int(path, line, row, "tokens", 0)
    value = _value(path, line, row)
    key = (run, step)
    held = builders.get(key)
    if held is None:
        held = builders[key] = _Builder(
            run, params, tokens, step, row["final"] == "1", row["notes"].strip(), line
        )
    seen = (held.params, held.tokens, held.final)
    if (params, tokens, row["final"] == "1") != seen:
        raise LadderCsvError(
            path,
            line,
            f"run {run!r} step {step}: params/tokens/final {params}/{tokens}/{row['final']} differ from "
            f"line {held.line} ({seen[0]}/{seen[1]}/{int(seen[2])})",
        )
    measurement = (row["task"], row["metric"])
    if measurement in held.values:
        raise LadderCsvError(
            path, line, f"run {run!r} step {step}: {measurement[0]} {measurement[1]} repeated"
        )
    held.values[measurement] = value


def _finish(path: Path, b: _Builder) -> LadderCheckpoint:
    missing = [f"{t} {m}" for t in RC_TASKS for m in RC_METRICS if (t, m) not in b.values]
    if missing:
        raise LadderCsvError(
            path,
            b.line,
            f"run {b.run!r} step {b.step}: missing {len(missing)} RC measurement(s), such as {missing[0]}; "
            "every checkpoint needs rc_bpb and rc_acc for all 13 RC tasks",
        )
    return LadderCheckpoint(
        run=b.run,
        params=b.params,
        tokens=b.tokens,
        step=b.step,
        final=b.final,
        notes=b.notes,
        line=b.line,
        values=dict(b.values),
    )


def _check_runs(path: Path, checkpoints: list[LadderCheckpoint]) -> None:
    """Each run: one N, exactly one final checkpoint, and that one the furthest trained."""
    by_run: dict[str, list[LadderCheckpoint]] = {}
    for checkpoint in checkpoints:
        by_run.setdefault(checkpoint.run, []).append(checkpoint)
    for run, items in by_run.items():
        first = items[0]
        for item in items:
            if item.params != first.params:
                raise LadderCsvError(
                    path,
                    item.line,
                    f"run {run!r}: params {item.params} differ from {first.params} at line {first.line}",
                )
        finals = [c for c in items if c.final]
        if len(finals) != 1:
            where = finals[1].line if finals else first.line
            raise LadderCsvError(path, where, f"run {run!r} has {len(finals)} final checkpoints, expected 1")
        furthest = max(items, key=lambda c: c.tokens)
        if furthest.tokens > finals[0].tokens:
            raise LadderCsvError(
                path,
                furthest.line,
                f"run {run!r}: checkpoint at {furthest.tokens} tokens lies beyond the final one "
                f"({finals[0].tokens} tokens, line {finals[0].line})",
            )
