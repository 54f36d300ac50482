"""Released means frozen: a content hash of every released record revision, checked against the records.

Each release's manifest stores ``record_sha256``: kind -> id -> revision -> sha256 of the record's
canonical serialisation, for the revisions that release published first (the first release holds
every revision; later ones only the revisions they add). The union over every release is the set
of released revisions. :func:`check_frozen` reports any released revision that is missing from the
records or whose content changed, naming the record, the release and — when the release's records
can be read from git — the fields that changed.

Canonical serialisation: the validated record as JSON (``model_dump(mode="json")`` with defaults
and empty values left out, so reformatting the YAML or a new optional schema field changes nothing),
keys sorted, no whitespace, UTF-8.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from densing_data.record_files import ParsedRecord
from densing_data.report import Report
from densing_data.validate import KINDS, RecordSet

RecordHashes = dict[str, dict[str, dict[str, str]]]
"""Kind -> record id -> revision (as a string, JSON keys are strings) -> sha256."""


def canonical(record: Any) -> dict[str, Any]:
    """A validated record as the plain JSON mapping its hash is taken of."""
    return record.model_dump(mode="json", exclude_defaults=True, exclude_none=True)


def record_sha256(record: Any) -> str:
    """sha256 of the canonical serialisation of a validated record."""
    text = json.dumps(canonical(record), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hash_records(records: RecordSet, skip: Callable[[str, str, int], bool] | None = None) -> RecordHashes:
    """The hash of every record revision in ``records`` (ids sorted), leaving out ``skip(kind, id,
    revision)`` ones (the revisions earlier releases already hold)."""
    out: RecordHashes = {}
    for kind in KINDS:
        by_id: dict[str, dict[str, str]] = {}
        for parsed in records.history(kind):
            rec = parsed.record
            if skip is not None and skip(kind, rec.id, rec.revision):
                continue
            by_id.setdefault(rec.id, {})[str(rec.revision)] = record_sha256(rec)
        out[kind] = {
            record_id: dict(sorted(by_id[record_id].items(), key=lambda kv: int(kv[0])))
            for record_id in sorted(by_id)
        }
    return out


def hashes_from_json(data: Any) -> RecordHashes:
    """``record_sha256`` read back from a manifest, checked for shape (raise ValueError if wrong)."""
    if not isinstance(data, dict):
        raise ValueError("record_sha256 must map kind -> id -> revision -> sha256")
    for kind, ids in data.items():
        if kind not in KINDS or not isinstance(ids, dict):
            raise ValueError(f"record_sha256: unknown kind {kind!r} or not a mapping")
        for record_id, revisions in ids.items():
            if not isinstance(revisions, dict) or not revisions:
                raise ValueError(f"record_sha256: {kind} {record_id!r} has no revisions")
            for revision, digest in revisions.items():
                if not revision.isdigit() or not isinstance(digest, str) or len(digest) != 64:
                    raise ValueError(f"record_sha256: {kind} {record_id!r} revision {revision!r}: bad entry")
    return data


def count_hashes(hashes: RecordHashes) -> int:
    """Number of record revisions in ``hashes``."""
    return sum(len(revisions) for ids in hashes.values() for revisions in ids.values())


@dataclass(frozen=True)
class Released:
    """One released record revision."""

    kind: str
    record_id: str
    revision: int
    sha256: str
    version: str
    """The release that first published it."""


def released_revisions(releases: Iterable[tuple[str, RecordHashes]]) -> dict[tuple[str, str, int], Released]:
    """(kind, id, revision) -> :class:`Released`, over ``(version, hashes)`` pairs oldest first
    (a revision listed again by a later release keeps the first one)."""
    out: dict[tuple[str, str, int], Released] = {}
    for version, hashes in releases:
        for kind, ids in hashes.items():
            for record_id, revisions in ids.items():
                for revision, digest in revisions.items():
                    key = (kind, record_id, int(revision))
                    out.setdefault(key, Released(kind, record_id, int(revision), digest, version))
    return out


OldRecordReader = Callable[[Released, ParsedRecord | None], Any]
"""Returns the released revision as a validated record (read from the release's commit), or None."""

Locator = Callable[[Released], Any]
"""Returns where a released revision was (an object with ``path`` and ``line``), or None."""

MISSING_LISTED = 3
"""Missing records named in one problem; the rest are counted."""


@dataclass(frozen=True)
class FrozenCheck:
    """What :func:`check_frozen` checked and reported."""

    checked: int
    """Released record revisions checked."""
    reported: frozenset[tuple[str, str, int]] = frozenset()
    """(kind, id, revision) of every released revision reported missing or changed."""
    deleted_files: frozenset[str] = frozenset()
    """Files that held released revisions and no longer exist (one problem each)."""


def check_frozen(
    records: RecordSet,
    released: dict[tuple[str, str, int], Released],
    report: Report,
    read_old: OldRecordReader | None = None,
    locate: Locator | None = None,
    exists: Callable[[str], bool] | None = None,
    records_path: str = "densing_data/records",
) -> FrozenCheck:
    """Report every released revision missing from ``records`` or changed.

    Missing revisions are reported at the file and line ``locate`` finds them at in the tree they
    were released from, one problem per file (``exists`` tells a deleted file from one that still
    exists but no longer holds them); without a location, at the records folder ``records_path``.
    """
    current: dict[tuple[str, str, int], ParsedRecord] = {}
    for kind in KINDS:
        for parsed in records.history(kind):
            current[(kind, parsed.record.id, parsed.record.revision)] = parsed
    missing: list[Released] = []
    changed: set[tuple[str, str, int]] = set()
    for key in sorted(released):
        item = released[key]
        parsed = current.get(key)
        if parsed is None:
            missing.append(item)
            continue
        if record_sha256(parsed.record) == item.sha256:
            continue
        changed.add(key)
        old = read_old(item, parsed) if read_old is not None else None
        report.add(
            parsed.path,
            parsed.line,
            f"{_what(item)} was changed after the release ({describe_change(old, parsed.record)}): a "
            f"released record never changes; restore it and append a correction (same id, revision "
            f"{_next_revision(records, item)}, a correction_note)",
            kind="release",
        )
    deleted = _report_missing(missing, report, locate, exists, records_path)
    reported = frozenset(changed | {(i.kind, i.record_id, i.revision) for i in missing})
    return FrozenCheck(checked=len(released), reported=reported, deleted_files=frozenset(deleted))


def _what(item: Released) -> str:
    return f"{item.kind} {item.record_id!r} revision {item.revision}, released in {item.version},"


def _report_missing(
    missing: list[Released],
    report: Report,
    locate: Locator | None,
    exists: Callable[[str], bool] | None,
    records_path: str,
) -> set[str]:
    """One problem per file that held missing released revisions; return the files deleted."""
    by_file: dict[str, list[tuple[int, Released]]] = {}
    for item in missing:
        where = locate(item) if locate is not None else None
        if where is None:
            report.add(
                records_path,
                0,
                f"{_what(item)} is missing from the records (and from the tree it was released from, so "
                "its file cannot be named): released records are never deleted (retract it with a "
                "correction instead)",
                kind="release",
            )
            continue
        by_file.setdefault(where.path, []).append((where.line, item))
    deleted = set()
    for path, found in sorted(by_file.items()):
        found.sort(key=lambda pair: pair[0])
        named = "; ".join(
            f"{i.kind} {i.record_id!r} revision {i.revision} (line {line}, released in {i.version})"
            for line, i in found[:MISSING_LISTED]
        )
        rest = len(found) - MISSING_LISTED
        named += f"; and {rest} more" if rest > 0 else ""
        count = f"{len(found)} released record revision{'s' if len(found) != 1 else ''}"
        if exists is not None and not exists(path):
            deleted.add(path)
            what = f"file deleted: it held {count}: {named}"
        else:
            what = f"{count} missing from this file (deleted, or no longer valid): {named}"
        report.add(
            path,
            found[0][0],
            f"{what}; released records are never deleted: restore them, and withdraw a record with a "
            "correction (same id, next revision, retracted: true)",
            kind="release",
        )
    return deleted


def _next_revision(records: RecordSet, item: Released) -> int:
    head = records.heads(item.kind).get(item.record_id)
    return (head.record.revision if head is not None else item.revision) + 1


def describe_change(old: Any, new: Any) -> str:
    """``"field value: 29.3 -> 31.3"`` for the fields that differ, or a note when ``old`` is unknown."""
    if old is None:
        return (
            "its content hash differs from the release manifest; the release's records commit is "
            "not in this clone, so the field cannot be named"
        )
    before = _flat(canonical(old))
    after = _flat(canonical(new))
    changed = [key for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)]
    if not changed:
        return "content hash differs"
    parts = [f"{key}: {_short(before.get(key))} -> {_short(after.get(key))}" for key in changed[:4]]
    more = f", and {len(changed) - 4} more" if len(changed) > 4 else ""
    label = "field" if len(changed) == 1 else "fields"
    return f"{label} {'; '.join(parts)}{more}"


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _short(value: Any) -> str:
    if value is None:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."
