"""``densing release`` and ``densing verify-release``: frozen, hashed, never overwritten."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

from densing_data.contrib.layout import RepoLayout
from densing_data.store import append_records
from tests.contrib.conftest import commit_all, git, run_cli, shown
from tests.data.factories import model, score


def release(layout: RepoLayout, version: str, date: str = "2026-11-23") -> str:
    result = run_cli("release", version, "--repo", str(layout.root), "--date", date)
    assert result.exit_code == 0, shown(result)
    return result.stdout


def refused(layout: RepoLayout, version: str, date: str = "2026-11-23") -> str:
    result = run_cli("release", version, "--repo", str(layout.root), "--date", date)
    assert result.exit_code == 1, shown(result)
    assert "Traceback" not in result.output
    return result.stderr


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def exports(layout: RepoLayout, version: str, out: Path) -> Path:
    """Rebuild the exports of ``version`` (via the GitHub-release assets) and unpack them into ``out``."""
    result = run_cli("verify-release", version, "--repo", str(layout.root), "--assets", str(out / "assets"))
    assert result.exit_code == 0, shown(result)
    for archive in (out / "assets").glob("*.zip"):
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(out)
    return out


def test_first_release_keeps_a_manifest_and_rebuilds_every_format(repo: RepoLayout, tmp_path: Path) -> None:
    release(repo, "2026.11.0")
    directory = repo.release_dir("2026.11.0")
    assert sorted(p.name for p in directory.iterdir()) == ["SHA256SUMS", "manifest.json"]
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["records_commit"] is None and manifest["previous"] is None
    assert set(manifest["built_with"]) == {"pandas", "pyarrow", "numpy", "scipy"}
    assert manifest["record_sha256"]["score"]["tiny-1b.mmlu"]["1"] == record_sha256_of(repo, "tiny-1b.mmlu")
    sums = (directory / "SHA256SUMS").read_text().splitlines()
    listed = [line.split("  ")[1] for line in sums]
    assert listed == [f["path"] for f in manifest["files"]]
    fit_files = [rel for rel in listed if rel.startswith("fit/")]
    assert len(sums) == 19 + len(fit_files)  # 3 formats x 6 files + release.json, and the fit outputs
    for rel in ("densities_by_track.csv", "tracks.json", "trend.json", "agreement.json", "flags.json"):
        assert f"fit/{rel}" in fit_files, rel
    assert any(rel.startswith("fit/tracks/") and rel.endswith("/densities.csv") for rel in fit_files)
    commit_all(repo.root, "release 2026.11.0")
    out = exports(repo, "2026.11.0", tmp_path)
    for fmt in ("csv", "json", "parquet"):
        unpacked = out / f"densing-law-data-2026.11.0-{fmt}"
        names = sorted(p.name for p in unpacked.iterdir())
        assert names == sorted(
            ["datapackage.json", "release.json"]
            + [f"{t}.{fmt}" for t in ("models", "scores", "references", "benchmarks", "rulers")]
        )
        package = json.loads((unpacked / "datapackage.json").read_text())
        assert package["version"] == "2026.11.0"
        for name in names:
            rel = "release.json" if name == "release.json" else f"{fmt}/{name}"
            digest = hashlib.sha256((unpacked / name).read_bytes()).hexdigest()
            assert f"{digest}  {rel}" in sums, rel
    scores = pd.read_parquet(out / "densing-law-data-2026.11.0-parquet" / "scores.parquet")
    assert sorted(scores["value"]) == [40.0, 50.0, 70.0]
    # the released fit outputs are exactly what the fitter writes for these records as 2026.11.0
    fitted = fit_here(repo, "2026.11.0", tmp_path / "here")
    unpacked = out / "densing-law-data-2026.11.0-fit"
    assert sorted(f"fit/{rel}" for rel in tree_hashes(fitted)) == fit_files
    assert tree_hashes(fitted) == {k: v for k, v in tree_hashes(unpacked).items() if k != "release.json"}
    assert json.loads((unpacked / "trend.json").read_text())["data_version"] == "2026.11.0"
    index = json.loads(repo.index_file.read_text())
    assert index["latest"] == "2026.11.0"
    entry = index["releases"][0]
    assert entry["date"] == "2026-11-23" and entry["path"] == "2026.11.0/"
    assert entry["sha256sums"] == hashlib.sha256((directory / "SHA256SUMS").read_bytes()).hexdigest()
    assert entry["counts"] == {"model": 3, "score": 3, "reference": 0, "benchmark": 1, "ruler": 1}
    assert entry["files"] == manifest["files"]


def fit_here(layout: RepoLayout, version: str, out: Path) -> Path:
    """The fit outputs of ``layout``'s records as ``version``, fitted in this process."""
    from densing_data import load
    from densing_fit.outputs import write_outputs
    from densing_fit.pipeline import fit_all

    (out.parent / "VERSION").write_text(version + "\n")
    write_outputs(fit_all(load(layout.records_dir, version_file=out.parent / "VERSION")), out)
    return out


