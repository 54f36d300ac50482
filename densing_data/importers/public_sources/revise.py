"""The public-sources pass: current records whose text names internal tooling get a corrected revision.

For every current record (the head revision of each id, retracted ones left alone), every text field
is rewritten by the rules (:mod:`~densing_data.importers.public_sources.rules`); a record whose text
changed gets revision n+1 with the rewritten text, every other field as it was (``recorded``
included, so which score the fitter picks does not move) and a ``correction_note`` saying what
changed. All revisions are appended through :func:`densing_data.store.append_record_groups` in one
validated append. Superseded revisions stay as released.

The pass is idempotent: the rewritten text holds no internal wording, so a second run finds nothing.
Text that still names internal tooling after the rules is reported (file, line, field, words), and its
record is not revised until a rule covers it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from densing_data.importers.public_sources.phrases import find_internal_phrases
from densing_data.importers.public_sources.rules import RuleSet
from densing_data.paths import RECORDS_DIR
from densing_data.store import StoreError, append_record_groups, record_to_yaml_dict
from densing_data.validate import KINDS, RecordSet, read_records_dir


@dataclass(frozen=True)
class Leftover:
    """Internal wording no rule rewrote, in a current record."""

    path: str
    """Record file (as the reader shows it)."""
    line: int
    """Line where the record starts."""
    kind: str
    record_id: str
    field: str
    """Dotted field path, e.g. ``source.locator``."""
    words: str
    """The internal wording found."""

    def as_text(self) -> str:
        """``path:line: ...`` naming the record, the field, the words and what to do."""
        return (
            f"{self.path}:{self.line}: {self.kind} {self.record_id}: {self.field} still names internal "
            f"tooling ({self.words!r}); add a rule for it to the rules file"
        )


@dataclass(frozen=True)
class PublicSourcesPlan:
    """What the pass does to a records directory."""

    to_append: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Kind -> corrected revisions (as record mappings) to append."""
    leftovers: tuple[Leftover, ...] = ()
    """Internal wording that no rule rewrote (those records are not revised)."""

    @property
    def revised(self) -> int:
        """Number of records that get a new revision."""
        return sum(len(items) for items in self.to_append.values())


def rewrite_record(data: dict[str, Any], rules: RuleSet) -> tuple[dict[str, Any], list[str]]:
    """``data`` (a record mapping) with every text field rewritten, and the note keys of the rules used.

    A locator is rewritten with the rules of its own source block's URL; every other text with the
    rules of the record's ``source`` URL (none for records without one)."""
    source = data.get("source")
    record_url = source.get("url") if isinstance(source, dict) else None
    used: list[str] = []

    def walk(value: Any, url: str | None) -> Any:
        if isinstance(value, dict):
            own = value.get("url")
            scope = str(own) if own is not None and "locator" in value else url
            return {key: walk(item, scope) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item, url) for item in value]
        if isinstance(value, str):
            text, notes = rules.rewrite(value, url)
            used.extend(n for n in notes if n not in used)
            return text
        return value

    return walk(data, str(record_url) if record_url is not None else None), used


def plan_public_sources(records: RecordSet, rules: RuleSet) -> PublicSourcesPlan:
    """The corrected revisions the rules give for the current records of ``records``."""
    to_append: dict[str, list[dict[str, Any]]] = {}
    leftovers: list[Leftover] = []
    for kind in KINDS:
        for parsed in records.current(kind):
            data = record_to_yaml_dict(parsed.record)
            revised, used = rewrite_record(data, rules)
            left = [
                Leftover(parsed.path, parsed.line, kind, parsed.record.id, where, phrase.text)
                for where, text in _texts(revised)
                for phrase in find_internal_phrases(text)
            ]
            if left:
                leftovers += left
                continue
            if not used:
                continue
            note = " ".join(rules.notes[key] for key in used)
            revised.update(revision=parsed.record.revision + 1, correction_note=note)
            to_append.setdefault(kind, []).append(revised)
    return PublicSourcesPlan(to_append=to_append, leftovers=tuple(leftovers))


def run_public_sources(
    rules: RuleSet, *, records_dir: Path | None = None, dry_run: bool = False
) -> PublicSourcesPlan:
    """Plan the pass on ``records_dir`` (default: the shipped records) and append its revisions.

    Raises :class:`densing_data.store.StoreError` when the records do not validate as they are or the
    store refuses the revisions (nothing is written then)."""
    root = Path(records_dir) if records_dir is not None else RECORDS_DIR
    records, report = read_records_dir(root)
    if not report.ok:
        raise StoreError(report)
    plan = plan_public_sources(records, rules)
    if plan.to_append and not dry_run:
        append_record_groups(plan.to_append, records_dir=root)
    return plan


def _texts(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{where}.{index}")
    elif isinstance(value, str):
        yield where, value
