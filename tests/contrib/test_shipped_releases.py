"""The releases shipped in this repository: lean (< 1 MB tracked) and reproducible from their records."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from densing_data.contrib.release.build import built_with
from tests.contrib.conftest import REAL_ROOT, git, run_cli, shown


def tracked(prefix: str) -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(REAL_ROOT), "ls-files", "-z", prefix], capture_output=True, check=True
    ).stdout
    return [p for p in out.decode().split("\0") if p]


def test_tracked_release_files_weigh_under_a_megabyte() -> None:
    files = tracked("releases")
    assert "releases/2026.11.0/manifest.json" in files
    assert sum((REAL_ROOT / p).stat().st_size for p in files) < 1_000_000


def test_every_shipped_release_rebuilds_from_its_records_to_its_manifest() -> None:
    commit = "b0fa9cf4e7339eaa813f54bbd7e63bffb4943da2"  # the records 2026.11.0 was made from
    if subprocess.run(["git", "-C", str(REAL_ROOT), "cat-file", "-e", commit], check=False).returncode:
        pytest.skip(f"shallow clone: {commit[:12]} is not here (CI checks out with fetch-depth: 0)")
    result = run_cli("verify-release", "--repo", str(REAL_ROOT))
    assert result.exit_code == 0, shown(result)
    manifest = json.loads((REAL_ROOT / "releases" / "2026.11.0" / "manifest.json").read_text())
    same = manifest["built_with"] == built_with()  # the lock pins the versions 2026.11.0 was built with
    verdict = "match" if same else "were built with other library versions"
    assert (
        f"release 2026.11.0: exports rebuilt from the records at commit {commit[:12]} {verdict}"
        in result.stderr
    )


def test_editing_a_released_number_on_main_fails_naming_record_release_and_field(tmp_path: Path) -> None:
    """The trial of issue 9: llama-2-7b AGIEval 29.3 -> 31.3 committed straight to main."""
    commit = "b0fa9cf4e7339eaa813f54bbd7e63bffb4943da2"
    if subprocess.run(["git", "-C", str(REAL_ROOT), "cat-file", "-e", commit], check=False).returncode:
        pytest.skip(f"shallow clone: {commit[:12]} is not here (CI checks out with fetch-depth: 0)")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--shared", str(REAL_ROOT), str(clone)], check=True)
    for part in ("densing_data/records", "releases"):  # this working tree's files, committed or not
        shutil.rmtree(clone / part)
        shutil.copytree(REAL_ROOT / part, clone / part)
    path = clone / "densing_data" / "records" / "scores" / "llama-2-7b.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- id: llama-2-7b.agieval.llama2-paper\n")
    at = text.index("  value: 29.3\n", start)
    path.write_text(text[:at] + "  value: 31.3\n" + text[at + len("  value: 29.3\n") :], encoding="utf-8")
    git(clone, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "edit a released number")
    result = run_cli("verify-release", "--repo", str(clone), "--no-rebuild")
    assert result.exit_code == 1, shown(result)
    line = text[:start].count("\n") + 1
    assert result.stdout.splitlines() == [
        f"densing_data/records/scores/llama-2-7b.yaml:{line}: score 'llama-2-7b.agieval.llama2-paper' "
        "revision 1, released in 2026.11.0, was changed after the release (field value: 29.3 -> 31.3): "
        "a released record never changes; restore it and append a correction (same id, revision 2, a "
        "correction_note)"
    ], shown(result)


def test_rewriting_a_released_record_and_its_manifest_hash_on_main_fails(tmp_path: Path) -> None:
    """The trial of issue 19: edit the record *and* its ``record_sha256`` in 2026.11.0's manifest."""
    from densing_data.contrib.release.files import render_manifest
    from densing_data.contrib.release.record_hashes import record_sha256
    from densing_data.record_files import read_record_file
    from densing_data.report import Report

    commit = "b0fa9cf4e7339eaa813f54bbd7e63bffb4943da2"
    if subprocess.run(["git", "-C", str(REAL_ROOT), "cat-file", "-e", commit], check=False).returncode:
        pytest.skip(f"shallow clone: {commit[:12]} is not here (CI checks out with fetch-depth: 0)")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--shared", str(REAL_ROOT), str(clone)], check=True)
    for part in ("densing_data/records", "releases"):
        shutil.rmtree(clone / part)
        shutil.copytree(REAL_ROOT / part, clone / part)
    git(
        clone,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-qam",
        "this working tree",
        "--allow-empty",
    )
    records = clone / "densing_data" / "records"
    path = records / "scores" / "llama-2-7b.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- id: llama-2-7b.agieval.llama2-paper\n")
    at = text.index("  value: 29.3\n", start)
    path.write_text(text[:at] + "  value: 31.3\n" + text[at + len("  value: 29.3\n") :], encoding="utf-8")
    edited = next(
        p
        for p in read_record_file(path, records, Report())
        if p.record.id == "llama-2-7b.agieval.llama2-paper"
    )
    manifest_path = clone / "releases" / "2026.11.0" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["record_sha256"]["score"]["llama-2-7b.agieval.llama2-paper"]["1"] = record_sha256(edited.record)
    manifest_path.write_text(render_manifest(manifest), encoding="utf-8")
    git(clone, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "rewrite a released number")
    result = run_cli("verify-release", "--repo", str(clone), "--no-rebuild")
    assert result.exit_code == 1, shown(result)
    line = text[:start].count("\n") + 1
    out = result.stdout.splitlines()
    assert out[0] == (
        f"densing_data/records/scores/llama-2-7b.yaml:{line}: score 'llama-2-7b.agieval.llama2-paper' "
        "revision 1, released in 2026.11.0, was changed after the release (field value: 29.3 -> 31.3): "
        "a released record never changes; restore it and append a correction (same id, revision 2, a "
        "correction_note)"
    ), shown(result)
    assert out[1].startswith("releases/2026.11.0/manifest.json:"), shown(result)
    assert (
        "release 2026.11.0's manifest differs from the released one (commit 761380c3a676, which added "
        "it): record_sha256: score 'llama-2-7b.agieval.llama2-paper' revision 1 changed"
    ) in out[1], shown(result)
    assert len(out) == 2 and "released record revisions unchanged" not in result.stderr