def record_sha256_of(layout: RepoLayout, score_id: str) -> str:
    from densing_data.contrib.release.record_hashes import record_sha256
    from densing_data.validate import read_records_dir

    records, _ = read_records_dir(layout.records_dir)
    return record_sha256(records.heads("score")[score_id].record)


def test_first_release_updates_version_changelog_and_citation(repo: RepoLayout) -> None:
    release(repo, "2026.11.0")
    assert repo.data_version() == "2026.11.0"
    log = " ".join(repo.path("CHANGELOG.md").read_text().split())  # lines are wrapped at 100 columns
    assert "## 2026.11.0 (2026-11-23)" in log
    assert "first release: every record is new" in log
    assert "- 3 models: `tiny-1b`, `tiny-2b`, `tiny-4b`" in log
    assert "- 3 scores for 3 models: `tiny-1b` (1), `tiny-2b` (1), `tiny-4b` (1)" in log
    cff = yaml.safe_load(repo.path("CITATION.cff").read_text())
    assert cff["version"] == "2026.11.0" and cff["date-released"] == "2026-11-23"
    assert cff["type"] == "dataset" and cff["cff-version"] == "1.2.0"
    assert cff["preferred-citation"]["doi"] == "10.1038/s42256-025-01137-0"
    zenodo = json.loads(repo.path(".zenodo.json").read_text())
    assert zenodo["version"] == "2026.11.0" and zenodo["publication_date"] == "2026-11-23"


def test_release_is_deterministic(repo: RepoLayout, tmp_path: Path) -> None:
    twin = RepoLayout(root=tmp_path / "twin")
    shutil.copytree(repo.root, twin.root)
    release(repo, "2026.11.0")
    release(twin, "2026.11.0")
    assert tree_hashes(repo.root) == tree_hashes(twin.root)


def test_release_refuses_to_overwrite_or_go_back(repo: RepoLayout) -> None:
    release(repo, "2026.11.0")
    before = tree_hashes(repo.root)
    assert "releases/2026.11.0/ already exists: a published version never changes" in refused(
        repo, "2026.11.0"
    )
    assert "not above the latest release 2026.11.0" in refused(repo, "2026.10.3")
    assert "is not CalVer YYYY.MM.N" in refused(repo, "2026.13.0")
    assert "is not CalVer YYYY.MM.N" in refused(repo, "v2026.11.1")
    assert "nothing to release" in refused(repo, "2026.11.1")
    assert tree_hashes(repo.root) == before


def test_release_refuses_a_version_not_named_for_the_month_it_is_cut_in(repo: RepoLayout) -> None:
    before = tree_hashes(repo.root)
    message = refused(repo, "2026.12.0", "2026-11-30")
    assert "version 2026.12.0 does not name the month it is cut in (2026-11-30 is in 2026.11)" in message
    assert "the next version would be 2026.11.0" in message
    assert tree_hashes(repo.root) == before


