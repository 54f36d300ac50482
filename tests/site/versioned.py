"""A real git repository with synthetic records and two data releases (each with its fit outputs,
tagged), and the site built from it with every version's frozen pages, for the version tests."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from densing_cli.release_commands import release_fit
from densing_data.contrib.layout import RepoLayout
from densing_data.contrib.release.cut import cut_release
from densing_data.store import append_records
from densing_site.build import build_site
from densing_site.versions.frozen import build_frozen
from densing_site.versions.publish import keep_published
from tests.contrib.conftest import REAL_ROOT, commit_all, copy_code, git
from tests.site.synthetic import BENCHMARKS, corrections, synthetic_records

FIRST, SECOND = "2026.11.0", "2026.11.1"
N_FIRST, N_SECOND = 14, 18
KINDS = ("benchmark", "model", "score", "ruler")


def _release(layout: RepoLayout, version: str, day: int) -> str:
    cut_release(layout, version, dt.date(2026, 11, day), release_fit())
    commit = commit_all(layout.root, f"Release data {version}")
    git(layout.root, "tag", f"data-v{version}")
    return commit


def make_versioned_repo(root: Path) -> dict[str, object]:
    """The repository: release FIRST of N_FIRST models; release SECOND adding models and corrections;
    then one more correction on main, not released. Returns the layout, the models SECOND added, the
    model whose scores file changed after SECOND and the commit of main."""
    layout = RepoLayout(root=root)
    copy_code(root)
    first = synthetic_records(N_FIRST)
    for kind in KINDS:
        append_records(kind, first[kind], records_dir=layout.records_dir)
    layout.path(layout.version_file).write_text(f"{FIRST}\n", encoding="utf-8")
    for name in (layout.citation, layout.zenodo):
        shutil.copy(REAL_ROOT / name, root / name)
    (root / ".gitignore").write_text(".records.lock\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.org")
    git(root, "config", "user.name", "Test")
    git(root, "config", "commit.gpgsign", "false")
    commit_all(root, "synthetic records")
    _release(layout, FIRST, 23)
    second = synthetic_records(N_SECOND)
    old = {kind: {r["id"] for r in first[kind]} for kind in KINDS}
    for kind in KINDS:
        append_records(
            kind, [r for r in second[kind] if r["id"] not in old[kind]], records_dir=layout.records_dir
        )
    for kind, items in corrections(second).items():
        append_records(kind, items, records_dir=layout.records_dir)
    _release(layout, SECOND, 25)
    added = sorted({r["id"] for r in second["model"]} - old["model"])
    changed = added[-1]
    bench = next(iter(BENCHMARKS))
    score = next(r for r in second["score"] if r["model"] == changed and r["benchmark"] == bench)
    fixed = score | {"revision": 2, "correction_note": "Read again from the table.", "value": 50.0}
    append_records("score", [fixed], records_dir=layout.records_dir)
    head = commit_all(root, "a correction after the release")
    return {"layout": layout, "added": added, "changed": changed, "head": head}


def build_versioned_site(repo: dict[str, object], out: Path, published_url: str) -> Path:
    """The site of ``repo`` with the frozen copy of the data version, then every other version kept
    from ``published_url`` or built (as the deploy does)."""
    layout: RepoLayout = repo["layout"]  # type: ignore[assignment]
    site = out / "site"
    build_site(
        records_dir=layout.records_dir,
        out_dir=site,
        docs_dir=out / "src",
        releases_dir=layout.releases_dir,
        repo_root=layout.root,
        frozen=True,
    )

    def build(version: str, folder: Path) -> object:
        return build_frozen(version, folder, repo_root=layout.root, releases_dir=layout.releases_dir)

    keep_published(site, published_url, [FIRST, SECOND], build)
    return site
