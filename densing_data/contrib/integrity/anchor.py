"""A release's manifest as the commit that released it holds it, and what changed since.

A manifest cannot vouch for itself: whoever edits a released record can edit its hash in the
manifest too. So each release's manifest is read as it was *committed*: at the tag
``data-v<version>`` when the clone has it and the tagged tree holds the manifest, else at the
commit that first added ``releases/<version>/manifest.json`` to the history of ``HEAD`` (the
release pull request's commit; for 2026.11.0, made before manifests existed, the commit that added
its manifest). The working tree's manifest must equal it; the record hashes checked against the
records are the committed ones. A release that history or a tag knows of but the working tree
lacks is reported too. A shallow clone cannot show either commit and is refused with the command
that fetches them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from densing_data.contrib.gittree import GitError, read_tree, resolve_commit, run_git
from densing_data.contrib.layout import RepoLayout, parse_version
from densing_data.contrib.release.files import MANIFEST, read_manifest, release_versions
from densing_data.report import Report

FETCH_HINT = "fetch the whole history and the tags: `git fetch --unshallow --tags` (CI: fetch-depth: 0)"
LISTED = 3
"""Changed record hashes or files named in one problem; the rest are counted."""


@dataclass(frozen=True)
class Anchor:
    """Where release ``version``'s manifest was committed, and its content there."""

    version: str
    commit: str | None
    """The commit holding the authoritative manifest (None when none does yet)."""
    source: str
    """That commit in words, for messages."""
    manifest: dict[str, Any] | None
    """The manifest as committed there (None when not committed)."""


def is_shallow(layout: RepoLayout) -> bool:
    """True in a shallow clone (history cut off), where release commits may be missing."""
    out = run_git(layout.root, "rev-parse", "--is-shallow-repository")
    return out.decode("ascii").strip() == "true"


def manifest_path(layout: RepoLayout, version: str) -> str:
    """``releases/<version>/manifest.json``, repository-relative."""
    return f"{layout.releases}/{version}/{MANIFEST}"


def adding_commit(layout: RepoLayout, version: str) -> str | None:
    """The oldest commit in ``HEAD``'s history that added release ``version``'s manifest."""
    try:
        out = run_git(
            layout.root, "log", "--diff-filter=A", "--format=%H", "HEAD", "--", manifest_path(layout, version)
        )
    except GitError:
        return None  # no commit yet
    commits = out.decode("ascii").split()
    return commits[-1] if commits else None


def _committed_manifest(layout: RepoLayout, commit: str, version: str) -> dict[str, Any] | None:
    rel = manifest_path(layout, version)
    data = read_tree(layout.root, commit, [rel]).get(rel)
    if data is None:
        return None
    try:
        manifest = json.loads(data)
    except ValueError:
        return None
    return manifest if isinstance(manifest, dict) else None


def release_anchor(layout: RepoLayout, version: str, report: Report) -> Anchor:
    """Release ``version``'s anchor (see the module docstring); a tag and an adding commit that
    disagree are reported."""
    shown = manifest_path(layout, version)
    added = adding_commit(layout, version)
    from_added = _committed_manifest(layout, added, version) if added else None
    try:
        tagged = resolve_commit(layout.root, f"refs/tags/data-v{version}")
    except GitError:
        tagged = None
    from_tag = _committed_manifest(layout, tagged, version) if tagged else None
    if from_tag is not None:
        if from_added is not None and from_added != from_tag:
            report.add(
                shown,
                0,
                f"tag data-v{version} ({tagged[:12]}) and commit {added[:12]}, which added the manifest, "
                "hold different manifests of this release: the tag names the release; find out who "
                "changed it",
                kind="release",
            )
        return Anchor(version, tagged, f"tag data-v{version}, commit {tagged[:12]}", from_tag)
    if from_added is not None:
        return Anchor(version, added, f"commit {added[:12]}, which added it", from_added)
    return Anchor(version, None, "no commit (the release is not committed yet)", None)


def check_anchored(layout: RepoLayout, anchor: Anchor, current: dict[str, Any], report: Report) -> None:
    """Report every difference between the working tree's manifest ``current`` and the committed one,
    naming the release, the key, the line and (for record hashes) the records."""
    if anchor.manifest is None:
        return
    shown = manifest_path(layout, anchor.version)
    text = layout.path(shown).read_text(encoding="utf-8") if layout.path(shown).is_file() else ""
    before = anchor.manifest
    for key in sorted(set(before) | set(current)):
        if before.get(key) == current.get(key):
            continue
        first = json.dumps(key)
        if (
            key == "record_sha256"
            and isinstance(before.get(key), dict)
            and isinstance(current.get(key), dict)
        ):
            what, ids = _hash_changes(before[key], current[key])
            first = json.dumps(ids[0], ensure_ascii=False) if ids else first
        elif key == "files" and isinstance(before.get(key), list) and isinstance(current.get(key), list):
            what = _file_changes(before[key], current[key])
        else:
            what = f"{key} is {_short(current.get(key))}, was {_short(before.get(key))}"
        report.add(
            shown,
            _line_of(text, f"{first}:"),
            f"release {anchor.version}'s manifest differs from the released one ({anchor.source}): "
            f"{what}; a released manifest never changes: restore it",
            kind="release",
        )