def test_a_release_keeps_the_index_notes(repo: RepoLayout) -> None:
    release(repo, "2026.11.0")
    index = json.loads(repo.index_file.read_text())
    repo.index_file.write_text(json.dumps({**index, "note": "names"}, indent=2) + "\n")
    commit_all(repo.root, "release 2026.11.0, with a note")
    append_records("model", [model("tiny-8b", 8 * 10**9)], records_dir=repo.records_dir)
    release(repo, "2026.11.1", "2026-11-25")
    index = json.loads(repo.index_file.read_text())
    assert list(index) == ["latest", "releases", "note"] and index["note"] == "names"
    assert [e["version"] for e in index["releases"]] == ["2026.11.1", "2026.11.0"]


def test_first_release_cannot_go_below_the_data_version(repo: RepoLayout) -> None:
    assert "below the current data version 2026.11.0" in refused(repo, "2026.10.0")


def test_second_release_lists_added_and_superseded(repo: RepoLayout, tmp_path: Path) -> None:
    release(repo, "2026.11.0")
    commit_all(repo.root, "release 2026.11.0")
    first = tree_hashes(repo.root / "releases" / "2026.11.0")
    append_records("model", [model("tiny-8b", 8 * 10**9)], records_dir=repo.records_dir)
    append_records("score", [score("tiny-8b.mmlu", "tiny-8b", 75.0)], records_dir=repo.records_dir)
    fixed = score("tiny-1b.mmlu", value=40.5, revision=2, correction_note="Table 1 says 40.5, not *40*")
    gone = score(
        "tiny-2b.mmlu", "tiny-2b", 50.0, revision=2, retracted=True, correction_note="not a base model"
    )
    append_records("score", [fixed, gone], records_dir=repo.records_dir)
    release(repo, "2026.12.0", "2026-12-02")
    log = " ".join(repo.path("CHANGELOG.md").read_text().split())  # lines are wrapped at 100 columns
    entry = log.split("## 2026.12.0 (2026-12-02)")[1].split("## 2026.11.0")[0]
    assert "(since 2026.11.0)" in entry
    assert "- 1 model: `tiny-8b`" in entry
    assert "- 1 score for 1 model: `tiny-8b` (1)" in entry
    assert "### Superseded - score `tiny-1b.mmlu`: revision 1 → 2: Table 1 says 40.5, not \\*40\\*" in entry
    assert "### Retracted - score `tiny-2b.mmlu`: revision 1 → 2: not a base model" in entry
    assert log.index("## 2026.12.0") < log.index("## 2026.11.0")
    assert tree_hashes(repo.root / "releases" / "2026.11.0") == first
    index = json.loads(repo.index_file.read_text())
    assert [e["version"] for e in index["releases"]] == ["2026.12.0", "2026.11.0"]
    manifest = json.loads((repo.release_dir("2026.12.0") / "manifest.json").read_text())
    # only the revisions this release publishes first: the first release holds the others
    assert {
        kind: {i: sorted(r) for i, r in ids.items()} for kind, ids in manifest["record_sha256"].items()
    } == {
        "model": {"tiny-8b": ["1"]},
        "score": {"tiny-1b.mmlu": ["2"], "tiny-2b.mmlu": ["2"], "tiny-8b.mmlu": ["1"]},
        "reference": {},
        "benchmark": {},
        "ruler": {},
    }
    commit_all(repo.root, "release 2026.12.0")
    out = exports(repo, "2026.12.0", tmp_path)
    scores = pd.read_csv(out / "densing-law-data-2026.12.0-csv" / "scores.csv")
    assert sorted(scores["id"]) == ["tiny-1b.mmlu", "tiny-4b.mmlu", "tiny-8b.mmlu"]
    assert scores.set_index("id").loc["tiny-1b.mmlu", "value"] == 40.5
    result = run_cli("verify-release", "--repo", str(repo.root))
    assert result.exit_code == 0, shown(result)
    assert re.search(
        r"release 2026\.11\.0: exports and \d+ fit outputs rebuilt from the records at commit", result.stderr
    )
    assert re.search(
        r"release 2026\.12\.0: exports and \d+ fit outputs rebuilt from the records at commit", result.stderr
    )


