"""Nothing a reader sees names internal tooling: no tracked file (vendored code aside) and no current
record revision says how a source was reached through a search index, its copies of pages or a lent machine.

Superseded record revisions may keep their old text: released revisions never change (they are
history), and the public-sources pass (``python -m densing_data.importers.public_sources``) gives every
current one a corrected revision.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

from densing_data.importers.public_sources import find_internal_phrases
from densing_data.store import record_to_yaml_dict
from densing_data.validate import KINDS, read_records_dir

ROOT = Path(__file__).resolve().parents[1]
RECORDS = "densing_data/records/"
VENDORED = "site_src/assets/vendor/"


def tracked_text_files() -> Iterator[tuple[str, str]]:
    """(path, text) of every tracked UTF-8 file outside vendored code and the record files."""
    out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True)
    for name in out.stdout.decode("utf-8").split("\0"):
        if not name or name.startswith((VENDORED, RECORDS)):
            continue
        path = ROOT / name
        if not path.is_file():  # deleted in the work tree, not yet committed
            continue
        try:
            yield name, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # images and other binary files carry no prose
            continue


def test_no_tracked_file_names_internal_tooling() -> None:
    found = []
    for name, text in tracked_text_files():
        for phrase in find_internal_phrases(text):
            line = text.count("\n", 0, phrase.start) + 1
            found.append(f"{name}:{line}: names {phrase.what}: {phrase.text!r}")
    assert not found, "say what a reader can check instead:\n" + "\n".join(found)


def test_the_file_scan_sees_the_documents_it_guards() -> None:
    names = {name for name, _ in tracked_text_files()}
    assert {"README.md", "benchmarks/RESULTS.md", "densing_data/importers/NOT_IMPORTED.md"} <= names
    assert any(name.startswith("densing_data/importers/left_out/") for name in names)


def test_no_current_record_names_internal_tooling() -> None:
    records, report = read_records_dir(ROOT / RECORDS)
    assert report.ok, report.render()
    found = []
    for kind in KINDS:
        for parsed in records.current(kind):
            for where, text in _texts(record_to_yaml_dict(parsed.record)):
                found += [
                    f"{parsed.path}:{parsed.line}: {kind} {parsed.record.id} {where}: {phrase.text!r}"
                    for phrase in find_internal_phrases(text)
                ]
    assert not found, (
        f"{len(found)} current record text(s) name internal tooling; run "
        "`python -m densing_data.importers.public_sources` (and add a rule if it reports any):\n"
        + "\n".join(found[:20])
    )


def _texts(value: object, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{where}.{index}")
    elif isinstance(value, str):
        yield where, value
