"""Validate what a user names on the command line: records directories or single record files.

A directory is validated whole. A file is validated in the context of the records directory it
lies in (so its references can resolve), and only problems in the named files are reported. A file
that lies in no records directory is checked on its own: its path must still follow the contract.
"""

from __future__ import annotations

from pathlib import Path

from densing_data.record_files import FOLDER_KINDS, read_record_file
from densing_data.report import Report
from densing_data.validate import read_records_dir


def records_root_of(path: Path) -> Path | None:
    """The records directory a file belongs to: the parent of its kind folder, if any."""
    resolved = path.resolve()
    if resolved.parent.name in FOLDER_KINDS and resolved.parent.name != "references":
        return resolved.parent.parent
    if resolved.parent.parent.name == "references":
        return resolved.parent.parent.parent
    return None


def validate_paths(paths: list[Path]) -> Report:
    """Validate every named directory or file; return one report for all of them."""
    report = Report()
    files_by_root: dict[Path, set[str]] = {}
    for path in paths:
        if not path.exists():
            report.add(str(path), 0, "no such file or directory", kind="path")
        elif path.is_dir():
            _, found = read_records_dir(path, shown_base=Path.cwd())
            report.problems.extend(found.problems)
        else:
            root = records_root_of(path)
            if root is None:
                read_record_file(path, None, report, shown=str(path))
            else:
                files_by_root.setdefault(root, set()).add(_shown(path))
    for root, wanted in files_by_root.items():
        _, found = read_records_dir(root, shown_base=Path.cwd())
        report.problems.extend(p for p in found.problems if p.path in wanted)
    return report


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())
