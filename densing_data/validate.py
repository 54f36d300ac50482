"""Validation of a whole records directory: each file's schema, then the rules across files.

Rules across files: ids unique per kind and revision; revisions numbered 1, 2, ... in one file;
references (model, benchmark, ruler, parent model) resolve to current records; exactly one default
ruler; no two current scores that repeat the same measurement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from densing_data.record_files import ParsedRecord, read_record_file
from densing_data.report import Report
from densing_data.schema.records import KIND_FOLDERS, RulerKind

KINDS = tuple(KIND_FOLDERS)

NEW, RECORDED, RELEASED = 0, 1, 2
"""Standing of a record when two share an id and revision: new (in this change), already recorded
(on the base branch, or elsewhere in the folder a named file is checked against), released."""
_SENIORITY_WORDS = {RECORDED: ", recorded before", RELEASED: ", a released record"}
Seniority = Callable[[ParsedRecord], int]
"""A record's standing (:data:`NEW`, :data:`RECORDED` or :data:`RELEASED`); asked only about
records that share an id and revision, so it may read files lazily."""


@dataclass
class RecordSet:
    """Every record read from a records directory, grouped by kind, all revisions kept."""

    by_kind: dict[str, list[ParsedRecord]] = field(default_factory=lambda: {k: [] for k in KINDS})
    _heads: dict[str, tuple[int, dict[str, ParsedRecord]]] = field(default_factory=dict, repr=False)

    def history(self, kind: str) -> list[ParsedRecord]:
        """All revisions of every record of ``kind``, in file order."""
        return self.by_kind[kind]

    def heads(self, kind: str) -> dict[str, ParsedRecord]:
        """The highest revision of each id of ``kind`` (retracted ones included)."""
        held_count, held_heads = self._heads.get(kind, (-1, {}))
        if held_count == len(self.by_kind[kind]):
            return held_heads
        heads: dict[str, ParsedRecord] = {}
        for parsed in self.by_kind[kind]:
            held = heads.get(parsed.record.id)
            if held is None or parsed.record.revision > held.record.revision:
                heads[parsed.record.id] = parsed
        self._heads[kind] = (len(self.by_kind[kind]), heads)
        return heads

    def current(self, kind: str) -> list[ParsedRecord]:
        """Head revisions that are not retracted, sorted by id."""
        heads = self.heads(kind)
        return [heads[i] for i in sorted(heads) if not heads[i].record.retracted]


def record_files(records_dir: Path) -> list[Path]:
    """Every entry below ``records_dir`` that is not a folder (hidden ones excluded), sorted.

    Symbolic links, FIFOs and devices are listed too, so that reading them reports a problem
    instead of skipping them silently."""
    files = []
    for path in sorted(records_dir.rglob("*")):
        rel = path.relative_to(records_dir)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if not path.is_dir() or path.is_symlink():
            files.append(path)
    return files


def read_records_dir(
    records_dir: Path,
    shown_base: Path | None = None,
    *,
    use_cache: bool = False,
    seniority: Seniority | None = None,
) -> tuple[RecordSet, Report]:
    """Read and validate every record file of ``records_dir``.

    With ``use_cache``, files whose bytes are unchanged since they last parsed cleanly come from
    :class:`~densing_data.parse_cache.ParseCache`; the rules across files are checked either way
    (``seniority``: see :func:`check_across_files`).
    """
    from densing_data.parse_cache import ParseCache

    report = Report()
    records = RecordSet()
    if not records_dir.is_dir():
        report.add(str(records_dir), 0, "records directory does not exist", kind="path")
        return records, report
    root = records_dir.resolve()
    base = (shown_base if shown_base is not None else records_dir.parent).resolve()
    prefix = root.relative_to(base) if root.is_relative_to(base) else None
    cache = ParseCache(root) if use_cache else None
    seen = set()
    for path in record_files(root):
        relative = path.relative_to(root)
        shown = str(prefix / relative) if prefix is not None else str(path)
        seen.add(str(relative))
        if cache is not None:
            parsed_file = cache.read(path, str(relative), report, shown)
        else:
            parsed_file = read_record_file(path, records_dir, report, shown=shown)
        for parsed in parsed_file:
            records.by_kind[parsed.kind].append(parsed)
    if cache is not None:
        cache.forget_missing(seen)
        cache.save()
    check_across_files(records, report, seniority)
    return records, report


def shown_path(path: Path, base: Path) -> str:
    """``path`` as reports show it: relative to ``base`` when below it, else absolute."""
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path.resolve())


def check_across_files(records: RecordSet, report: Report, seniority: Seniority | None = None) -> None:
    """Apply the rules that span records: history, ids, references, defaults, duplicates. Of two
    records with the same id and revision, the one with less ``seniority`` is blamed (the later one
    when both stand equal)."""
    for kind in KINDS:
        _check_history(kind, records.history(kind), report, seniority)
    _check_references(records, report)
    _check_default_ruler(records, report)
    _check_duplicate_scores(records, report)


def _check_history(
    kind: str, history: list[ParsedRecord], report: Report, seniority: Seniority | None = None
) -> None:
    seen: dict[tuple[str, int], ParsedRecord] = {}
    by_id: dict[str, list[ParsedRecord]] = defaultdict(list)
    for parsed in history:
        key = (parsed.record.id, parsed.record.revision)
        if key in seen:
            kept, blamed = _settle_duplicate(seen[key], parsed, seniority)
            if kept is parsed:
                seen[key] = parsed
                by_id[key[0]] = [parsed if p is blamed else p for p in by_id[key[0]]]
            why = _SENIORITY_WORDS.get(seniority(kept) if seniority is not None else NEW, "")
            report.add(
                blamed.path,
                blamed.line,
                f"duplicate {kind} id {key[0]!r} revision {key[1]} (also at {kept.path}:{kept.line}{why}); "
                "a new record needs a new id, a correction the next revision number",
                kind="duplicate",
            )
            continue
        seen[key] = parsed
        by_id[parsed.record.id].append(parsed)
    for record_id, revisions in by_id.items():
        numbers = sorted(p.record.revision for p in revisions)
        if numbers != list(range(1, len(numbers) + 1)):
            last = revisions[-1]
            report.add(
                last.path,
                last.line,
                f"{kind} {record_id!r} has revisions {numbers}; expected 1, 2, ... without gaps",
                kind="history",
            )
        files = {p.path for p in revisions}
        if len(files) > 1:
            report.add(
                revisions[-1].path,
                revisions[-1].line,
                f"revisions of {kind} {record_id!r} are spread over {sorted(files)}; keep them in one file",
                kind="history",
            )


def _settle_duplicate(
    first: ParsedRecord, later: ParsedRecord, seniority: Seniority | None
) -> tuple[ParsedRecord, ParsedRecord]:
    """(kept, blamed) of two records with the same id and revision: the one with less standing
    (:data:`Seniority`) is blamed; with equal standing, the one read later."""
    if seniority is not None and seniority(later) > seniority(first):
        return later, first
    return first, later


def dangling_words(what: str, value: str) -> str:
    """How a reference problem ends: ``model 'x' does not name a current model record``."""
    return f"{what} {value!r} does not name a current {what} record"


def dangling_references(records: RecordSet) -> dict[tuple[str, str, str], list[ParsedRecord]]:
    """(file, kind named, id named) -> the current records of that file naming an id that no current
    record of that kind has."""
    models = {p.record.id for p in records.current("model")}
    benchmarks = {p.record.id for p in records.current("benchmark")}
    rulers = {p.record.id for p in records.current("ruler")}
    dangling: dict[tuple[str, str, str], list[ParsedRecord]] = defaultdict(list)

    def need(parsed: ParsedRecord, what: str, value: str, known: set[str]) -> None:
        if value not in known:
            dangling[(parsed.path, what, value)].append(parsed)

    for parsed in records.current("score"):
        need(parsed, "model", parsed.record.model, models)
        need(parsed, "benchmark", parsed.record.benchmark, benchmarks)
    for parsed in records.current("reference"):
        need(parsed, "ruler", parsed.record.ruler, rulers)
        need(parsed, "benchmark", parsed.record.benchmark, benchmarks)
    for parsed in records.current("model"):
        if parsed.record.derived_from is not None:
            need(parsed, "model", parsed.record.derived_from.model, models)
    for parsed in records.current("ruler"):
        for bench in parsed.record.benchmarks:
            need(parsed, "benchmark", bench, benchmarks)
        if parsed.record.fitted_from_scores is not None:
            for model in parsed.record.fitted_from_scores.models:
                need(parsed, "model", model, models)
        for rung in parsed.record.chain or []:
            for model in rung.models:
                need(parsed, "model", model, models)
    return dangling


def _check_references(records: RecordSet, report: Report) -> None:
    """Every name of another record resolves to a current record. The records of one file that name
    the same missing record are one problem (deleting a model leaves its scores' file one line)."""
    for (path, what, value), naming in dangling_references(records).items():
        first = min(naming, key=lambda p: p.line)
        others = len(naming) - 1
        more = f" and {others} more record{'s' if others != 1 else ''} of this file" if others else ""
        report.add(
            path,
            first.line,
            f"{first.kind} {first.record.id!r}{more}: {dangling_words(what, value)}",
            kind="reference",
        )


def _check_default_ruler(records: RecordSet, report: Report) -> None:
    rulers = records.current("ruler")
    defaults = [p for p in rulers if p.record.default]
    if rulers and len(defaults) != 1:
        where = defaults[1] if len(defaults) > 1 else rulers[0]
        names = [p.record.id for p in defaults]
        report.add(
            where.path,
            where.line,
            f"exactly one current ruler must have default: true, found {len(defaults)} {names}",
            kind="reference",
        )
    for parsed in rulers:
        if parsed.record.kind is RulerKind.two_step:
            has_refs = any(r.record.ruler == parsed.record.id for r in records.current("reference"))
            if not has_refs:
                report.warn(
                    parsed.path,
                    parsed.line,
                    f"two-step ruler {parsed.record.id!r} has no reference records under "
                    f"references/{parsed.record.id}/ yet: "
                    "it cannot be fitted until measurements are recorded",
                    kind="reference",
                )


def _measurement_key(record: Any) -> tuple[Any, ...]:
    return (
        record.model,
        record.benchmark,
        record.shots,
        record.cot,
        record.metric,
        record.protocol,
        record.source.url,
        record.source.locator,
        record.value,
    )


def _check_duplicate_scores(records: RecordSet, report: Report) -> None:
    seen: dict[tuple[Any, ...], ParsedRecord] = {}
    for parsed in records.current("score"):
        key = _measurement_key(parsed.record)
        first = seen.get(key)
        if first is not None:
            report.add(
                parsed.path,
                parsed.line,
                f"score {parsed.record.id!r} repeats the measurement of {first.record.id!r} "
                f"(same model, benchmark, setting, source and value)",
                kind="duplicate",
            )
        else:
            seen[key] = parsed
