"""Links to record files are pinned: at the latest release's tag while a file is unchanged since that
release, else at the build's commit; never at a branch. Real git repositories in temporary folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from densing_data.contrib.layout import RepoLayout
from densing_data.store import append_records
from densing_site.citing.links import REPO_URL, RepoLinks
from densing_site.citing.repo_links import LinkError, build_commit, current_links
from tests.contrib.conftest import commit_all, git, repo, run_cli, shown  # noqa: F401  (repo: the fixture)
from tests.data.factories import score

SCORES = "densing_data/records/scores/tiny-1b.yaml"
MODEL = "densing_data/records/models/tiny-2b.yaml"


def _release(layout: RepoLayout, version: str, date: str) -> str:
    result = run_cli("release", version, "--repo", str(layout.root), "--date", date)
    assert result.exit_code == 0, shown(result)
    return commit_all(layout.root, f"Release data {version}")


def test_unchanged_record_files_link_at_the_release_tag_changed_ones_at_the_commit(
    repo: RepoLayout,  # noqa: F811
) -> None:
    _release(repo, "2026.11.0", "2026-11-23")
    append_records("score", [score("tiny-1b.extra", value=33.0)], records_dir=repo.records_dir)
    head = commit_all(repo.root, "a new score for tiny-1b")
    links, note = current_links(repo.root, repo.records_dir, repo.releases_dir, head)
    assert note == "" and links.release == "2026.11.0"
    assert links.record_url(f"{MODEL}:4") == f"{REPO_URL}/blob/data-v2026.11.0/{MODEL}#L4"
    assert links.record_url(f"{SCORES}:12") == f"{REPO_URL}/blob/{head}/{SCORES}#L12"
    assert links.record_url("") == ""


def test_without_a_release_every_file_links_at_the_commit(repo: RepoLayout) -> None:  # noqa: F811
    head = build_commit(repo.root)
    links, note = current_links(repo.root, repo.records_dir, repo.releases_dir, head)
    assert links == RepoLinks(ref=head) and note == ""
    assert links.record_url(MODEL) == f"{REPO_URL}/blob/{head}/{MODEL}"


def test_a_release_whose_records_git_lacks_links_at_the_commit_and_says_why(
    repo: RepoLayout,  # noqa: F811
) -> None:
    _release(repo, "2026.11.0", "2026-11-23")
    manifest = repo.release_dir("2026.11.0") / "manifest.json"
    text = manifest.read_text().replace('"records_commit": null', '"records_commit": "' + "f" * 40 + '"')
    manifest.write_text(text)
    head = commit_all(repo.root, "a manifest pinning a commit this clone lacks")
    links, note = current_links(repo.root, repo.records_dir, repo.releases_dir, head)
    assert links == RepoLinks(ref=head)
    assert f"record links point at commit {head[:12]}, not at release 2026.11.0's tag" in note
    assert "is not in this clone" in note


def test_the_build_commit_is_git_head_or_a_given_full_hash(tmp_path: Path, repo: RepoLayout) -> None:  # noqa: F811
    assert build_commit(repo.root) == git(repo.root, "rev-parse", "HEAD")
    given = "a" * 40
    assert build_commit(tmp_path, given) == given
    with pytest.raises(LinkError, match=r"is not a git checkout.*pass --commit"):
        build_commit(tmp_path)
    with pytest.raises(LinkError, match="not a full commit hash"):
        build_commit(tmp_path, "main")
