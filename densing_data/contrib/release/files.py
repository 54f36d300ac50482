"""The tracked files of a release and their hashes: ``manifest.json``, ``SHA256SUMS``, ``index.json``.

A release keeps in git only what reproduces and verifies it (documented for users in
``releases/README.md``)::

    releases/index.json                  every release, newest first, with date and hashes
    releases/<version>/manifest.json     version, date, previous, the records' commit and hash, the
                                         sha256 and size of every export file, the sha256 of every
                                         record revision it published first
    releases/<version>/SHA256SUMS        the export files' sha256 (``sha256sum -c`` format)

The exports themselves (``{csv,json,parquet}/<table>.<fmt>`` + ``datapackage.json``, and
``release.json``) are rebuilt from the records by :mod:`densing_data.contrib.release.build`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from densing_data.contrib.layout import RepoLayout, parse_version
from densing_data.contrib.release.record_hashes import RecordHashes, hashes_from_json
from densing_data.report import Report
from densing_data.validate import record_files

SUMS = "SHA256SUMS"
MANIFEST = "manifest.json"
EXPORT_META = "release.json"
"""The export's own metadata file (version, counts, record keys), rebuilt like the tables."""
FORMATS = ("csv", "json", "parquet")

SUM_LINE = re.compile(r"^(?P<hash>[0-9a-f]{64})  (?P<path>[A-Za-z0-9._/-]+)$")

MANIFEST_KEYS = (
    "version",
    "date",
    "previous",
    "records_commit",
    "records_sha256",
    "built_with",
    "counts",
    "formats",
    "sha256sums",
    "files",
    "record_sha256",
)
"""Keys of ``manifest.json``, in the order they are written."""


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


def export_files(directory: Path) -> list[str]:
    """Every file of a built export except ``SHA256SUMS``, as sorted POSIX relative paths."""
    paths = (p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())
    return sorted(rel for rel in paths if rel != SUMS)


def file_entries(directory: Path) -> list[dict[str, Any]]:
    """``[{"path", "sha256", "bytes"}]`` of every export file below ``directory``."""
    return [
        {"path": rel, "sha256": sha256_file(directory / rel), "bytes": (directory / rel).stat().st_size}
        for rel in export_files(directory)
    ]


def render_sums(files: list[dict[str, Any]]) -> str:
    """``SHA256SUMS`` text for the file entries of a manifest (checkable with ``sha256sum -c``)."""
    return "".join(f"{item['sha256']}  {item['path']}\n" for item in files)


def render_manifest(manifest: dict[str, Any]) -> str:
    """``manifest.json`` text: indented JSON, one line per record id in ``record_sha256`` (compact)."""
    head = {key: manifest[key] for key in MANIFEST_KEYS if key != "record_sha256"}
    text = json.dumps(head, indent=2, ensure_ascii=False)[: -len("\n}")]
    kinds = []
    for kind, ids in manifest["record_sha256"].items():
        lines = [f"      {json.dumps(i, ensure_ascii=False)}: {json.dumps(r)}" for i, r in ids.items()]
        body = ",\n".join(lines)
        kinds.append(f'    "{kind}": {{\n{body}\n    }}' if lines else f'    "{kind}": {{}}')
    return text + ',\n  "record_sha256": {\n' + ",\n".join(kinds) + "\n  }\n}\n"


def read_index(layout: RepoLayout) -> dict[str, Any]:
    """``releases/index.json`` (an empty index when there is none yet)."""
    if not layout.index_file.exists():
        return {"latest": None, "releases": []}
    data = json.loads(layout.index_file.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("releases"), list):
        raise ValueError(f"{layout.index_file} must hold {{'latest': ..., 'releases': [...]}}")
    return data


def index_entry(version: str, manifest: dict[str, Any]) -> dict[str, Any]:
    """The ``index.json`` entry of a release (the site's data page reads these)."""
    return {
        "version": version,
        "date": manifest["date"],
        "previous": manifest["previous"],
        "path": f"{version}/",
        "sha256sums": manifest["sha256sums"],
        "records_sha256": manifest["records_sha256"],
        "counts": manifest["counts"],
        "files": manifest["files"],
    }


def release_versions(layout: RepoLayout) -> list[str]:
    """Versions with a ``releases/<version>/`` directory, oldest first."""
    if not layout.releases_dir.is_dir():
        return []
    found = []
    for path in layout.releases_dir.iterdir():
        if path.is_dir() and not path.name.startswith("."):
            try:
                found.append((parse_version(path.name), path.name))
            except ValueError:
                continue
    return [name for _, name in sorted(found)]


def read_manifest(layout: RepoLayout, version: str, report: Report) -> dict[str, Any] | None:
    """``releases/<version>/manifest.json``, checked for shape, or None with the reason in ``report``."""
    shown = f"{layout.releases}/{version}/{MANIFEST}"
    try:
        manifest = json.loads((layout.release_dir(version) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        report.add(shown, 0, f"cannot read the release manifest: {err}", kind="release")
        return None
    if not isinstance(manifest, dict) or manifest.get("version") != version:
        got = manifest.get("version") if isinstance(manifest, dict) else manifest
        report.add(shown, 0, f"manifest names version {got!r}, expected {version!r}", kind="release")
        return None
    missing = [key for key in MANIFEST_KEYS if key not in manifest]
    if missing:
        report.add(shown, 0, f"manifest lacks {', '.join(missing)}", kind="release")
        return None
    try:
        dt.date.fromisoformat(manifest["date"])
        hashes_from_json(manifest["record_sha256"])
        _check_files(manifest["files"])
    except (TypeError, ValueError) as err:
        report.add(shown, 0, f"manifest is malformed: {err}", kind="release")
        return None
    return manifest


def _check_files(files: Any) -> None:
    if not isinstance(files, list) or not files:
        raise ValueError("files must be a non-empty list")
    for item in files:
        path = item.get("path") if isinstance(item, dict) else None
        if not isinstance(path, str) or not SUM_LINE.match(f"{item.get('sha256')}  {path}"):
            raise ValueError(f"bad file entry {item!r}")
        if ".." in path.split("/"):
            raise ValueError(f"file path {path!r} leaves the release")


def released_hashes(
    layout: RepoLayout, report: Report, upto: str | None = None
) -> list[tuple[str, RecordHashes]]:
    """``(version, record_sha256)`` of every release (up to and including ``upto``), oldest first;
    unreadable manifests are reported and left out."""
    out = []
    for version in release_versions(layout):
        if upto is not None and parse_version(version) > parse_version(upto):
            break
        manifest = read_manifest(layout, version, report)
        if manifest is not None:
            out.append((version, manifest["record_sha256"]))
    return out
