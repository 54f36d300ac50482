"""Rerunnable imports: compare the records an importer wants with those already stored, and append
only what is new (or, when asked, corrections of what changed) through
:func:`densing_data.store.append_record_groups`.

A second run of an importer on unchanged input therefore appends nothing. A record whose content
changed is never rewritten: without a correction note the import stops and names it; with one, a new
revision carrying that note is appended (data is append-only).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from densing_data.paths import RECORDS_DIR
from densing_data.schema.records import RECORD_MODELS
from densing_data.store import StoreError, append_record_groups, record_to_yaml_dict
from densing_data.validate import RecordSet, read_records_dir

IDENTITY_FIELDS = ("id", "revision", "correction_note", "retracted")
"""Fields that say which revision a record is, not what it says."""


class SyncError(Exception):
    """Records an importer produced that cannot be stored as they are; the message says which and why."""


@dataclass(frozen=True)
class SyncPlan:
    """What an import would do to a records directory."""

    to_append: dict[str, list[BaseModel]] = field(default_factory=dict)
    """Kind -> records to append: new ids (revision 1) and corrections (next revision)."""
    new: dict[str, int] = field(default_factory=dict)
    """Kind -> number of ids not stored yet."""
    corrected: dict[str, int] = field(default_factory=dict)
    """Kind -> number of stored ids whose content changed, corrected with the correction note."""
    unchanged: dict[str, int] = field(default_factory=dict)
    """Kind -> number of ids already stored with the same content."""
    retracted: dict[str, int] = field(default_factory=dict)
    """Kind -> number of ids whose stored head is retracted (left alone)."""
    changed: tuple[str, ...] = ()
    """'kind id' of stored records whose content differs, when no correction note was given."""

    @property
    def empty(self) -> bool:
        """True when nothing would be appended."""
        return not any(self.to_append.values())


def content(record: BaseModel) -> dict[str, Any]:
    """What a record says, without the fields that name its revision."""
    data = record_to_yaml_dict(record)
    return {k: v for k, v in data.items() if k not in IDENTITY_FIELDS}


def _validated(kind: str, item: Mapping[str, Any]) -> BaseModel:
    try:
        return RECORD_MODELS[kind].model_validate(dict(item))
    except ValidationError as err:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {e['msg']}"
            for e in err.errors(include_url=False)
        )
        raise SyncError(f"{kind} {item.get('id')!r} is not a valid record: {problems}") from None


def plan_sync(
    existing: RecordSet, wanted: Mapping[str, Sequence[Mapping[str, Any]]], correction_note: str | None = None
) -> SyncPlan:
    """Compare ``wanted`` (kind -> records as mappings, revision 1) with ``existing``."""
    to_append: dict[str, list[BaseModel]] = {}
    counts: dict[str, dict[str, int]] = {n: {} for n in ("new", "corrected", "unchanged", "retracted")}
    changed: list[str] = []
    for kind, items in wanted.items():
        heads = existing.heads(kind)
        appended = to_append.setdefault(kind, [])
        tally = dict.fromkeys(counts, 0)
        for item in items:
            record = _validated(kind, item)
            head = heads.get(record.id)
            if head is None:
                appended.append(record)
                tally["new"] += 1
            elif head.record.retracted:
                tally["retracted"] += 1
            elif content(head.record) == content(record):
                tally["unchanged"] += 1
            elif correction_note is None:
                changed.append(f"{kind} {record.id}")
            else:
                revised = {**item, "revision": head.record.revision + 1, "correction_note": correction_note}
                appended.append(_validated(kind, revised))
                tally["corrected"] += 1
        for name, count in tally.items():
            counts[name][kind] = count
    return SyncPlan(to_append=to_append, changed=tuple(changed), **counts)


def sync_records(
    wanted: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    records_dir: Path | None = None,
    correction_note: str | None = None,
    dry_run: bool = False,
) -> SyncPlan:
    """Append what ``wanted`` adds to the records in ``records_dir``, all kinds validated together.

    Raises :class:`SyncError` when stored records differ and no ``correction_note`` was given (nothing
    is written then), and :class:`densing_data.store.StoreError` when the store refuses the records.
    """
    root = Path(records_dir) if records_dir is not None else RECORDS_DIR
    existing, report = read_records_dir(root)
    if not report.ok:
        raise StoreError(report)
    plan = plan_sync(existing, wanted, correction_note)
    if plan.changed:
        shown = ", ".join(plan.changed[:5]) + (" ..." if len(plan.changed) > 5 else "")
        raise SyncError(
            f"{len(plan.changed)} stored record(s) differ from the input ({shown}); nothing was written. "
            "If the input is right, rerun with a correction note to append corrected revisions."
        )
    if not dry_run and not plan.empty:
        append_record_groups({k: v for k, v in plan.to_append.items() if v}, records_dir=root)
    return plan
