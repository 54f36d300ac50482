"""The files attached to a GitHub release of a data version (and archived by Zenodo).

One zip per format holding that format's tables, its ``datapackage.json`` and ``release.json``; for
releases with fit outputs one more, ``...-fit.zip`` (``fit/`` with its ``tracks/<id>/`` folders, and
``release.json``); ``release.json`` on its own; and ``SHA256SUMS`` over all of them. Zips are
byte-for-byte reproducible: members sorted, timestamps set to the release date, fixed permissions.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

from densing_data.contrib.release.build import FIT_DIR
from densing_data.contrib.release.files import EXPORT_META as MANIFEST
from densing_data.contrib.release.files import FORMATS, SUMS, sha256_file
from densing_data.contrib.release.verify import ASSET_STEM


def build_assets(directory: Path, version: str, out: Path) -> list[Path]:
    """Write the release assets of the export of ``version`` built (and verified) in ``directory``
    into ``out``; return their paths."""
    manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    stamp = dt.date.fromisoformat(manifest["date"]).timetuple()[:6]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    folders = [*FORMATS, *([FIT_DIR] if (directory / FIT_DIR).is_dir() else [])]
    for fmt in folders:
        name = f"{ASSET_STEM}-{version}-{fmt}"
        target = out / f"{name}.zip"
        members = [(p.relative_to(directory / fmt).as_posix(), p) for p in (directory / fmt).rglob("*")]
        members = sorted((rel, p) for rel, p in members if p.is_file())
        members.append((MANIFEST, directory / MANIFEST))
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for rel, member in members:
                info = zipfile.ZipInfo(f"{name}/{rel}", stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 3
                archive.writestr(info, member.read_bytes(), compresslevel=9)
        written.append(target)
    manifest_copy = out / f"{ASSET_STEM}-{version}-{MANIFEST}"
    manifest_copy.write_bytes((directory / MANIFEST).read_bytes())
    written.append(manifest_copy)
    sums = out / SUMS
    sums.write_text("".join(f"{sha256_file(p)}  {p.name}\n" for p in sorted(written)), encoding="utf-8")
    written.append(sums)
    return written