def test_release_refuses_when_released_records_disappeared(repo: RepoLayout) -> None:
    release(repo, "2026.11.0")
    (repo.records_dir / "scores" / "tiny-4b.yaml").unlink()
    append_records("model", [model("tiny-8b", 8 * 10**9)], records_dir=repo.records_dir)
    result = run_cli("release", "2026.11.1", "--repo", str(repo.root), "--date", "2026-11-23")
    assert result.exit_code == 1, shown(result)
    assert "released records changed or disappeared" in result.stderr
    assert "score 'tiny-4b.mmlu' revision 1, released in 2026.11.0, is missing" in result.stdout


def test_verify_release_builds_assets_and_checks_downloads(repo: RepoLayout, tmp_path: Path) -> None:
    release(repo, "2026.11.0")
    commit_all(repo.root, "release 2026.11.0")
    result = run_cli(
        "verify-release",
        "2026.11.0",
        "--repo",
        str(repo.root),
        "--assets",
        str(tmp_path / "a"),
        "--notes",
        str(tmp_path / "notes.md"),
    )
    assert result.exit_code == 0, shown(result)
    assert (tmp_path / "notes.md").read_text().startswith("## 2026.11.0 (2026-11-23)")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == [
        "SHA256SUMS",
        "densing-law-data-2026.11.0-csv.zip",
        "densing-law-data-2026.11.0-fit.zip",
        "densing-law-data-2026.11.0-json.zip",
        "densing-law-data-2026.11.0-parquet.zip",
        "densing-law-data-2026.11.0-release.json",
    ]
    manifest = json.loads((repo.release_dir("2026.11.0") / "manifest.json").read_text())
    n_fit = sum(f["path"].startswith("fit/") for f in manifest["files"])
    with zipfile.ZipFile(tmp_path / "a" / "densing-law-data-2026.11.0-fit.zip") as archive:
        members = archive.namelist()
    assert "densing-law-data-2026.11.0-fit/tracks/ruler-tiny-direct/trend.json" in members
    assert len(members) == n_fit + 1  # and release.json
    again = run_cli("verify-release", "2026.11.0", "--repo", str(repo.root), "--assets", str(tmp_path / "b"))
    assert again.exit_code == 0, shown(again)
    assert tree_hashes(tmp_path / "a") == tree_hashes(tmp_path / "b")
    good = run_cli("verify-release", "2026.11.0", "--repo", str(repo.root), "--exports", str(tmp_path / "a"))
    assert good.exit_code == 0, shown(good)
    # 18 tables, the fit outputs, release.json in 4 zips and alone
    assert f"{18 + n_fit + 5} downloaded file(s) match" in good.stderr
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(tmp_path / "a" / "densing-law-data-2026.11.0-csv.zip") as archive:
        archive.extractall(unpacked)
    scores = unpacked / "densing-law-data-2026.11.0-csv" / "scores.csv"
    scores.write_text(scores.read_text().replace("40.0", "41.0"))
    bad = run_cli("verify-release", "2026.11.0", "--repo", str(repo.root), "--exports", str(unpacked))
    assert bad.exit_code == 1, shown(bad)
    assert f"{scores}:0: differs from csv/scores.csv of release 2026.11.0" in bad.stdout
    empty = run_cli("verify-release", "2026.11.0", "--repo", str(repo.root), "--exports", str(tmp_path))
    assert empty.exit_code == 1 and "no file of release 2026.11.0 found" in empty.stdout, shown(empty)


def test_verify_release_catches_a_changed_manifest(repo: RepoLayout) -> None:
    release(repo, "2026.11.0")
    commit_all(repo.root, "release 2026.11.0")
    path = repo.release_dir("2026.11.0") / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["files"][5]["sha256"] = "0" * 64
    path.write_text(json.dumps(manifest))
    result = run_cli("verify-release", "2026.11.0", "--repo", str(repo.root))
    assert result.exit_code == 1, shown(result)
    assert "releases/2026.11.0/SHA256SUMS:0: does not list the manifest's files" in result.stdout
    assert "csv/scores.csv rebuilt from the records at commit" in result.stdout
    assert "the manifest says 000000000000" in result.stdout


