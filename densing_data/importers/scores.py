"""Score records from score drafts: canonical model, provenance and a deterministic, readable id.

Id scheme: ``<model>.<benchmark>.<N>shot.<protocol>`` (the shots part left out when the source does not
state them). When several seed rows share that id (two tables of one paper, two metrics, with and
without chain-of-thought) a suffix tells them apart: the metric, ``cot``, or the table named in the
locator, whichever distinguishes them, else a running number in seed order.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from densing_data.importers.common import ImportReport
from densing_data.importers.seed_reported import ScoreDraft
from densing_data.record_files import slugify
from densing_data.schema.records import SLUG_PATTERN

_SLUG = re.compile(SLUG_PATTERN)


def build_scores(
    drafts: Sequence[ScoreDraft],
    model_id_of: Callable[[ScoreDraft], str],
    models: dict[str, dict[str, Any]],
    report: ImportReport,
) -> list[dict[str, Any]]:
    """Score records for the drafts whose model is imported; the others are counted in ``report``."""
    kept: list[tuple[str, ScoreDraft]] = []
    dropped: dict[str, list[ScoreDraft]] = defaultdict(list)
    for draft in drafts:
        model_id = model_id_of(draft)
        if model_id in models:
            kept.append((model_id, draft))
        else:
            dropped[model_id].append(draft)
    for model_id, items in dropped.items():
        where = ", ".join(sorted({f"{d.row.path.name}:{_lines(items, d.row.path.name)}" for d in items}))
        report.leave_out(
            f"{len(items)} score row(s) of model {model_id!r}", "the model is not imported (see above)", where
        )
    records = [_record(model_id, draft, models[model_id]) for model_id, draft in kept]
    _assign_ids(records, [d for _, d in kept])
    return _drop_repeats(records, [d for _, d in kept], report)


def _record(model_id: str, draft: ScoreDraft, model: dict[str, Any]) -> dict[str, Any]:
    developer = draft.source.organization == model["organization"]
    record = {"model": model_id, **draft.fields}
    # A fresh date object per record: PyYAML writes an anchor/alias for an object repeated in one file,
    # which the strict reader (rightly) refuses.
    record["recorded"] = dt.date.fromordinal(draft.fields["recorded"].toordinal())
    record["provenance"] = {"kind": "developer" if developer else "third_party", "by": draft.source.by}
    return {k: v for k, v in record.items() if v is not None}


IDS_WITHOUT_SHOTS = {"obsscaling-leaderboard-v2"}
"""Protocols whose records got their ids before their shots were recorded: ids never change, so the
shots part stays out of them (the shots themselves were added by a correction, revision 2)."""


ID_PROTOCOL = {"obsscaling-transcribed": "obsscaling"}
"""Protocols that records were moved to by a correction: their ids keep the protocol they were
first recorded under (ids never change)."""


def base_id(record: dict[str, Any]) -> str:
    """``<model>.<benchmark>[.<N>shot].<protocol>``."""
    shots = f".{record['shots']}shot" if record.get("shots") is not None else ""
    if record["protocol"] in IDS_WITHOUT_SHOTS:
        shots = ""
    protocol = ID_PROTOCOL.get(record["protocol"], record["protocol"])
    return f"{record['model']}.{record['benchmark']}{shots}.{protocol}"


def _assign_ids(records: list[dict[str, Any]], drafts: list[ScoreDraft]) -> None:
    groups: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        groups[base_id(record)].append(index)
    for base, members in groups.items():
        suffixes = _suffixes([drafts[i].id_hints for i in members]) if len(members) > 1 else [""]
        for index, suffix in zip(members, suffixes, strict=True):
            record_id = f"{base}.{suffix}" if suffix else base
            if not _SLUG.match(record_id):
                raise drafts[index].row.error(f"score id {record_id!r} is not a valid slug (too long?)")
            records[index]["id"] = record_id


def _suffixes(hints: list[tuple[str, ...]]) -> list[str]:
    """The first kind of hint that tells every member apart (one may be empty: no suffix); else hints
    combined; else running numbers (the first row keeps the bare id)."""
    width = max((len(h) for h in hints), default=0)
    candidates = [[slugify(h[i]) if i < len(h) and h[i] else "" for h in hints] for i in range(width)]
    candidates.append([slugify("-".join(x for x in h if x)) if any(h) else "" for h in hints])
    for tags in candidates:
        if len(set(tags)) == len(tags):
            return tags
    return ["" if i == 0 else str(i + 1) for i in range(len(hints))]


def _drop_repeats(
    records: list[dict[str, Any]], drafts: list[ScoreDraft], report: ImportReport
) -> list[dict[str, Any]]:
    """Leave out a row that repeats another's measurement exactly (same setting, source and value)."""
    seen: dict[tuple[Any, ...], str] = {}
    kept = []
    for record, draft in zip(records, drafts, strict=True):
        key = (
            record["model"],
            record["benchmark"],
            record.get("shots"),
            record.get("cot"),
            record.get("metric"),
            record["protocol"],
            record["source"]["url"],
            record["source"].get("locator"),
            record["value"],
        )
        if key in seen:
            report.leave_out(
                f"score {record['id']}",
                f"repeats the measurement of {seen[key]}",
                f"{draft.row.path.name}:{draft.row.line}",
            )
            continue
        seen[key] = record["id"]
        kept.append(record)
    return kept


def _lines(items: list[ScoreDraft], file_name: str) -> str:
    lines = sorted({d.row.line for d in items if d.row.path.name == file_name})
    return f"{lines[0]}-{lines[-1]}" if len(lines) > 1 else str(lines[0])
