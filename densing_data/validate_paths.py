"""Validate what a user names on the command line: records directories or single record files.

A directory is validated whole. A file is validated in the context of the records directory it
lies in (so its references resolve and its ids are checked against every other file), and only
problems in the named files are reported; a duplicate id between a named file and another file is
blamed on the named file's record unless that one is released (see ``standing``). A file that lies
in no records directory is checked on its own: its path must still follow the contract.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from densing_data.record_files import FOLDER_KINDS, read_record_file
from densing_data.report import Report
from densing_data.validate import Seniority, read_records_dir

StandingFor = Callable[[Path, "set[str] | None"], Seniority]
"""(records directory, shown paths of the named files in it or None for the whole directory) ->
the standing of its records when two share an id and revision."""


def records_root_of(path: Path) -> Path | None:
    """The records directory a file belongs to: the parent of its kind folder, if any."""
    resolved = path.resolve()
    if resolved.parent.name in FOLDER_KINDS and resolved.parent.name != "references":
        return resolved.parent.parent
    if resolved.parent.parent.name == "references":
        return resolved.parent.parent.parent
    return None


def validate_paths(paths: list[Path], standing: StandingFor | None = None) -> Report:
    """Validate every named directory or file; return one report for all of them (each problem
    once, however often its file was named)."""
    report = Report()
    files_by_root: dict[Path, set[str]] = {}
    dirs: dict[Path, Path] = {}
    for path in paths:
        if not path.exists():
            report.add(str(path), 0, "no such file or directory", kind="path")
        elif path.is_dir():
            dirs.setdefault(path.resolve(), path)
        else:
            root = records_root_of(path)
            if root is None:
                read_record_file(path, None, report, shown=str(path))
            else:
                files_by_root.setdefault(root, set()).add(_shown(path))
    for path in dirs.values():
        seniority = standing(path, None) if standing is not None else None
        _, found = read_records_dir(path, shown_base=Path.cwd(), seniority=seniority)
        report.extend(found)
    for root, wanted in files_by_root.items():
        if root in dirs:
            continue  # validated whole above
        seniority = standing(root, wanted) if standing is not None else None
        _, found = read_records_dir(root, shown_base=Path.cwd(), seniority=seniority)
        report.problems.extend(p for p in found.problems if p.path in wanted)
    return report


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())
