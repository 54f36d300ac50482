"""CHANGELOG.md: one section per data version, written by ``densing release`` from the record diff.

Sections start with ``## <version> (<date>)``, newest first. A released section never changes.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections import Counter
from collections.abc import Callable, Hashable
from typing import TypeVar

from densing_data.contrib.pr.diff import RecordDiff, Superseded
from densing_data.contrib.pr.markdown import md_code, md_text

HEADER = """# Changelog

Data versions of the Densing Law leaderboard (CalVer `YYYY.MM.N`), newest first. Each entry is
written by `densing release` from the records added and superseded since the previous release.
Every version is pinned by its manifest under [`releases/<version>/`](releases/README.md); its
files are attached to the GitHub release `data-v<version>`.
"""

_HEADING = re.compile(r"^## (\S+)", re.MULTILINE)

KIND_NOUNS = {
    "model": ("model", "models"),
    "score": ("score", "scores"),
    "reference": ("reference measurement", "reference measurements"),
    "benchmark": ("benchmark", "benchmarks"),
    "ruler": ("ruler", "rulers"),
}


def noun(kind: str, count: int) -> str:
    """``"1 model"``, ``"2,419 scores"``."""
    singular, plural = KIND_NOUNS[kind]
    return f"{count:,} {singular if count == 1 else plural}"


def sections(text: str) -> dict[str, str]:
    """Version -> its section's text (heading included), for every ``## <version>`` section."""
    found: dict[str, str] = {}
    matches = list(_HEADING.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        found[match.group(1)] = text[match.start() : end].rstrip("\n") + "\n"
    return found


def render_entry(
    version: str, date: dt.date, previous: str | None, diff: RecordDiff, counts: dict[str, int]
) -> str:
    """The CHANGELOG section of a release."""
    since = f"since {previous}" if previous else "first release: every record is new"
    totals = ", ".join(noun(kind, n) for kind, n in counts.items())
    lines = [
        f"## {version} ({date.isoformat()})",
        "",
        textwrap.fill(f"Current records: {totals} ({since}).", 100),
        "",
    ]
    added = _added_lines(diff)
    if added:
        lines += ["### Added", "", *added, ""]
    superseded = [s for s in diff.superseded if not s.retracted]
    retracted = [s for s in diff.superseded if s.retracted]
    for title, items in (("Superseded", superseded), ("Retracted", retracted)):
        if items:
            lines += [f"### {title}", "", *_superseded_lines(items), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


GROUP_AT = 3
"""Records of one kind that share their correction note from this many on are listed in one item."""

T = TypeVar("T")


def note_groups(items: list[T], key: Callable[[T], Hashable]) -> list[list[T]]:
    """``items`` as listed: those sharing ``key`` (kind and correction note: one scripted pass) in one
    group where there are :data:`GROUP_AT` or more of them, placed where the first of them stands;
    every other item alone, in its own place."""
    keys = [key(item) for item in items]
    counts = Counter(keys)
    members: dict[Hashable, list[T]] = {}
    for k, item in zip(keys, items, strict=True):
        members.setdefault(k, []).append(item)
    groups = []
    for k, item in zip(keys, items, strict=True):
        if counts[k] < GROUP_AT:
            groups.append([item])
        elif members[k][0] is item:
            groups.append(members[k])
    return groups


def _superseded_lines(items: list[Superseded]) -> list[str]:
    """One item per superseded record; records of a kind sharing a note (a scripted pass) in one item.

    A grouped item gives the count, the owners (a score's model, a reference's ruler) with how many of
    each, or the ids, and the shared note once; every revision is still in the release's manifest.
    """
    lines = []
    for group in note_groups(items, lambda s: (s.kind, s.head.record.correction_note or "")):
        first = group[0]
        note = md_text(first.head.record.correction_note or "")
        if len(group) == 1:
            revisions = f"revision {first.old_revision} → {first.head.record.revision}"
            lines.append(_wrap(f"- {first.kind} {md_code(first.head.record.id)}: {revisions}: {note}"))
        else:
            lines.append(_wrap(f"- {_grouped_records(first.kind, group)}, each to its next revision: {note}"))
    return lines


def _grouped_records(kind: str, group: list[Superseded]) -> str:
    if kind in ("score", "reference"):
        owner = "model" if kind == "score" else "ruler"
        owners = Counter(getattr(s.head.record, owner) for s in group)
        parts = ", ".join(f"{md_code(name)} ({n})" for name, n in sorted(owners.items()))
        return f"{noun(kind, len(group))} of {noun(owner, len(owners))} ({parts})"
    return f"{noun(kind, len(group))} ({', '.join(md_code(s.head.record.id) for s in group)})"


def _added_lines(diff: RecordDiff) -> list[str]:
    lines = []
    for kind in KIND_NOUNS:
        records = diff.added.get(kind, [])
        if not records:
            continue
        if kind in ("score", "reference"):
            owner = "model" if kind == "score" else "ruler"
            groups = Counter(getattr(p.record, owner) for p in records)
            parts = ", ".join(f"{md_code(name)} ({n})" for name, n in sorted(groups.items()))
            lines.append(f"- {noun(kind, len(records))} for {noun(owner, len(groups))}: {parts}")
        else:
            ids = ", ".join(md_code(p.record.id) for p in records)
            lines.append(f"- {noun(kind, len(records))}: {ids}")
    return [_wrap(line) for line in lines]


def _wrap(item: str) -> str:
    """A list item wrapped at 100 columns, continuation lines indented (spaces are the only breaks)."""
    return textwrap.fill(
        item, width=100, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
    )


def insert_entry(existing: str | None, entry: str) -> str:
    """CHANGELOG text with ``entry`` as the newest section (a new file gets the standard header)."""
    text = existing if existing is not None else HEADER
    first = _HEADING.search(text)
    if first is None:
        return text.rstrip("\n") + "\n\n" + entry
    return text[: first.start()] + entry + "\n" + text[first.start() :]