def test_a_released_record_edited_on_main_fails_verify_release(repo: RepoLayout) -> None:
    release(repo, "2026.11.0")
    commit_all(repo.root, "release 2026.11.0")
    path = repo.records_dir / "scores" / "tiny-1b.yaml"
    path.write_text(path.read_text().replace("value: 40.0", "value: 42.0"))
    commit_all(repo.root, "quietly change a released number on main")
    result = run_cli("verify-release", "--repo", str(repo.root), "--no-rebuild")
    assert result.exit_code == 1, shown(result)
    assert (
        "densing_data/records/scores/tiny-1b.yaml:3: score 'tiny-1b.mmlu' revision 1, released in "
        "2026.11.0, was changed after the release (field value: 40.0 -> 42.0)"
    ) in result.stdout, shown(result)
    assert "verify-release: 1 problem" in result.stderr
    git(repo.root, "checkout", "-q", "-b", "pr")  # a branch from the edited main: check-pr fails too
    append_records("model", [model("tiny-8b", 8 * 10**9)], records_dir=repo.records_dir)
    checked = run_cli("check-pr", "main", "--repo", str(repo.root))
    assert checked.exit_code == 1, shown(checked)
    assert "score 'tiny-1b.mmlu' revision 1, released in 2026.11.0, was changed" in checked.stdout


def test_a_released_record_deleted_on_main_fails_verify_release(repo: RepoLayout) -> None:
    release(repo, "2026.11.0")
    commit_all(repo.root, "release 2026.11.0")
    (repo.records_dir / "scores" / "tiny-4b.yaml").unlink()
    result = run_cli("verify-release", "--repo", str(repo.root), "--no-rebuild")
    assert result.exit_code == 1, shown(result)
    assert result.stdout.splitlines() == [
        "densing_data/records/scores/tiny-4b.yaml:3: file deleted: it held 1 released record revision: "
        "score 'tiny-4b.mmlu' revision 1 (line 3, released in 2026.11.0); released records are never "
        "deleted: restore them, and withdraw a record with a correction (same id, next revision, "
        "retracted: true)"
    ], shown(result)


@pytest.mark.parametrize("tamper", ["release file", "index entry", "changelog"])
def test_check_pr_passes_a_release_and_refuses_changes_to_it(repo: RepoLayout, tamper: str) -> None:
    git(repo.root, "checkout", "-q", "-b", "release")
    release(repo, "2026.11.0")
    result = run_cli("check-pr", "main", "--repo", str(repo.root))
    assert result.exit_code == 0, shown(result)
    commit_all(repo.root, "release 2026.11.0")
    git(repo.root, "checkout", "-q", "main")
    git(repo.root, "merge", "-q", "release")
    git(repo.root, "checkout", "-q", "-b", "tamper")
    if tamper == "release file":
        (repo.release_dir("2026.11.0") / "SHA256SUMS").write_text("")
        expected = "releases/2026.11.0/SHA256SUMS:0: released file changed"
    elif tamper == "index entry":
        index = json.loads(repo.index_file.read_text())
        index["releases"][0]["date"] = "2026-11-01"
        repo.index_file.write_text(json.dumps(index))
        expected = "the entry of release 2026.11.0 changed or disappeared"
    else:
        log = repo.path("CHANGELOG.md")
        log.write_text(log.read_text().replace("3 models", "three models"))
        expected = "CHANGELOG.md:8: the CHANGELOG entry of released version 2026.11.0 changed"
    result = run_cli("check-pr", "main", "--repo", str(repo.root))
    assert result.exit_code == 1, shown(result)
    assert expected in result.stdout, shown(result)


def test_check_pr_refuses_a_release_made_before_the_records_changed(repo: RepoLayout) -> None:
    git(repo.root, "checkout", "-q", "-b", "release")
    release(repo, "2026.11.0")
    append_records("model", [model("tiny-8b", 8 * 10**9)], records_dir=repo.records_dir)
    result = run_cli("check-pr", "main", "--repo", str(repo.root))
    assert result.exit_code == 1, shown(result)
    assert "release 2026.11.0 was not made from these records" in result.stdout