def _line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 0


def _hash_changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[str, list[str]]:
    """The changed record hashes in words, and the ids of the records they belong to."""
    changed, ids = [], []
    for kind in sorted(set(before) | set(after)):
        old_ids, new_ids = before.get(kind) or {}, after.get(kind) or {}
        for record_id in sorted(set(old_ids) | set(new_ids)):
            old_revs, new_revs = old_ids.get(record_id) or {}, new_ids.get(record_id) or {}
            for revision in sorted(set(old_revs) | set(new_revs), key=str):
                old, new = old_revs.get(revision), new_revs.get(revision)
                if old != new:
                    verb = "added" if old is None else "removed" if new is None else "changed"
                    changed.append(f"{kind} {record_id!r} revision {revision} {verb}")
                    ids.append(record_id)
    return _listed("record_sha256", changed), ids


def _file_changes(before: list[Any], after: list[Any]) -> str:
    old = {item.get("path"): item for item in before if isinstance(item, dict)}
    new = {item.get("path"): item for item in after if isinstance(item, dict)}
    changed = [
        f"{path} {'added' if path not in old else 'removed' if path not in new else 'changed'}"
        for path in sorted(set(old) | set(new), key=str)
        if old.get(path) != new.get(path)
    ]
    return _listed("files", changed)


def _listed(key: str, changed: list[str]) -> str:
    named = "; ".join(changed[:LISTED])
    more = f"; and {len(changed) - LISTED} more" if len(changed) > LISTED else ""
    return f"{key}: {named}{more}" if changed else f"{key} reordered"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class Anchored:
    """Every release's anchor, and the record hashes to check the records against."""

    anchors: dict[str, Anchor]
    """Version -> anchor, oldest first."""
    hashes: list[tuple[str, Any]]
    """``(version, record_sha256)`` oldest first: the committed manifest's where there is one."""


def anchored_releases(layout: RepoLayout, report: Report) -> Anchored:
    """Anchor every release of ``layout`` and check its working-tree manifest against it; report
    releases removed from the working tree and a shallow clone."""
    versions = release_versions(layout)
    try:
        if is_shallow(layout):
            report.add(
                layout.releases,
                0,
                f"this is a shallow clone: the commits that made the releases are not here, so the "
                f"manifests cannot be checked against them; {FETCH_HINT}",
                kind="release",
            )
            return Anchored({}, [])
        _report_removed(layout, versions, report)
        anchors = {v: release_anchor(layout, v, report) for v in versions}
    except GitError as err:
        report.add(layout.releases, 0, f"cannot read the release history: {err}", kind="release")
        return Anchored({}, [])
    hashes = []
    for version, anchor in anchors.items():
        current = read_manifest(layout, version, report)
        if current is not None:
            check_anchored(layout, anchor, current, report)
        manifest = anchor.manifest if anchor.manifest is not None else current
        if isinstance(manifest, dict) and isinstance(manifest.get("record_sha256"), dict):
            hashes.append((version, manifest["record_sha256"]))
    return Anchored(anchors, hashes)


def _report_removed(layout: RepoLayout, versions: list[str], report: Report) -> None:
    """Releases whose manifest ``HEAD``'s history added, or whose tag exists, but the working tree lacks."""
    known: dict[str, str] = {}
    try:
        out = run_git(
            layout.root,
            "log",
            "--diff-filter=A",
            "--name-only",
            "--format=",
            "HEAD",
            "--",
            f"{layout.releases}/*/{MANIFEST}",
        )
        for path in out.decode("utf-8").split():
            known.setdefault(path.split("/")[-2], "its manifest was committed")
    except GitError:
        pass  # no commit yet
    for tag in run_git(layout.root, "tag", "--list", "data-v*").decode("utf-8").split():
        known.setdefault(tag.removeprefix("data-v"), f"tag {tag} exists")
    for version, why in sorted(known.items()):
        try:
            parse_version(version)
        except ValueError:
            continue
        if version not in versions:
            report.add(
                f"{layout.releases}/{version}",
                0,
                f"release {version} was removed ({why}): a published version never changes; restore "
                f"{layout.releases}/{version}/",
                kind="release",
            )
