"""Shared pieces of the seed importers: CSV rows that remember their file and line, value parsers that
fail with a message naming both, and the report of what an import did and did not take in."""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

RECORDED = dt.date(2026, 11, 23)
"""Date the seed records are added to the data package."""

DATA_DIR = Path(__file__).resolve().parent / "data"
"""Curated tables shipped with the importers (benchmarks, sources, models, release dates)."""


class SeedError(Exception):
    """A seed value that cannot be turned into a record; the message names the file and line."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = str(path)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class CsvRow:
    """One data row of a CSV file, with where it came from."""

    path: Path
    """The CSV file."""
    line: int
    """1-based line of the row in the file (the header is line 1)."""
    values: dict[str, str]
    """Column -> cell text, stripped of surrounding whitespace."""

    def get(self, column: str) -> str:
        """The cell of ``column`` ('' when empty)."""
        return self.values.get(column, "")

    def error(self, message: str) -> SeedError:
        """A :class:`SeedError` located at this row."""
        return SeedError(self.path, self.line, message)


def read_csv(path: Path, required: Sequence[str]) -> list[CsvRow]:
    """Rows of ``path``; raise :class:`SeedError` when the file or a required column is missing."""
    if not path.is_file():
        raise SeedError(path, 0, "file not found")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            raise SeedError(path, 1, f"missing column(s) {missing}; header is {header}")
        rows = []
        for values in reader:
            if None in values:
                raise SeedError(path, reader.line_num, f"more cells than the {len(header)} header columns")
            rows.append(CsvRow(path, reader.line_num, {k: (v or "").strip() for k, v in values.items()}))
        return rows


def parse_number(
    row: CsvRow, column: str, *, lo: float | None = None, hi: float | None = None
) -> float | None:
    """The float in ``column`` (None when empty); a clear error when it is not a finite number in range."""
    text = row.get(column)
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise row.error(f"column {column!r}: expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise row.error(f"column {column!r}: expected a finite number, got {text!r}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise row.error(f"column {column!r}: {text} is outside [{lo}, {hi}]")
    return value


def parse_shots(row: CsvRow, column: str = "shots") -> tuple[int | None, str | None]:
    """(shots, note): an integer, or None with a note for ranges such as '3-5'; empty means unstated."""
    text = row.get(column)
    if text == "":
        return None, None
    if text.isdigit() and int(text) <= 100:
        return int(text), None
    if re.fullmatch(r"\d+-\d+", text):
        return None, f"the source states {text} shots (a range), so shots is left empty"
    raise row.error(
        f"column {column!r}: expected a shot count such as 5 or a range such as 3-5, got {text!r}"
    )


def parse_cot(row: CsvRow, column: str = "cot") -> bool | None:
    """True when the cell says true, None when empty (the seed never writes false)."""
    text = row.get(column).lower()
    if text == "":
        return None
    if text in ("true", "false"):
        return text == "true"
    raise row.error(f"column {column!r}: expected true, false or empty, got {row.get(column)!r}")


def parse_date(row: CsvRow, column: str) -> dt.date | None:
    """The ISO date in ``column`` (None when empty)."""
    text = row.get(column)
    if text == "":
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise row.error(f"column {column!r}: expected a date YYYY-MM-DD, got {text!r}") from None


def scaled_int(value: float | None, unit: float) -> int | None:
    """``value`` x ``unit`` as an integer (billions of parameters or trillions of tokens to a count)."""
    return None if value is None else round(value * unit)


def split_meta(notes: str) -> tuple[str, str]:
    """(score notes, metadata note) from a seed ``notes`` cell ending in ``|| meta: ...``."""
    head, sep, meta = notes.partition("|| meta:")
    if not sep and notes.startswith("meta:"):
        return "", notes[len("meta:") :].strip()
    return head.strip().rstrip(";").strip(), meta.strip()


def clip(text: str, limit: int = 2000) -> str:
    """``text`` cut to ``limit`` characters (schema limit of free text), marked when cut."""
    return text if len(text) <= limit else text[: limit - 15].rstrip() + " ... [cut]"


@dataclass
class ImportReport:
    """What an import produced and what it left out, with reasons (printed and written to NOT_IMPORTED.md)."""

    produced: dict[str, int] = field(default_factory=dict)
    """Kind -> records built from the seed (before comparing with stored records)."""
    left_out: list[tuple[str, str, str]] = field(default_factory=list)
    """(what, reason, where) for every seed item not imported."""
    notes: list[str] = field(default_factory=list)
    """Other facts worth knowing (files skipped as duplicates, empty cells, ...)."""

    def leave_out(self, what: str, reason: str, where: str = "") -> None:
        """Record that ``what`` was not imported and why."""
        self.left_out.append((what, reason, where))

    def lines(self) -> Iterator[str]:
        """The report as text lines."""
        for kind, count in self.produced.items():
            yield f"built {count} {kind} record(s) from the seed"
        for note in self.notes:
            yield f"note: {note}"
        if self.left_out:
            yield f"NOT imported ({len(self.left_out)}):"
        for what, reason, where in self.left_out:
            yield f"  - {what}: {reason}" + (f" [{where}]" if where else "")