def test_check_pr_refuses_a_hand_made_release_directory(repo: RepoLayout) -> None:
    release(repo, "2026.11.0")
    commit_all(repo.root, "first release")
    git(repo.root, "checkout", "-q", "-b", "pr")
    append_records("model", [model("tiny-8b", 8 * 10**9)], records_dir=repo.records_dir)
    shutil.copytree(repo.release_dir("2026.11.0"), repo.release_dir("2026.11.1"))
    result = run_cli("check-pr", "main", "--repo", str(repo.root))
    assert result.exit_code == 1, shown(result)
    assert (
        "releases/2026.11.1:0: release directory added without bumping densing_data/DATA_VERSION"
        in result.stdout
    )


def test_export_files_may_leave_git_while_the_manifest_keeps_their_hash(
    repo: RepoLayout, tmp_path: Path
) -> None:
    release(repo, "2026.11.0")
    commit_all(repo.root, "release 2026.11.0")
    out = exports(repo, "2026.11.0", tmp_path)
    directory = repo.release_dir("2026.11.0")
    shutil.copytree(out / "densing-law-data-2026.11.0-csv", directory / "csv")
    (directory / "csv" / "release.json").rename(directory / "release.json")
    commit_all(repo.root, "a release made before lean releases kept its exports in git")
    git(repo.root, "checkout", "-q", "-b", "lean")
    shutil.rmtree(directory / "csv")
    (directory / "release.json").unlink()
    result = run_cli("check-pr", "main", "--repo", str(repo.root))
    assert result.exit_code == 0, shown(result)
    git(repo.root, "checkout", "-q", "-f", "main")
    (directory / "csv" / "extra.csv").write_text("not released\n")
    commit_all(repo.root, "an export file the manifest does not list")
    git(repo.root, "checkout", "-q", "-b", "lean2")
    (directory / "csv" / "extra.csv").unlink()
    result = run_cli("check-pr", "main", "--repo", str(repo.root))
    assert result.exit_code == 1, shown(result)
    assert "releases/2026.11.0/csv/extra.csv:0: released file deleted" in result.stdout
    (directory / "csv" / "extra.csv").write_text("not released\n")
    (directory / "notes.txt").write_text("new\n")
    result = run_cli("check-pr", "main", "--repo", str(repo.root))
    assert result.exit_code == 1, shown(result)
    assert "releases/2026.11.0/notes.txt:0: file added to a published release" in result.stdout


def test_verify_release_finds_the_records_commit_when_main_moved_on(repo: RepoLayout) -> None:
    result = run_cli("release", "2026.11.0", "--repo", str(repo.root), "--date", "2026-11-23")
    assert result.exit_code == 0, shown(result)
    uncommitted = run_cli("verify-release", "2026.11.0", "--repo", str(repo.root))
    assert uncommitted.exit_code == 0, shown(uncommitted)
    assert "the working tree's records (the release is not committed yet)" in uncommitted.stderr
    released = commit_all(repo.root, "release 2026.11.0")
    append_records("model", [model("tiny-8b", 8 * 10**9)], records_dir=repo.records_dir)
    commit_all(repo.root, "more records on main")
    git(repo.root, "tag", "data-v2026.11.0")  # tagged late, on a commit with more records
    result = run_cli("verify-release", "--repo", str(repo.root))
    assert result.exit_code == 0, shown(result)
    pattern = (
        r"release 2026\.11\.0: exports and \d+ fit outputs rebuilt from the records at commit "
        rf"{released[:12]} match"
    )
    assert re.search(pattern, result.stderr), result.stderr


