"""Issue 19, integrity: releases are checked against the commits that made them, duplicates are blamed
on the new record, deletions are reported where the record was, once.

Every case runs the real CLI on a real git repository (see ``conftest.repo``).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from densing_data.contrib.layout import RepoLayout
from densing_data.contrib.release.files import render_manifest
from densing_data.contrib.release.record_hashes import record_sha256
from densing_data.record_files import read_record_file
from densing_data.report import Report
from densing_data.store import append_records
from tests.contrib.conftest import commit_all, git, run_cli, shown
from tests.contrib.test_release import release
from tests.data.factories import model, score

SCORES = "densing_data/records/scores"
MODELS = "densing_data/records/models"


def released(repo: RepoLayout) -> str:
    """Release 2026.11.0 of the minimal records and commit it; return the release commit."""
    release(repo, "2026.11.0")
    return commit_all(repo.root, "release 2026.11.0")


def verify(repo: RepoLayout, *args: str) -> tuple[int, list[str], str]:
    result = run_cli("verify-release", *args, "--repo", str(repo.root), "--no-rebuild")
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout.splitlines(), shown(result)


def check(repo: RepoLayout) -> tuple[int, list[str], str]:
    result = run_cli("check-pr", "main", "--repo", str(repo.root))
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout.splitlines(), shown(result)


def rewrite_released_value(repo: RepoLayout, also_manifest: bool) -> int:
    """Change tiny-1b.mmlu's value 40.0 -> 42.0; with ``also_manifest``, put the new record's hash
    into the release manifest, as someone covering their tracks would. Return the record's line."""
    path = repo.records_dir / "scores" / "tiny-1b.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("value: 40.0", "value: 42.0"), encoding="utf-8")
    (edited,) = read_record_file(path, repo.records_dir, Report())
    if also_manifest:
        manifest_path = repo.release_dir("2026.11.0") / "manifest.json"
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        manifest["record_sha256"]["score"]["tiny-1b.mmlu"]["1"] = record_sha256(edited.record)
        manifest_path.write_text(render_manifest(manifest), encoding="utf-8")
    return edited.line


def test_a_manifest_rewritten_with_its_record_fails_naming_release_record_and_field(repo: RepoLayout) -> None:
    made = released(repo)
    line = rewrite_released_value(repo, also_manifest=True)
    commit_all(repo.root, "rewrite a released number and its hash")
    code, out, info = verify(repo)
    assert code == 1, info
    assert out[0] == (
        f"{SCORES}/tiny-1b.yaml:{line}: score 'tiny-1b.mmlu' revision 1, released in 2026.11.0, was "
        "changed after the release (field value: 40.0 -> 42.0): a released record never changes; restore "
        "it and append a correction (same id, revision 2, a correction_note)"
    ), info
    manifest = (repo.release_dir("2026.11.0") / "manifest.json").read_text(encoding="utf-8")
    at = (
        manifest.splitlines().index(
            '      "tiny-1b.mmlu": {"1": "' + manifest.split('"tiny-1b.mmlu": {"1": "')[1][:64] + '"},'
        )
        + 1
    )
    assert out[1] == (
        f"releases/2026.11.0/manifest.json:{at}: release 2026.11.0's manifest differs from the released "
        f"one (commit {made[:12]}, which added it): record_sha256: score 'tiny-1b.mmlu' revision 1 "
        "changed; a released manifest never changes: restore it"
    ), info
    assert len(out) == 2, info


def test_a_manifest_edit_alone_is_named_with_its_key(repo: RepoLayout) -> None:
    released(repo)
    path = repo.release_dir("2026.11.0") / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["date"] = "2026-11-01"
    path.write_text(render_manifest(manifest), encoding="utf-8")
    code, out, info = verify(repo)
    assert code == 1, info
    assert any(
        line.startswith("releases/2026.11.0/manifest.json:3: release 2026.11.0's manifest differs")
        and 'date is "2026-11-01", was "2026-11-23"' in line
        for line in out
    ), info


def test_the_tag_names_the_release_when_it_disagrees_with_the_adding_commit(repo: RepoLayout) -> None:
    released(repo)
    rewrite_released_value(repo, also_manifest=True)
    commit_all(repo.root, "rewrite")
    git(repo.root, "tag", "data-v2026.11.0")  # tagged after the rewrite: tag and history disagree
    code, out, info = verify(repo)
    assert code == 1, info
    assert any("tag data-v2026.11.0" in line and "hold different manifests" in line for line in out), info


def test_an_intact_release_passes_with_and_without_its_tag(repo: RepoLayout) -> None:
    released(repo)
    append_records("model", [model("tiny-8b", 8 * 10**9)], records_dir=repo.records_dir)
    commit_all(repo.root, "more records on main")
    code, _, info = verify(repo)
    assert code == 0, info
    assert "records: 8 released record revisions unchanged" in info
    git(repo.root, "tag", "data-v2026.11.0")
    code, _, info = verify(repo)
    assert code == 0, info


def test_a_removed_release_is_reported(repo: RepoLayout) -> None:
    released(repo)
    git(repo.root, "rm", "-q", "-r", "releases/2026.11.0")
    commit_all(repo.root, "drop the release")
    result = run_cli("verify-release", "--repo", str(repo.root), "--no-rebuild")
    assert result.exit_code == 1, shown(result)
    assert "releases/2026.11.0:0: release 2026.11.0 was removed (its manifest was committed)" in result.stdout


