"""``densing check-pr BASE_REF``: the data rules a pull request must keep.

The records as of the base are compared with the working tree (or ``--head REF``):

1. Record files are append-only. Every record on the base branch is frozen (the base branch is what
   gets released): its file still exists, and the records it held are still its first records,
   unchanged in meaning (both sides are parsed; reformatting alone is allowed). New records are
   appended after them; a correction is a new record with the same id and revision n+1. The two
   versions of a file are aligned (longest common subsequence of records), so one deleted record is
   one problem, not a cascade of "moved" records. Released records are frozen too: every record
   revision published by any release still hashes to the value in that release's manifest,
   whatever the merge base holds (:mod:`densing_data.contrib.release.record_hashes`).
2. The records of the head are valid (:mod:`densing_data.validate`: schema — every score has a
   source —, unique ids, revision history, references, duplicate measurements).
3. The data version changes only together with a release made by ``densing release``
   (:mod:`densing_data.contrib.release.rules`), and released files never change.

The base is the merge base of BASE_REF and the head commit, so a branch behind main is not blamed
for records added to main since it left.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from densing_data.contrib.gittree import materialise, merge_base, resolve_commit
from densing_data.contrib.integrity.locate import disk_locator
from densing_data.contrib.integrity.standing import base_standing
from densing_data.contrib.layout import RepoLayout
from densing_data.contrib.release.build import ReleaseFit
from densing_data.contrib.release.files import released_hashes
from densing_data.contrib.release.record_hashes import FrozenCheck
from densing_data.contrib.release.rules import check_release_rules
from densing_data.contrib.release.verify import verify_frozen
from densing_data.record_files import kind_of
from densing_data.report import Report
from densing_data.strict_yaml import Document, YamlProblem, parse_yaml
from densing_data.validate import (
    RecordSet,
    dangling_references,
    dangling_words,
    read_records_dir,
    record_files,
)


@dataclass(frozen=True)
class PrCheck:
    """The outcome of ``check-pr``."""

    base_commit: str
    """The commit compared against (merge base of BASE_REF and the head)."""
    head: str
    """``"working tree"`` or the head commit."""
    report: Report
    """Every rule broken, with file and line."""


def tracked_paths(layout: RepoLayout) -> list[str]:
    """The repository paths the data rules look at."""
    return [
        layout.records,
        layout.version_file,
        layout.releases,
        layout.changelog,
        layout.citation,
        layout.zenodo,
    ]


@contextmanager
def compared_trees(
    layout: RepoLayout, base_ref: str, head_ref: str | None = None, code: tuple[str, ...] = ()
) -> Iterator[tuple[str, str, RepoLayout, RepoLayout]]:
    """Yield ``(base_commit, head, base, head_layout)``: the data files at the merge base of
    ``base_ref`` and the head, checked out in a temporary directory, and the head's (the working
    tree's, or ``head_ref``'s, checked out likewise, with the folders ``code`` too)."""
    repo = layout.root
    head_commit = resolve_commit(repo, head_ref or "HEAD")
    base_commit = merge_base(repo, resolve_commit(repo, base_ref), head_commit)
    with tempfile.TemporaryDirectory(prefix="densing-check-pr-") as tmp:
        base = RepoLayout(root=Path(tmp) / "base")
        materialise(repo, base_commit, tracked_paths(layout), base.root)
        head = layout
        if head_ref is not None:
            head = RepoLayout(root=Path(tmp) / "head")
            materialise(repo, head_commit, [*tracked_paths(layout), *code], head.root)
        yield base_commit, head_commit if head_ref is not None else "working tree", base, head


def check_pr(
    layout: RepoLayout, base_ref: str, head_ref: str | None = None, fit: ReleaseFit | None = None
) -> PrCheck:
    """Check the data rules between ``base_ref`` and the working tree (or ``head_ref``); a release's
    fit outputs are computed again when ``fit`` says how."""
    code = fit.sources if fit is not None else ()
    with compared_trees(layout, base_ref, head_ref, code) as (base_commit, shown_head, base, head):
        report = check_trees(base, head, fit)
    return PrCheck(base_commit=base_commit, head=shown_head, report=report)


def check_trees(base: RepoLayout, head: RepoLayout, fit: ReleaseFit | None = None) -> Report:
    """All data rules between two checked-out trees (paths in the report are repository-relative).

    Each broken rule is reported once: a released record that was edited or deleted is reported by
    the release check (naming the release, and the file and line it had on the base), so the
    append-only check leaves that record out, and a deleted file of released records is one problem.
    """
    report = Report()
    records, validation = read_records_dir(
        head.records_dir, shown_base=head.root, use_cache=True, seniority=base_standing(base)
    )
    frozen = verify_frozen(
        head,
        report,
        records,
        releases=released_hashes(base, Report()),
        locate=disk_locator(base),
    )
    check_append_only(base, head, report, skip=frozen)
    report.extend(validation)
    fold_dangling(base, head, records, report)
    check_release_rules(base, head, report, fit)
    return report


def fold_dangling(base: RepoLayout, head: RepoLayout, records: RecordSet, report: Report) -> None:
    """Fold the records that still name a record of a deleted file into that file's problem: one
    deleted model file is one problem, not one more per file of scores that named the model."""
    dangling = dangling_references(records)
    if not dangling or not base.records_dir.is_dir():
        return
    for base_path in record_files(base.records_dir):
        shown = base_path.relative_to(base.root).as_posix()
        kind, _ = kind_of(base_path, base.records_dir)
        if kind not in ("model", "benchmark", "ruler") or (head.root / shown).exists():
            continue
        held = _ids_in(base_path)
        gone = {key: naming for key, naming in dangling.items() if key[1] == kind and key[2] in held}
        deletion = next((p for p in report.problems if p.path == shown), None)
        if not gone or deletion is None:
            continue
        folded = {(path, dangling_words(what, value)) for path, what, value in gone}
        count = sum(len(naming) for naming in gone.values())
        files = ", ".join(sorted({path for path, _, _ in gone}))
        note = f"; {count} record{'s' if count != 1 else ''} in {files} still name what it held"
        report.problems[:] = [
            replace(p, message=p.message + note) if p is deletion else p
            for p in report.problems
            if not (p.kind == "reference" and any(p.path == f and p.message.endswith(w) for f, w in folded))
        ]


def _ids_in(path: Path) -> set[str]:
    """The ids of the records in the record file ``path`` (none when it does not parse)."""
    try:
        data = parse_yaml(path.read_bytes()).data
    except YamlProblem:
        return set()
    items = data.get("records") if isinstance(data, dict) else None
    return {str(i.get("id")) for i in items if isinstance(i, dict)} if isinstance(items, list) else set()


def check_append_only(
    base: RepoLayout, head: RepoLayout, report: Report, skip: FrozenCheck | None = None
) -> None:
    """Every record file of ``base`` still exists in ``head`` and starts with the same records
    (leaving out the records and deleted files ``skip`` has reported already)."""
    if not base.records_dir.is_dir():
        return
    done = skip.reported if skip is not None else frozenset()
    for base_path in record_files(base.records_dir):
        shown = base_path.relative_to(base.root).as_posix()
        head_path = head.root / shown
        kind, _ = kind_of(base_path, base.records_dir)
        if not head_path.is_file():
            if skip is None or shown not in skip.deleted_files:
                report.add(
                    shown,
                    0,
                    "record file deleted: records on the base branch are never deleted; to withdraw a "
                    "record, append a correction with retracted: true",
                    kind="history",
                )
            continue
        reported = {(i, r) for k, i, r in done if k == kind}
        compare_file(
            kind or "record", base_path.read_bytes(), head_path.read_bytes(), shown, report, reported
        )


def compare_file(
    kind: str,
    old: bytes,
    new: bytes,
    shown: str,
    report: Report,
    reported: set[tuple[str, int]] | None = None,
) -> None:
    """Report every record of ``old`` that ``new`` no longer holds, unchanged, at the same place
    (except the ``(id, revision)`` pairs already ``reported``)."""
    if old == new:
        return
    try:
        old_doc = parse_yaml(old)
        old_items = _records_of(old_doc)
    except YamlProblem:
        old_items = None
    if old_items is None:
        if not new.startswith(old):
            report.add(
                shown,
                0,
                "file changed before its end (the base version does not parse, so only "
                "appending bytes is allowed)",
                kind="history",
            )
        return
    try:
        new_doc = parse_yaml(new)
    except YamlProblem:
        return  # the validator reports the YAML error with its line
    new_items = _records_of(new_doc)
    if new_items is None:
        return  # likewise: the validator says what is wrong with the envelope
    if old_doc.data.get("schema_version") != new_doc.data.get("schema_version"):
        report.add(
            shown,
            new_doc.line_of(("schema_version",)),
            "schema_version changed in a file of released records",
            kind="history",
        )
    _compare_records(kind, old_items, new_items, old_doc, new_doc, shown, report, reported or set())


def _records_of(doc: Document) -> list[Any] | None:
    data = doc.data
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        return data["records"]
    return None


def _key(item: Any) -> tuple[Any, Any]:
    """A record's identity in a file: (id, revision)."""
    return (item.get("id"), item.get("revision", 1)) if isinstance(item, dict) else (None, None)