def test_other_library_versions_make_a_byte_difference_a_warning_not_a_failure(repo: RepoLayout) -> None:
    from densing_data.contrib.release.files import index_entry, render_manifest, render_sums, sha256_bytes

    release(repo, "2026.11.0")
    path = repo.release_dir("2026.11.0") / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["built_with"] = {"pandas": "2.0.0", "pyarrow": "15.0.0"}
    parquet = next(f for f in manifest["files"] if f["path"] == "parquet/models.parquet")
    parquet["sha256"] = "f" * 64  # as an older pyarrow would have written it
    sums = render_sums(manifest["files"])
    manifest["sha256sums"] = sha256_bytes(sums.encode())
    path.write_text(render_manifest(manifest))
    (repo.release_dir("2026.11.0") / "SHA256SUMS").write_text(sums)
    repo.index_file.write_text(
        json.dumps({"latest": "2026.11.0", "releases": [index_entry("2026.11.0", manifest)]})
    )
    commit_all(repo.root, "a release built with older pandas and pyarrow")
    result = run_cli("verify-release", "--repo", str(repo.root))
    assert result.exit_code == 0, shown(result)
    assert "warning: parquet/models.parquet rebuilt from the records at commit" in result.stdout
    assert "the release was built with pandas 2.0.0, pyarrow 15.0.0; here: pandas" in result.stdout
    assert "were built with other library versions" in result.stderr
    assets = run_cli(
        "verify-release", "2026.11.0", "--repo", str(repo.root), "--assets", str(repo.root / "dist")
    )
    assert assets.exit_code == 1, shown(assets)  # files to publish must be the release's, byte for byte
    assert not (repo.root / "dist").exists()


def test_fit_outputs_are_rebuilt_by_the_fitter_of_the_release_commit(repo: RepoLayout) -> None:
    release(repo, "2026.11.0")
    commit_all(repo.root, "release 2026.11.0")
    # the fitter changes on main after the release: the release's fit outputs must not
    outputs = repo.root / "densing_fit" / "outputs.py"
    outputs.write_text(outputs.read_text().replace('"%.6g"', '"%.3g"'))
    assert '"%.3g"' in outputs.read_text()
    commit_all(repo.root, "CSV floats with 3 digits")
    result = run_cli("verify-release", "--repo", str(repo.root))
    assert result.exit_code == 0, shown(result)
    assert re.search(
        r"release 2026\.11\.0: exports and \d+ fit outputs rebuilt from the records at commit", result.stderr
    )


def test_a_fit_output_that_differs_from_the_manifest_fails_verify_release(repo: RepoLayout) -> None:
    from densing_data.contrib.release.files import index_entry, render_manifest, render_sums, sha256_bytes

    release(repo, "2026.11.0")
    path = repo.release_dir("2026.11.0") / "manifest.json"
    manifest = json.loads(path.read_text())
    trend = next(f for f in manifest["files"] if f["path"] == "fit/trend.json")
    trend["sha256"] = "e" * 64  # a number in the published trend.json that the records do not give
    sums = render_sums(manifest["files"])
    manifest["sha256sums"] = sha256_bytes(sums.encode())
    path.write_text(render_manifest(manifest))
    (repo.release_dir("2026.11.0") / "SHA256SUMS").write_text(sums)
    repo.index_file.write_text(
        json.dumps({"latest": "2026.11.0", "releases": [index_entry("2026.11.0", manifest)]})
    )
    commit_all(repo.root, "release 2026.11.0 with a trend.json of other numbers")
    result = run_cli("verify-release", "2026.11.0", "--repo", str(repo.root))
    assert result.exit_code == 1, shown(result)
    shown_at = "releases/2026.11.0/manifest.json:0: fit/trend.json rebuilt from the records at commit"
    assert shown_at in result.stdout
    assert "by the fitter of that commit has sha256" in result.stdout
    assert "the manifest says eeeeeeeeeeee…" in result.stdout


def test_check_pr_refuses_a_release_without_fit_outputs(repo: RepoLayout) -> None:
    import datetime as dt

    from densing_data.contrib.release.cut import cut_release

    git(repo.root, "checkout", "-q", "-b", "release")
    cut_release(repo, "2026.11.0", dt.date(2026, 11, 23))  # no fit: as releases before 2026.12.4
    result = run_cli("check-pr", "main", "--repo", str(repo.root))
    assert result.exit_code == 1, shown(result)
    assert "release 2026.11.0 lists no fit outputs (fit/...)" in result.stdout
