"""Build a release's exports from its records, deterministically: the same records, version, date and
library versions give the same bytes.

An export is ``{csv,json,parquet}/<table>.<fmt>`` with each format's ``datapackage.json``, plus
``release.json`` (version, date, previous, records hash, counts, record keys, retracted ids), and from
2026.12.4 on ``fit/``: the fit outputs of the release (docs/dev/fit-outputs.md), computed by the code
of the release's own commit (:class:`ReleaseFit`; the data layer does not fit, the caller says how).
The records of a release are those of its *records commit*: ``records_commit`` in its manifest, else
the commit that added ``releases/<version>/manifest.json`` or the tag ``data-v<version>``, whichever
holds records that hash to the manifest's ``records_sha256``.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from densing_data.contrib.gittree import GitError, materialise, resolve_commit, run_git
from densing_data.contrib.layout import RepoLayout
from densing_data.contrib.pr.diff import record_keys
from densing_data.contrib.release.files import EXPORT_META, FORMATS, MANIFEST, records_sha256
from densing_data.export import export_tables
from densing_data.loader import TABLE_NAMES, dataset_from_records
from densing_data.validate import RecordSet, read_records_dir

BUILD_LIBRARIES = ("pandas", "pyarrow")
"""Libraries whose version decides the exported bytes (Parquet embeds both); pinned by the lock."""
FIT_LIBRARIES = ("numpy", "scipy")
"""Libraries whose version also decides the fit outputs' bytes (with pandas); pinned by the lock."""
FIT_DIR = "fit"
"""The folder of an export holding the release's fit outputs."""


@dataclass(frozen=True)
class ReleaseFit:
    """How the fit outputs of a release are computed: given by the caller (the command line), since
    the data layer does not fit."""

    run: Callable[[Path, Path, str, Path], None]
    """``run(source, records_dir, version, out)``: write the fit outputs of ``records_dir`` as data
    version ``version`` into the new folder ``out``, computed by the code in ``source``; raise an
    exception whose message says why when it cannot."""
    sources: tuple[str, ...]
    """Repository folders holding that code (copied out of a release's commit to run it again)."""
    errors: tuple[type[Exception], ...]
    """The exceptions ``run`` raises when the outputs cannot be computed (reported, not raised)."""


def built_with(names: tuple[str, ...] = BUILD_LIBRARIES) -> dict[str, str]:
    """The installed versions of ``names`` (default :data:`BUILD_LIBRARIES`)."""
    return {name: importlib.metadata.version(name) for name in names}


def has_fit(manifest: dict[str, Any]) -> bool:
    """True when the release lists fit outputs (releases from 2026.12.4 on)."""
    return any(item["path"].startswith(f"{FIT_DIR}/") for item in manifest["files"])


def add_fit(fit: ReleaseFit, source: Path, records_dir: Path, version: str, out: Path) -> None:
    """Write the fit outputs of ``records_dir`` into ``out/fit`` (files 0644); :class:`RebuildError`
    with the reason when they cannot be computed."""
    try:
        fit.run(source, records_dir, version, out / FIT_DIR)
    except fit.errors as err:
        raise RebuildError(f"the fit outputs of release {version}: {err}") from None
    for path in (out / FIT_DIR).rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


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


def render_export_meta(meta: dict[str, Any]) -> bytes:
    """The bytes of ``release.json`` for :func:`export_meta`'s ``meta``."""
    return (json.dumps(meta, indent=2) + "\n").encode("utf-8")


def build_export(records: RecordSet, meta: dict[str, Any], out: Path) -> None:
    """Write every format and ``release.json`` of ``records`` into ``out`` (files 0644)."""
    dataset = dataset_from_records(records, meta["version"])
    for fmt in FORMATS:
        export_tables(dataset, out / fmt, fmt)  # type: ignore[arg-type]
    (out / EXPORT_META).write_bytes(render_export_meta(meta))
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
    layout: RepoLayout,
    version: str,
    manifest: dict[str, Any],
    out: Path,
    records_dir: Path | None = None,
    fit: ReleaseFit | None = None,
) -> str:
    """Rebuild release ``version``'s export into ``out`` from its records (see :func:`candidate_commits`;
    the working tree's when no commit holds the release yet, or ``records_dir``); return where the
    records came from. When the release lists fit outputs they are computed again by ``fit``, with the
    code of the records commit (the working tree's with ``records_dir``). Raise :class:`RebuildError`
    when no records hash to the manifest's ``records_sha256`` or the fit outputs cannot be computed."""
    want = manifest["records_sha256"]
    if has_fit(manifest) and fit is None:
        raise RebuildError(
            f"release {version} lists fit outputs ({FIT_DIR}/...); rebuilding them needs the fitter "
            "(`densing verify-release` runs it)"
        )
    sources = fit.sources if fit is not None and has_fit(manifest) else ()
    with tempfile.TemporaryDirectory(prefix="densing-rebuild-") as tmp:
        code = layout.root
        if records_dir is None:
            commits = candidate_commits(layout, version, manifest)
            tried = []
            for n, commit in enumerate(commits):
                dest = Path(tmp) / str(n)
                materialise(layout.root, commit, [layout.records], dest)
                digest = records_sha256(dest / layout.records)
                if digest == want:
                    records = read_release_records(dest / layout.records, commit)
                    records_dir = dest / layout.records
                    source = f"the records at commit {commit[:12]}"
                    if sources:
                        materialise(layout.root, commit, [*sources, layout.releases], dest)
                        code = dest
                    break
                tried.append(f"{commit[:12]} hashes to {digest[:12]}…")
            else:
                if commits or records_sha256(layout.records_dir) != want:
                    raise RebuildError(
                        f"no commit holds the records of release {version} (records_sha256 {want[:12]}…; "
                        f"{'; '.join(tried) or 'no candidate commit: was the release committed?'})"
                    )
                records = read_release_records(layout.records_dir, "the working tree")
                records_dir = layout.records_dir
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
        if fit is not None and sources:
            add_fit(fit, code, records_dir, version, out)
    return source
