"""Build a release's exports from its records, deterministically: the same records, version, date and
library versions give the same bytes.

An export is ``{csv,json,parquet}/<table>.<fmt>`` with each format's ``datapackage.json``, plus
``release.json`` (version, date, previous, records hash, counts, record keys, retracted ids). The
records of a release are those of its *records commit*: ``records_commit`` in its manifest, else the
commit that added ``releases/<version>/manifest.json`` or the tag ``data-v<version>``, whichever
holds records that hash to the manifest's ``records_sha256``.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import tempfile
from pathlib import Path
from typing import Any

from densing_data.contrib.diff import record_keys
from densing_data.contrib.gittree import GitError, materialise, resolve_commit, run_git
from densing_data.contrib.layout import RepoLayout
from densing_data.contrib.release_files import EXPORT_META, FORMATS, MANIFEST, records_sha256
from densing_data.export import export_tables
from densing_data.loader import TABLE_NAMES, dataset_from_records
from densing_data.validate import RecordSet, read_records_dir

BUILD_LIBRARIES = ("pandas", "pyarrow")
"""Libraries whose version decides the exported bytes (Parquet embeds both); pinned by the lock."""


def built_with() -> dict[str, str]:
    """The versions of :data:`BUILD_LIBRARIES` installed here."""
    return {name: importlib.metadata.version(name) for name in BUILD_LIBRARIES}


def counts(records: RecordSet) -> dict[str, int]:
    """Current records per kind."""
    return {kind: len(records.current(kind)) for kind in TABLE_NAMES}


def export_meta(
    version: str, date: str, previous: str | None, records_hash: str, records: RecordSet
) -> dict[str, Any]:
    """The content of an export's ``release.json``."""
    keys = record_keys(records)
    retracted = {
        kind: sorted(i for i, p in records.heads(kind).items() if p.record.retracted) for kind in keys
    }
    return {
        "version": version,
        "date": date,
        "previous": previous,
        "records_sha256": records_hash,
        "counts": counts(records),
        "formats": list(FORMATS),
        "records": keys,
        "retracted": retracted,
    }


def build_export(records: RecordSet, meta: dict[str, Any], out: Path) -> None:
    """Write every format and ``release.json`` of ``records`` into ``out`` (files 0644)."""
    dataset = dataset_from_records(records, meta["version"])
    for fmt in FORMATS:
        export_tables(dataset, out / fmt, fmt)  # type: ignore[arg-type]
    (out / EXPORT_META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    for path in out.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


class RebuildError(Exception):
    """The records a release was made from cannot be found or do not match its manifest."""


def candidate_commits(layout: RepoLayout, version: str, manifest: dict[str, Any]) -> list[str]:
    """Commits that may hold the records release ``version`` was made from, most likely first:
    ``records_commit`` when the manifest pins one; else the commit that added the manifest (the
    release pull request's commit), then the tag ``data-v<version>``. The caller keeps the first
    whose records hash to the manifest's ``records_sha256``."""
    where = (
        "fetch the whole history (`git fetch --unshallow --tags`, or `fetch-depth: 0` in actions/checkout)"
    )
    pinned = manifest.get("records_commit")
    if pinned:
        try:
            return [resolve_commit(layout.root, pinned)]
        except GitError:
            raise RebuildError(
                f"records commit {pinned[:12]} of release {version} is not in this clone: {where}"
            ) from None
    found = []
    rel = f"{layout.releases}/{version}/{MANIFEST}"
    try:
        out = run_git(layout.root, "log", "--diff-filter=A", "--format=%H", "--", rel)
        found += out.decode("ascii").split()[-1:]
    except GitError as err:
        raise RebuildError(str(err)) from None
    with contextlib.suppress(GitError):
        found.append(resolve_commit(layout.root, f"refs/tags/data-v{version}"))
    return list(dict.fromkeys(found))


def read_release_records(records_dir: Path, where: str) -> RecordSet:
    """The validated records of ``records_dir``; raise :class:`RebuildError` if they are invalid."""
    records, report = read_records_dir(records_dir, shown_base=records_dir.parent.parent)
    if not report.ok:
        raise RebuildError(f"the records of {where} do not validate:\n{report.render()}")
    return records


def rebuild(
    layout: RepoLayout, version: str, manifest: dict[str, Any], out: Path, records_dir: Path | None = None
) -> str:
    """Rebuild release ``version``'s export into ``out`` from its records (see :func:`candidate_commits`;
    the working tree's when no commit holds the release yet, or ``records_dir``); return where the
    records came from. Raise :class:`RebuildError` when no records hash to the manifest's
    ``records_sha256``."""
    want = manifest["records_sha256"]
    with tempfile.TemporaryDirectory(prefix="densing-rebuild-") as tmp:
        if records_dir is None:
            commits = candidate_commits(layout, version, manifest)
            tried = []
            for n, commit in enumerate(commits):
                dest = Path(tmp) / str(n)
                materialise(layout.root, commit, [layout.records], dest)
                digest = records_sha256(dest / layout.records)
                if digest == want:
                    records = read_release_records(dest / layout.records, commit)
                    source = f"the records at commit {commit[:12]}"
                    break
                tried.append(f"{commit[:12]} hashes to {digest[:12]}…")
            else:
                if commits or records_sha256(layout.records_dir) != want:
                    raise RebuildError(
                        f"no commit holds the records of release {version} (records_sha256 {want[:12]}…; "
                        f"{'; '.join(tried) or 'no candidate commit: was the release committed?'})"
                    )
                records = read_release_records(layout.records_dir, "the working tree")
                source = "the working tree's records (the release is not committed yet)"
        else:
            records = read_release_records(records_dir, "the working tree")
            digest = records_sha256(records_dir)
            if digest != want:
                raise RebuildError(
                    f"the working tree's records hash to {digest[:12]}…, not to the release's "
                    f"records_sha256 {want[:12]}…"
                )
            source = "the working tree's records"
        meta = export_meta(version, manifest["date"], manifest["previous"], want, records)
        build_export(records, meta, out)
    return source
