"""The data page lists a lean release (manifest and SHA256SUMS in git, exports on the GitHub release)."""

from __future__ import annotations

import shutil
from pathlib import Path

from densing_site.generate import generate_pages
from tests.site.test_site_generate import _site_data, repo  # noqa: F401  (the fixture)


def test_a_release_without_its_exports_in_git_is_listed_with_its_hashes(
    tmp_path: Path,
    repo: Path,  # noqa: F811
) -> None:
    shutil.rmtree(repo / "releases" / "2026.11.0" / "csv")  # only SHA256SUMS (and the manifest) in git
    docs = tmp_path / "docs"
    generate_pages(_site_data(tmp_path / "a", 10, repo), docs)
    assert not (docs / "data" / "2026.11.0" / "csv").exists()
    assert (docs / "data" / "2026.11.0" / "SHA256SUMS").is_file()
    page = (docs / "data.md").read_text()
    assert "<code>csv/models.csv</code>" in page and "0" * 64 in page
    assert 'href="data/2026.11.0/csv/models.csv"' not in page
    assert "densing verify-release &lt;version&gt; --exports &lt;folder&gt;" in page
