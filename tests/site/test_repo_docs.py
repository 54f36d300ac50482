"""Relative links in the repository documents the site shows: each one reaches a site page or a file
that exists in the repository, at the build's commit."""

from __future__ import annotations

import posixpath
import re

import pytest

from densing_site.citing.links import REPO_URL, RepoLinks
from densing_site.inputs.repo_docs import SITE_PAGES, link_repository_paths, link_target
from densing_site.paths import REPO_ROOT

COMMIT = "0123456789abcdef0123456789abcdef01234567"
LINKS = RepoLinks(ref=COMMIT)
_LINK = re.compile(r"(?<!!)\[[^\]\n]+\]\(([^)\s]+)\)")


def test_a_link_to_a_shown_document_goes_to_its_page_others_to_github_at_the_commit() -> None:
    assert link_target("dev/fit-outputs.md", "docs/method.md", "method.md", LINKS) == "fit-outputs.md"
    assert link_target("../method.md#tracks", "docs/dev/fit-outputs.md", "fit-outputs.md", LINKS) == (
        "method.md#tracks"
    )
    assert link_target("docs/method.md", "CONTRIBUTING.md", "contributing.md", LINKS) == "method.md"
    assert link_target("releases/README.md#layout", "CHANGELOG.md", "changelog.md", LINKS) == (
        f"{REPO_URL}/blob/{COMMIT}/releases/README.md#layout"
    )
    with pytest.raises(ValueError, match="leaves the repository"):
        link_target("../../etc/passwd", "docs/method.md", "method.md", LINKS)
    text = "See [Fit outputs](dev/fit-outputs.md), [paper](https://arxiv.org/abs/1) and ![x](a.png)."
    assert link_repository_paths(text, "docs/method.md", "method.md", LINKS) == (
        "See [Fit outputs](fit-outputs.md), [paper](https://arxiv.org/abs/1) and ![x](a.png)."
    )


@pytest.mark.parametrize("source", sorted(SITE_PAGES))
def test_every_relative_link_of_a_shown_document_resolves(source: str) -> None:
    page = SITE_PAGES[source]
    text = link_repository_paths((REPO_ROOT / source).read_text(encoding="utf-8"), source, page, LINKS)
    pages = set(SITE_PAGES.values())
    pinned = f"{REPO_URL}/blob/{COMMIT}/"
    broken = []
    for target in _LINK.findall(text):
        path = target.split("#")[0]
        if target.startswith(pinned):
            found = (REPO_ROOT / path.removeprefix(pinned)).exists()
        elif target.startswith(("https://", "http://", "mailto:", "#")):
            found = True
        else:
            found = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) in pages
        if not found:
            broken.append(target)
    assert not broken, broken