def _canonical(item: Any) -> str:
    return json.dumps(item, sort_keys=True, default=str)


def _compare_records(
    kind: str,
    old_items: list[Any],
    new_items: list[Any],
    old_doc: Document,
    new_doc: Document,
    shown: str,
    report: Report,
    reported: set[tuple[str, int]],
) -> None:
    """Align the two record lists and report, once each, every base record deleted, edited or moved
    (unless already ``reported``) and every new record placed before base records."""
    matcher = SequenceMatcher(
        None, [_canonical(i) for i in old_items], [_canonical(i) for i in new_items], autojunk=False
    )
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    kept_old = {i for b in blocks for i in range(b.a, b.a + b.size)}
    kept_new = {i for b in blocks for i in range(b.b, b.b + b.size)}
    new_by_key: dict[tuple[Any, Any], int] = {}
    for index, item in enumerate(new_items):
        if index not in kept_new and _key(item) != (None, None):
            new_by_key.setdefault(_key(item), index)
    accounted: set[int] = set()
    for index, item in enumerate(old_items):
        if index in kept_old:
            continue
        if _key(item) in reported:
            twin = new_by_key.get(_key(item))
            if twin is not None:
                accounted.add(twin)
            continue
        what = _describe(kind, item, old_doc.line_of(("records", index)))
        fix = _fix_hint(kind, item)
        twin = new_by_key.get(_key(item))
        if twin is None:
            following = next((b.b for b in blocks if b.a > index), None)
            line = (
                new_doc.line_of(("records", following))
                if following is not None
                else new_doc.line_of(("records", len(new_items) - 1))
                if new_items
                else 1
            )
            report.add(
                shown,
                line,
                f"{what} was deleted; records on the base branch are never deleted ({fix})",
                kind="history",
            )
            continue
        accounted.add(twin)
        if new_items[twin] == item:
            report.add(
                shown,
                new_doc.line_of(("records", twin)),
                f"{what} moved: records keep their place and new records are appended at the end of the file",
                kind="history",
            )
            continue
        changed = _changed_keys(item, new_items[twin])
        line = (
            new_doc.line_of(("records", twin, changed[0])) if changed else new_doc.line_of(("records", twin))
        )
        report.add(
            shown,
            line,
            f"{what} was edited ({', '.join(changed) or 'record'} changed); records on "
            f"the base branch are frozen: restore it and {fix}",
            kind="history",
        )
    last_kept = max(kept_new, default=-1)
    for index, item in enumerate(new_items[: last_kept + 1]):
        if index in kept_new or index in accounted:
            continue
        record_id, revision = _key(item)
        report.add(
            shown,
            new_doc.line_of(("records", index)),
            f"new {kind} {record_id!r} revision {revision} is placed before records of the base branch: "
            "records keep their place and new records are appended at the end of the file",
            kind="history",
        )


def _changed_keys(old: Any, new: Any) -> list[str]:
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []
    keys = list(old) + [k for k in new if k not in old]
    return [str(k) for k in keys if old.get(k) != new.get(k)]


def _describe(kind: str, item: Any, line: int) -> str:
    if isinstance(item, dict):
        return f"{kind} {item.get('id')!r} revision {item.get('revision', 1)} (base line {line})"
    return f"{kind} record at base line {line}"


def _fix_hint(kind: str, item: Any) -> str:
    if not isinstance(item, dict) or kind not in ("model", "score"):
        return "append a correction: same id, next revision, a correction_note"
    return (
        f"append a correction instead: `densing add {kind} --supersedes {item.get('id')} "
        "--correction-note ...`"
    )
