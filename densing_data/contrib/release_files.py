"""The files of a frozen release and their hashes: ``SHA256SUMS``, ``release.json``, ``index.json``.

Layout (documented for users in ``releases/README.md``)::

    releases/index.json                  every release, newest first, with date and hashes
    releases/<version>/release.json      version, date, previous version, record keys, counts
    releases/<version>/SHA256SUMS        sha256 of every other file of the release (sha256sum format)
    releases/<version>/{csv,json,parquet}/<table>.<fmt> + datapackage.json
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from densing_data.contrib.layout import RepoLayout
from densing_data.report import Report
from densing_data.validate import record_files

SUMS = "SHA256SUMS"
MANIFEST = "release.json"
FORMATS = ("csv", "json", "parquet")

_SUM_LINE = re.compile(r"^(?P<hash>[0-9a-f]{64})  (?P<path>[A-Za-z0-9._/-]+)$")


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def records_sha256(records_dir: Path) -> str:
    """One hash of a whole records directory: sha256 over ``<file sha256>  <relative path>`` lines."""
    lines = [
        f"{sha256_file(path)}  {path.relative_to(records_dir).as_posix()}\n"
        for path in record_files(records_dir)
    ]
    return sha256_bytes("".join(sorted(lines, key=lambda line: line[66:])).encode("utf-8"))


def release_files(directory: Path) -> list[str]:
    """Every file of a release directory except ``SHA256SUMS``, as sorted POSIX relative paths."""
    paths = (p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())
    return sorted(rel for rel in paths if rel != SUMS)


def render_sums(directory: Path) -> str:
    """``SHA256SUMS`` text for a release directory (checkable with ``sha256sum -c``)."""
    return "".join(f"{sha256_file(directory / rel)}  {rel}\n" for rel in release_files(directory))


def read_index(layout: RepoLayout) -> dict[str, Any]:
    """``releases/index.json`` (an empty index when there is none yet)."""
    if not layout.index_file.exists():
        return {"latest": None, "releases": []}
    data = json.loads(layout.index_file.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("releases"), list):
        raise ValueError(f"{layout.index_file} must hold {{'latest': ..., 'releases': [...]}}")
    return data


def index_entry(layout: RepoLayout, version: str, manifest: dict[str, Any]) -> dict[str, Any]:
    """The ``index.json`` entry of a frozen release directory."""
    directory = layout.release_dir(version)
    files = [
        {"path": rel, "sha256": sha256_file(directory / rel), "bytes": (directory / rel).stat().st_size}
        for rel in release_files(directory)
    ]
    return {
        "version": version,
        "date": manifest["date"],
        "previous": manifest["previous"],
        "path": f"{version}/",
        "sha256sums": sha256_file(directory / SUMS),
        "records_sha256": manifest["records_sha256"],
        "counts": manifest["counts"],
        "files": files,
    }


def verify_release(layout: RepoLayout, version: str) -> Report:
    """Check a frozen release: every file listed in ``SHA256SUMS`` with the right hash, no file
    unlisted, ``release.json`` naming this version, and ``index.json`` agreeing."""
    report = Report()
    directory = layout.release_dir(version)
    shown = f"{layout.releases}/{version}"
    sums = directory / SUMS
    if not sums.is_file():
        report.add(
            f"{shown}/{SUMS}",
            0,
            f"release {version} has no {SUMS} (is it a release made by `densing release`?)",
            kind="release",
        )
        return report
    listed = _check_sums(sums, directory, f"{shown}/{SUMS}", report)
    for rel in release_files(directory):
        if rel not in listed:
            report.add(
                f"{shown}/{rel}",
                0,
                f"file is not listed in {SUMS}; a release holds only the files `densing release` wrote",
                kind="release",
            )
    manifest = read_manifest(layout, version, report)
    if manifest is not None:
        _check_index(layout, version, manifest, report)
    return report


def _check_sums(sums: Path, directory: Path, shown: str, report: Report) -> set[str]:
    listed: set[str] = set()
    for number, line in enumerate(sums.read_text(encoding="utf-8").splitlines(), start=1):
        match = _SUM_LINE.match(line)
        if match is None:
            report.add(shown, number, f"expected '<sha256>  <path>', got {line[:80]!r}", kind="release")
            continue
        rel = match["path"]
        listed.add(rel)
        target = directory / rel
        if ".." in rel.split("/") or not target.is_file():
            report.add(shown, number, f"{rel} is listed but missing", kind="release")
        elif sha256_file(target) != match["hash"]:
            report.add(
                shown,
                number,
                f"{rel} does not match its sha256 {match['hash'][:12]}… (the file "
                "changed after release; a published version never changes)",
                kind="release",
            )
    return listed


MANIFEST_KEYS = ("version", "date", "previous", "records_sha256", "counts", "formats", "records", "retracted")
"""Keys of ``release.json``, in the order they are written."""


def read_manifest(layout: RepoLayout, version: str, report: Report) -> dict[str, Any] | None:
    """``releases/<version>/release.json``, or None with the reason in ``report``."""
    path = layout.release_dir(version) / MANIFEST
    shown = f"{layout.releases}/{version}/{MANIFEST}"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        report.add(shown, 0, f"cannot read the release manifest: {err}", kind="release")
        return None
    if not isinstance(manifest, dict) or manifest.get("version") != version:
        got = manifest.get("version") if isinstance(manifest, dict) else manifest
        report.add(shown, 0, f"release.json names version {got!r}, expected {version!r}", kind="release")
        return None
    missing = [key for key in MANIFEST_KEYS if key not in manifest]
    if missing:
        report.add(shown, 0, f"release.json lacks {', '.join(missing)}", kind="release")
        return None
    try:
        dt.date.fromisoformat(manifest["date"])
    except (TypeError, ValueError):
        report.add(shown, 0, f"release.json date {manifest['date']!r} is not YYYY-MM-DD", kind="release")
        return None
    return manifest


def _check_index(layout: RepoLayout, version: str, manifest: dict[str, Any], report: Report) -> None:
    shown = f"{layout.releases}/index.json"
    try:
        index = read_index(layout)
    except ValueError as err:
        report.add(shown, 0, str(err), kind="release")
        return
    entries = [e for e in index["releases"] if isinstance(e, dict) and e.get("version") == version]
    if len(entries) != 1:
        report.add(
            shown, 0, f"expected one entry for release {version}, found {len(entries)}", kind="release"
        )
    elif entries[0] != index_entry(layout, version, manifest):
        report.add(
            shown,
            0,
            f"the entry of release {version} does not match its files and release.json",
            kind="release",
        )
