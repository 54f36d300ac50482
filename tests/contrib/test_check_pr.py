"""``densing check-pr``: against a real git repository built in the test."""

from __future__ import annotations

import datetime as dt
import re

from densing_data.contrib.layout import RepoLayout
from densing_data.store import append_records
from tests.contrib.conftest import commit_all, git, run_cli, shown
from tests.data.factories import SOURCE, model, score

SCORES = "densing_data/records/scores"


def check(layout: RepoLayout, *extra: str) -> tuple[int, str, str]:
    result = run_cli("check-pr", "main", "--repo", str(layout.root), *extra)
    return result.exit_code, result.stdout, shown(result)


def branch(layout: RepoLayout, name: str = "pr") -> None:
    git(layout.root, "checkout", "-q", "-b", name)


def test_appended_records_pass(repo: RepoLayout) -> None:
    branch(repo)
    append_records("model", [model("tiny-8b", 8 * 10**9)], records_dir=repo.records_dir)
    append_records("score", [score("tiny-8b.mmlu", "tiny-8b", 75.0)], records_dir=repo.records_dir)
    append_records(
        "score", [score("tiny-1b.mmlu.v2", value=41.0, protocol="other")], records_dir=repo.records_dir
    )
    commit_all(repo.root, "add tiny-8b")
    code, out, info = check(repo)
    assert code == 0, info
    assert out == ""
    assert "data rules kept" in info


def test_correction_passes(repo: RepoLayout) -> None:
    branch(repo)
    fixed = score("tiny-1b.mmlu", value=40.5, revision=2, correction_note="Table 1 says 40.5")
    append_records("score", [fixed], records_dir=repo.records_dir)
    code, _, info = check(repo)  # uncommitted: the working tree is what is checked
    assert code == 0, info


def test_edited_record_fails_with_file_and_line(repo: RepoLayout) -> None:
    branch(repo)
    path = repo.records_dir / "scores" / "tiny-1b.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("value: 40.0", "value: 45.0"), encoding="utf-8")
    commit_all(repo.root, "quietly change a number")
    code, out, info = check(repo)
    assert code == 1, info
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.strip().startswith("value:"))
    assert f"{SCORES}/tiny-1b.yaml:{line}: score 'tiny-1b.mmlu' revision 1" in out, info
    assert "was edited (value changed)" in out
    assert "densing add score --supersedes tiny-1b.mmlu" in out


def test_reformatting_without_change_of_meaning_passes(repo: RepoLayout) -> None:
    branch(repo)
    path = repo.records_dir / "scores" / "tiny-1b.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: 40.0", "value: 40.00"), encoding="utf-8")
    code, _, info = check(repo)
    assert code == 0, info


def test_deleted_record_and_file_fail(repo: RepoLayout) -> None:
    branch(repo)
    (repo.records_dir / "scores" / "tiny-2b.yaml").unlink()
    append_records("score", [score("tiny-1b.mmlu.b", value=42.0, protocol="b")], records_dir=repo.records_dir)
    commit_all(repo.root, "more tiny-1b")
    path = repo.records_dir / "scores" / "tiny-1b.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, t in enumerate(lines) if t.startswith("- "))
    second = next(i for i, t in enumerate(lines) if t.startswith("- ") and i > first)
    path.write_text("".join(lines[:first] + lines[second:]), encoding="utf-8")
    code, out, info = check(repo)
    assert code == 1, info
    assert f"{SCORES}/tiny-2b.yaml:0: record file deleted" in out
    # the files are aligned: the first record is gone, the second (new in the PR) is not blamed
    assert re.search(rf"{SCORES}/tiny-1b.yaml:\d+: score 'tiny-1b.mmlu' revision 1 .* was deleted", out), info
    assert len(out.splitlines()) == 2, info


def test_record_deleted_from_the_middle_of_a_file_is_one_deletion(repo: RepoLayout) -> None:
    extra = [score(f"tiny-1b.mmlu.p{n}", value=40.0 + n, protocol=f"p{n}") for n in range(1, 9)]
    append_records("score", extra, records_dir=repo.records_dir)
    commit_all(repo.root, "nine tiny-1b scores")
    branch(repo)
    path = repo.records_dir / "scores" / "tiny-1b.yaml"
    text = path.read_text(encoding="utf-8")
    starts = [i for i, t in enumerate(text.splitlines(keepends=True)) if t.startswith("- ")]
    lines = text.splitlines(keepends=True)
    path.write_text("".join(lines[: starts[4]] + lines[starts[5] :]), encoding="utf-8")
    code, out, info = check(repo)
    assert code == 1, info
    assert out.splitlines() == [
        f"{SCORES}/tiny-1b.yaml:{starts[4] + 1}: score 'tiny-1b.mmlu.p4' revision 1 (base line "
        f"{starts[4] + 1}) was deleted; records on the base branch are never deleted (append a correction "
        "instead: `densing add score --supersedes tiny-1b.mmlu.p4 --correction-note ...`)"
    ], info
    assert "check-pr: 1 problem (" in info


def test_summary_counts_warnings_apart_from_problems(repo: RepoLayout) -> None:
    branch(repo)
    path = repo.records_dir / "scores" / "tiny-1b.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: 40.0", "value: 45.0"), encoding="utf-8")
    waiting = {
        "id": "ladder",
        "name": "Ladder",
        "kind": "two-step",
        "description": "x",
        "benchmarks": ["mmlu"],
    }
    append_records("ruler", [waiting], records_dir=repo.records_dir)  # valid, with a warning
    code, out, info = check(repo)
    assert code == 1, info
    assert sum(": warning: two-step ruler 'ladder'" in line for line in out.splitlines()) == 1, info
    assert "check-pr: 1 problem, 1 warning (" in info, info
    path.write_text(path.read_text(encoding="utf-8").replace("value: 45.0", "value: 40.0"), encoding="utf-8")
    code, out, info = check(repo)
    assert code == 0, info
    assert "data rules kept" in info and ", 1 warning" in info, info


