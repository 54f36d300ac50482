"""``SHA256SUMS`` of a version's frozen pages: one line per file, so that anyone can prove a frozen page
unchanged (``sha256sum -c SHA256SUMS`` in a copy) and the deploy can keep a published copy intact."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

SUMS = "SHA256SUMS"
_LINE = re.compile(r"^(?P<hash>[0-9a-f]{64})  (?P<path>[^\s/][^\n]*)$")


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_sums(folder: Path) -> Path:
    """Write ``folder/SHA256SUMS`` over every other file below ``folder`` (sorted POSIX paths)."""
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    lines = [f"{file_sha256(folder / rel)}  {rel}\n" for rel in files if rel != SUMS]
    target = folder / SUMS
    target.write_text("".join(lines), encoding="utf-8")
    return target


def parse_sums(text: str, shown: str) -> dict[str, str]:
    """Path -> sha256 of a ``SHA256SUMS`` text; ValueError naming ``shown`` and the line when one is
    not ``<64 hex>  <relative path>`` or a path leaves the folder."""
    out = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LINE.match(line)
        if match is None or ".." in match["path"].split("/"):
            raise ValueError(f"{shown}:{number}: expected '<sha256>  <relative path>', got {line[:80]!r}")
        out[match["path"]] = match["hash"]
    if not out:
        raise ValueError(f"{shown}: lists no file")
    return out


def check_folder(folder: Path) -> list[str]:
    """Problems of ``folder`` against its ``SHA256SUMS``: files changed, missing or not listed."""
    sums = folder / SUMS
    try:
        want = parse_sums(sums.read_text(encoding="utf-8"), str(sums))
    except (OSError, ValueError) as err:
        return [str(err)]
    have = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {SUMS}
    problems = [f"{folder}/{rel}: listed in {SUMS} but missing" for rel in sorted(set(want) - have)]
    problems += [f"{folder}/{rel}: not listed in {SUMS}" for rel in sorted(have - set(want))]
    problems += [
        f"{folder}/{rel}: sha256 {file_sha256(folder / rel)[:12]}…, {SUMS} says {want[rel][:12]}…"
        for rel in sorted(have & set(want))
        if file_sha256(folder / rel) != want[rel]
    ]
    return problems
