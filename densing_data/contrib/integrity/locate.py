"""Where a released record revision was: its file and line in an older tree of record files.

A released record that is missing from the records is reported at the file and line it had in the
tree it was released from (``check-pr``: the base branch; ``verify-release``: the release's records
commit), not at the records folder. Models, benchmarks and rulers live in ``<folder>/<id>.yaml``;
scores and references are found by searching their folder's files for the id, so only files that
mention it are parsed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from densing_data.contrib.gittree import GitError, read_tree
from densing_data.contrib.layout import RepoLayout
from densing_data.contrib.release.record_hashes import Released
from densing_data.schema.records import KIND_FOLDERS
from densing_data.strict_yaml import YamlProblem, parse_yaml

FolderReader = Callable[[str], dict[str, bytes]]
"""Repository-relative folder -> {repository-relative path: bytes} of every file below it."""


@dataclass(frozen=True)
class Located:
    """A record revision's place in a tree of record files."""

    path: str
    """Repository-relative file."""
    line: int
    """1-based line of the record's first key."""


class RecordLocator:
    """Finds released record revisions in one tree of record files (files read once per folder)."""

    def __init__(self, records: str, read_folder: FolderReader) -> None:
        self.records = records
        self._read_folder = read_folder
        self._folders: dict[str, dict[str, bytes]] = {}

    def __call__(self, item: Released) -> Located | None:
        """The file and line of ``item`` in this tree, or None when the tree does not hold it."""
        folder = f"{self.records}/{KIND_FOLDERS[item.kind]}"
        if folder not in self._folders:
            try:
                self._folders[folder] = self._read_folder(folder)
            except (GitError, OSError):
                self._folders[folder] = {}
        files = self._folders[folder]
        direct = f"{folder}/{item.record_id}.yaml"
        candidates = [direct] if direct in files else []
        needle = item.record_id.encode("utf-8")
        candidates += [path for path, data in sorted(files.items()) if path != direct and needle in data]
        for path in candidates:
            line = _line_of(files[path], item.record_id, item.revision)
            if line is not None:
                return Located(path=path, line=line)
        return None


def _line_of(data: bytes, record_id: str, revision: int) -> int | None:
    try:
        doc = parse_yaml(data)
    except YamlProblem:
        return None
    items = doc.data.get("records") if isinstance(doc.data, dict) else None
    for index, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict) and item.get("id") == record_id and item.get("revision", 1) == revision:
            return doc.line_of(("records", index))
    return None


def disk_locator(layout: RepoLayout) -> RecordLocator:
    """A locator over the record files of a checked-out tree (``check-pr``'s base)."""

    def read_folder(folder: str) -> dict[str, bytes]:
        root = layout.root / folder
        if not root.is_dir():
            return {}
        return {
            p.relative_to(layout.root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*.yaml"))
            if p.is_file() and not p.is_symlink()
        }

    return RecordLocator(layout.records, read_folder)


def git_locator(repo: Path, commit: str, records: str) -> RecordLocator:
    """A locator over the record files of ``commit`` in ``repo``."""
    return RecordLocator(records, lambda folder: read_tree(repo, commit, [folder]))
