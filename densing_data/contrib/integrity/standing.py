"""Which of two records with the same id and revision is the new one (see
:data:`densing_data.validate.Seniority`).

A duplicate is blamed on the record with less standing: a released record revision (its content
hash is in a release manifest) outranks one recorded on the base branch, which outranks a new one.
Standing is asked only about duplicates, so manifests and base files are read on first need.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from densing_data.contrib.layout import RepoLayout
from densing_data.contrib.release.files import released_hashes
from densing_data.contrib.release.record_hashes import record_sha256, released_revisions
from densing_data.record_files import ParsedRecord
from densing_data.report import Report
from densing_data.strict_yaml import YamlProblem, parse_yaml, read_bounded
from densing_data.validate import NEW, RECORDED, RELEASED, Seniority


def layout_of_records(records_dir: Path) -> RepoLayout | None:
    """The repository layout whose records folder ``records_dir`` is, when it has releases."""
    resolved = records_dir.resolve()
    layout = RepoLayout(root=resolved.parent.parent)
    if layout.records_dir.resolve() != resolved or not layout.releases_dir.is_dir():
        return None
    return layout


def released_standing(layout: RepoLayout | None) -> Seniority:
    """RELEASED for a record revision whose hash a release manifest of ``layout`` lists (the release
    that first published it), NEW for any other; every record is NEW without a layout."""

    @cache
    def hashes() -> dict[tuple[str, str, int], str]:
        if layout is None:
            return {}
        releases = released_hashes(layout, Report())
        return {key: item.sha256 for key, item in released_revisions(releases).items()}

    def standing(parsed: ParsedRecord) -> int:
        record = parsed.record
        digest = hashes().get((parsed.kind, record.id, record.revision))
        return RELEASED if digest is not None and digest == record_sha256(record) else NEW

    return standing


def folder_standing(records_dir: Path, named: set[str] | None = None) -> Seniority:
    """Standing for ``densing validate``: released records first; then, when files are ``named``
    (their shown paths), every record outside them counts as recorded, so a duplicate id the named
    files bring in is blamed on them."""
    released = released_standing(layout_of_records(records_dir))

    def standing(parsed: ParsedRecord) -> int:
        rank = released(parsed)
        if rank == NEW and named is not None and parsed.path not in named:
            return RECORDED
        return rank

    return standing


def base_standing(base: RepoLayout) -> Seniority:
    """Standing for ``check-pr`` (records shown relative to the repository root): released in one of
    the base's releases, else recorded when the base's version of the record's file holds the same
    id and revision, else new."""
    released = released_standing(base)

    @cache
    def base_keys(shown: str) -> frozenset[tuple[str, int]]:
        try:
            data = parse_yaml(read_bounded(base.root / shown)).data
        except (OSError, YamlProblem):
            return frozenset()
        items = data.get("records") if isinstance(data, dict) else None
        if not isinstance(items, list):
            return frozenset()
        return frozenset((i.get("id"), i.get("revision", 1)) for i in items if isinstance(i, dict))

    def standing(parsed: ParsedRecord) -> int:
        rank = released(parsed)
        if rank == NEW and (parsed.record.id, parsed.record.revision) in base_keys(parsed.path):
            return RECORDED
        return rank

    return standing