def test_truncated_file_reports_deleted_record(repo: RepoLayout) -> None:
    append_records("score", [score("tiny-1b.mmlu.b", value=42.0, protocol="b")], records_dir=repo.records_dir)
    commit_all(repo.root, "second tiny-1b score on main")
    branch(repo)
    path = repo.records_dir / "scores" / "tiny-1b.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    second = [i for i, t in enumerate(lines) if t.startswith("- ")][1]
    path.write_text("".join(lines[:second]), encoding="utf-8")
    code, out, info = check(repo)
    assert code == 1, info
    assert "score 'tiny-1b.mmlu.b' revision 1" in out and "was deleted" in out


def test_record_inserted_before_old_ones_is_reported_as_moved(repo: RepoLayout) -> None:
    branch(repo)
    path = repo.records_dir / "scores" / "tiny-1b.yaml"
    text = path.read_text(encoding="utf-8")
    new = (
        "- id: tiny-1b.early\n  model: tiny-1b\n  benchmark: mmlu\n  value: 39.0\n  protocol: early\n"
        f"  source:\n    url: {SOURCE['url']}\n  provenance:\n    kind: developer\n  recorded: 2026-11-23\n"
    )
    path.write_text(text.replace("records:\n", "records:\n" + new, 1), encoding="utf-8")
    code, out, info = check(repo)
    assert code == 1, info
    assert out.splitlines() == [
        f"{SCORES}/tiny-1b.yaml:3: new score 'tiny-1b.early' revision 1 is placed before records of the "
        "base branch: records keep their place and new records are appended at the end of the file"
    ], info


def test_new_score_without_source_fails(repo: RepoLayout) -> None:
    branch(repo)
    path = repo.records_dir / "scores" / "tiny-1b.yaml"
    addition = (
        "- id: tiny-1b.nosource\n  model: tiny-1b\n  benchmark: mmlu\n  value: 39.0\n  protocol: x\n"
        "  provenance:\n    kind: developer\n  recorded: 2026-11-23\n"
    )
    before = path.read_text(encoding="utf-8")
    path.write_text(before + addition, encoding="utf-8")
    code, out, info = check(repo)
    assert code == 1, info
    line = len(before.splitlines()) + 1
    assert f"{SCORES}/tiny-1b.yaml:{line}: score source: Field required" in out, info


def test_duplicate_id_and_duplicate_measurement_fail(repo: RepoLayout) -> None:
    branch(repo)
    path = repo.records_dir / "scores" / "tiny-2b.yaml"
    text = path.read_text(encoding="utf-8")
    body = text.split("records:\n", 1)[1]
    repeated = body.replace("id: tiny-2b.mmlu", "id: tiny-2b.mmlu-copy")
    path.write_text(text + body + repeated, encoding="utf-8")
    code, out, info = check(repo)
    assert code == 1, info
    assert "duplicate score id 'tiny-2b.mmlu' revision 1" in out
    assert "score 'tiny-2b.mmlu-copy' repeats the measurement of 'tiny-2b.mmlu'" in out


def test_version_bump_without_release_fails(repo: RepoLayout) -> None:
    branch(repo)
    repo.path(repo.version_file).write_text("2026.12.0\n", encoding="utf-8")
    code, out, info = check(repo)
    assert code == 1, info
    assert (
        "densing_data/DATA_VERSION:1: data version changed from 2026.11.0 to 2026.12.0 without a release"
        in out
    )


def test_github_format_annotates_files(repo: RepoLayout) -> None:
    branch(repo)
    path = repo.records_dir / "models" / "tiny-2b.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("family: Tiny", "family: Small"), encoding="utf-8"
    )
    code, out, info = check(repo, "--format", "github")
    assert code == 1, info
    assert re.search(
        r"^::error file=densing_data/records/models/tiny-2b.yaml,line=\d+::model 'tiny-2b'", out, re.M
    )


def test_head_ref_checks_a_commit_not_the_working_tree(repo: RepoLayout) -> None:
    branch(repo)
    append_records("model", [model("tiny-8b", 8 * 10**9)], records_dir=repo.records_dir)
    commit_all(repo.root, "good commit")
    path = repo.records_dir / "models" / "tiny-1b.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Tiny-1B", "Edited"), encoding="utf-8")
    assert check(repo)[0] == 1
    code, _, info = check(repo, "--head", "HEAD")
    assert code == 0, info


def test_branch_behind_main_is_compared_with_its_merge_base(repo: RepoLayout) -> None:
    branch(repo)
    git(repo.root, "checkout", "-q", "main")
    append_records("model", [model("tiny-16b", 16 * 10**9)], records_dir=repo.records_dir)
    commit_all(repo.root, "main moves on")
    git(repo.root, "checkout", "-q", "pr")
    append_records(
        "model", [model("tiny-8b", 8 * 10**9, release_date=dt.date(2024, 6, 1))], records_dir=repo.records_dir
    )
    commit_all(repo.root, "pr adds tiny-8b")
    code, _, info = check(repo)
    assert code == 0, info


def test_unknown_base_ref_is_a_clean_error(repo: RepoLayout) -> None:
    result = run_cli("check-pr", "origin/nope", "--repo", str(repo.root))
    assert result.exit_code == 1, shown(result)
    assert "'origin/nope' names no commit" in result.stderr
    assert "Traceback" not in result.output
