"""What changed between two states of the records: records added, superseded and retracted.

A state is summarised by its *record keys*: for each kind, each id's highest revision (revisions run
1, 2, ... without gaps, so the highest one says which revisions exist). A release stores its keys in
``release.json``, so the next release can be diffed against it without the old records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from densing_data.record_files import ParsedRecord
from densing_data.validate import KINDS, RecordSet

RecordKeys = dict[str, dict[str, int]]
"""Kind -> record id -> highest revision."""


def record_keys(records: RecordSet) -> RecordKeys:
    """The record keys of ``records`` (every id, retracted ones included), ids sorted."""
    keys: RecordKeys = {}
    for kind in KINDS:
        heads = records.heads(kind)
        keys[kind] = {record_id: heads[record_id].record.revision for record_id in sorted(heads)}
    return keys


@dataclass(frozen=True)
class Superseded:
    """A record whose newer revision replaces the one in the older state."""

    kind: str
    """Record kind (model, score, reference, benchmark, ruler)."""
    head: ParsedRecord
    """The newest revision, with its ``correction_note``."""
    old_revision: int
    """The revision the older state had."""

    @property
    def retracted(self) -> bool:
        """True when the newest revision withdraws the record."""
        return bool(self.head.record.retracted)


@dataclass(frozen=True)
class RecordDiff:
    """Records new in the newer state, and records it supersedes, by kind."""

    added: dict[str, list[ParsedRecord]] = field(default_factory=dict)
    """Kind -> head revisions of ids the older state did not have, sorted by id."""
    superseded: list[Superseded] = field(default_factory=list)
    """Ids whose highest revision went up, sorted by kind and id."""
    missing: dict[str, list[str]] = field(default_factory=dict)
    """Kind -> ids the older state had and the newer one lacks (records must never disappear)."""

    @property
    def empty(self) -> bool:
        """True when nothing was added, superseded or lost."""
        return not (any(self.added.values()) or self.superseded or any(self.missing.values()))

    def added_count(self, kind: str) -> int:
        """Number of ids of ``kind`` added."""
        return len(self.added.get(kind, []))


def diff_records(old: RecordKeys, new: RecordSet) -> RecordDiff:
    """Records ``new`` adds to or supersedes in the state summarised by ``old``."""
    added: dict[str, list[ParsedRecord]] = {}
    superseded: list[Superseded] = []
    missing: dict[str, list[str]] = {}
    for kind in KINDS:
        heads = new.heads(kind)
        before = old.get(kind, {})
        added[kind] = [heads[i] for i in sorted(heads) if i not in before]
        for record_id in sorted(heads):
            old_revision = before.get(record_id)
            if old_revision is not None and heads[record_id].record.revision > old_revision:
                superseded.append(Superseded(kind=kind, head=heads[record_id], old_revision=old_revision))
        missing[kind] = sorted(set(before) - set(heads))
    return RecordDiff(added=added, superseded=superseded, missing=missing)


def keys_from_json(data: Any) -> RecordKeys:
    """Record keys read back from JSON (``release.json``), checked for shape."""
    if not isinstance(data, dict):
        raise ValueError("record keys must be a mapping of kind -> {id: revision}")
    keys: RecordKeys = {}
    for kind, ids in data.items():
        if kind not in KINDS or not isinstance(ids, dict):
            raise ValueError(f"record keys: unknown kind {kind!r} or not a mapping")
        keys[kind] = {}
        for record_id, revision in ids.items():
            if not isinstance(revision, int) or isinstance(revision, bool) or revision < 1:
                raise ValueError(f"record keys: {kind} {record_id!r} has revision {revision!r}")
            keys[kind][record_id] = revision
    return keys