def test_a_shallow_clone_is_refused_with_the_fetch_command(repo: RepoLayout, tmp_path: Path) -> None:
    released(repo)
    append_records("model", [model("tiny-8b", 8 * 10**9)], records_dir=repo.records_dir)
    commit_all(repo.root, "more records on main")
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)],
        check=True,
        capture_output=True,
    )
    result = run_cli("verify-release", "--repo", str(clone), "--no-rebuild")
    assert result.exit_code == 1, shown(result)
    assert "releases:0: this is a shallow clone" in result.stdout
    assert "git fetch --unshallow --tags" in result.stdout


# --- deleted records ------------------------------------------------------------------------------


def test_a_deleted_released_record_is_reported_at_its_file_and_base_line(repo: RepoLayout) -> None:
    append_records("score", [score("tiny-1b.mmlu.b", value=42.0, protocol="b")], records_dir=repo.records_dir)
    commit_all(repo.root, "a second tiny-1b score")
    released(repo)
    git(repo.root, "checkout", "-q", "-b", "pr")
    path = repo.records_dir / "scores" / "tiny-1b.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [i for i, t in enumerate(lines) if t.startswith("- ")]
    path.write_text("".join(lines[: starts[1]]), encoding="utf-8")  # the second record is cut off
    expected = (
        f"{SCORES}/tiny-1b.yaml:{starts[1] + 1}: 1 released record revision missing from this file "
        f"(deleted, or no longer valid): score 'tiny-1b.mmlu.b' revision 1 (line {starts[1] + 1}, released "
        "in 2026.11.0); released records are never deleted: restore them, and withdraw a record with a "
        "correction (same id, next revision, retracted: true)"
    )
    code, out, info = check(repo)
    assert code == 1 and out == [expected], info
    code, out, info = verify(repo)
    assert code == 1 and out == [expected], info


def test_one_deleted_model_file_is_one_problem(repo: RepoLayout) -> None:
    released(repo)
    git(repo.root, "checkout", "-q", "-b", "pr")
    (repo.records_dir / "models" / "tiny-4b.yaml").unlink()
    code, out, info = check(repo)
    assert code == 1, info
    assert out == [
        f"{MODELS}/tiny-4b.yaml:3: file deleted: it held 1 released record revision: model 'tiny-4b' "
        "revision 1 (line 3, released in 2026.11.0); released records are never deleted: restore them, "
        "and withdraw a record with a correction (same id, next revision, retracted: true); 2 records in "
        f"densing_data/records/rulers/tiny-direct.yaml, {SCORES}/tiny-4b.yaml still name what it held"
    ], info
    assert "check-pr: 1 problem (" in info


def test_one_deleted_unreleased_file_is_one_problem_too(repo: RepoLayout) -> None:
    git(repo.root, "checkout", "-q", "-b", "pr")
    (repo.records_dir / "models" / "tiny-4b.yaml").unlink()
    code, out, info = check(repo)
    assert code == 1, info
    assert len(out) == 1 and out[0].startswith(f"{MODELS}/tiny-4b.yaml:0: record file deleted"), info
    assert out[0].endswith("still name what it held"), info


# --- duplicate ids ------------------------------------------------------------------------------


def add_duplicate_in_a_file_that_sorts_first(repo: RepoLayout) -> Path:
    """A new model 'a-tiny' (its files sort before tiny-*) with a score reusing the id tiny-1b.mmlu."""
    append_records("model", [model("a-tiny", 10**9)], records_dir=repo.records_dir)
    path = repo.records_dir / "scores" / "a-tiny.yaml"
    path.write_text(
        "schema_version: 1\nrecords:\n- id: tiny-1b.mmlu\n  model: a-tiny\n  benchmark: mmlu\n  value: 33.0\n"
        "  protocol: example-report\n  source: {url: 'https://example.org/a'}\n"
        "  provenance: {kind: developer}\n  recorded: 2026-11-30\n",
        encoding="utf-8",
    )
    return path


def test_a_duplicate_id_in_a_file_that_sorts_first_is_blamed_on_the_new_record(repo: RepoLayout) -> None:
    released(repo)
    git(repo.root, "checkout", "-q", "-b", "pr")
    path = add_duplicate_in_a_file_that_sorts_first(repo)
    new = (
        f"{SCORES}/a-tiny.yaml:3: duplicate score id 'tiny-1b.mmlu' revision 1 (also at {SCORES}/tiny-1b.yaml"
    )
    code, out, info = check(repo)
    assert code == 1, info
    assert [line for line in out if "duplicate" in line] == [
        f"{new}:3, a released record); a new record needs a new id, a correction the next revision number"
    ], info
    for target in (path, repo.records_dir):  # the file alone, and the whole folder
        result = run_cli("validate", str(target))
        assert result.exit_code == 1, shown(result)
        dup = [line for line in result.stdout.splitlines() if "duplicate" in line]
        assert len(dup) == 1 and "a-tiny.yaml:3: duplicate score id 'tiny-1b.mmlu'" in dup[0], shown(result)
        assert "a released record" in dup[0]


def test_without_a_release_the_named_file_and_the_pull_request_are_blamed(repo: RepoLayout) -> None:
    git(repo.root, "checkout", "-q", "-b", "pr")
    path = add_duplicate_in_a_file_that_sorts_first(repo)
    result = run_cli("validate", str(path))
    assert result.exit_code == 1, shown(result)
    assert "records valid" not in result.stderr
    assert "a-tiny.yaml:3: duplicate score id 'tiny-1b.mmlu' revision 1" in result.stdout, shown(result)
    assert "recorded before" in result.stdout
    code, out, info = check(repo)
    assert code == 1, info
    dup = [line for line in out if "duplicate" in line]
    assert dup and dup[0].startswith(f"{SCORES}/a-tiny.yaml:3:") and "recorded before" in dup[0], info
