"""Which record revisions no release holds yet: what the site shows next to the data version."""

from __future__ import annotations

import pytest

from densing_data import load
from densing_data.contrib.layout import RepoLayout
from densing_data.contrib.pr.unreleased import Unreleased, UnreleasedError, unreleased_revisions
from densing_data.store import append_records
from tests.contrib.conftest import commit_all
from tests.contrib.test_release import release
from tests.data.factories import model, score


def _unreleased(repo: RepoLayout) -> Unreleased | None:
    return unreleased_revisions(load(repo.records_dir).history, repo.releases_dir)


def test_no_release_means_nothing_to_compare_with(repo: RepoLayout) -> None:
    assert _unreleased(repo) is None


def test_additions_and_corrections_after_a_release_are_unreleased_until_the_next(repo: RepoLayout) -> None:
    release(repo, "2026.11.0")
    commit_all(repo.root, "release 2026.11.0")
    found = _unreleased(repo)
    assert found is not None and (found.latest, found.count) == ("2026.11.0", 0)

    append_records("model", [model("tiny-8b", 8 * 10**9)], records_dir=repo.records_dir)
    append_records("score", [score("tiny-8b.mmlu", "tiny-8b", 75.0)], records_dir=repo.records_dir)
    fixed = score("tiny-1b.mmlu", value=40.5, revision=2, correction_note="Table 1 says 40.5")
    append_records("score", [fixed], records_dir=repo.records_dir)
    found = _unreleased(repo)
    assert found is not None and found.latest == "2026.11.0"
    assert found.revisions == {
        "model": (("tiny-8b", 1),),
        "score": (("tiny-1b.mmlu", 2), ("tiny-8b.mmlu", 1)),
    }
    assert found.count == 3 and found.ids("score") == ("tiny-1b.mmlu", "tiny-8b.mmlu")

    commit_all(repo.root, "new records")
    release(repo, "2026.12.0", "2026-12-02")
    found = _unreleased(repo)
    assert found is not None and (found.latest, found.count) == ("2026.12.0", 0)


def test_an_unreadable_manifest_is_an_error_not_a_guess(repo: RepoLayout) -> None:
    release(repo, "2026.11.0")
    (repo.release_dir("2026.11.0") / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(UnreleasedError, match=r"manifest\.json"):
        _unreleased(repo)
