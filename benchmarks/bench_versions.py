"""Time what data versions add to a site build and a release, on the shipped records.

1. ``densing build`` (the last step of ``make site``) on the fit outputs of ``densing fit``, without
   and with the frozen copy of the data version (``--no-frozen`` / ``--frozen``; the copy reuses the
   site's records and fit when they are exactly the release's);
2. ``densing build-version`` of the data version on its own (records read from git, fitted again);
3. the fit of a release as ``densing release`` and ``densing verify-release`` run it (a
   single-threaded child interpreter on the code of a source tree, no parse cache), next to the same
   fit in this process, and whether the two wrote the same bytes;
4. the size of a frozen copy.

Run: ``.venv/bin/python benchmarks/bench_versions.py`` (after ``make site``, which writes out/fit);
prints seconds per step. Each step runs ``--repeats`` times (best shown): the 2-core VM is shared.

``--tiny`` runs every step once in a temporary git repository instead: a copy of this repository's code,
site sources and documents with the records of 10 synthetic models (``tests/site/synthetic.py``) in
place of the shipped ones, released as data version 2026.11.0 (committed and tagged), its fit outputs
written as ``densing fit`` writes them. The ``densing`` commands run there on the copy's code, as they
run here on this repository, so ``make test`` keeps the script working in seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from densing_data import load  # noqa: E402
from densing_data.paths import RECORDS_DIR, data_version  # noqa: E402
from densing_fit.outputs import write_outputs  # noqa: E402
from densing_fit.pipeline import fit_all  # noqa: E402
from densing_fit.release_fit import fit_release  # noqa: E402

DENSING = ROOT / ".venv" / "bin" / "densing"
TINY_MODELS = 10
TINY_VERSION = "2026.11.0"
TINY_COPIED = ("densing_cli", "densing_data", "densing_fit", "densing_site", "docs")
"""What the tiny repository copies of this one, besides the site sources and the files below."""
TINY_FILES = ("mkdocs.yml", "CITATION.cff", ".zenodo.json", "CONTRIBUTING.md", "README.md")


def timed(label: str, repeats: int, step: object) -> float:
    """Best wall time of ``repeats`` runs of ``step()``; printed."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        step()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    print(f"{label}: {best:.1f} s (best of {repeats})", flush=True)
    return best


def run(root: Path, *args: str) -> None:
    """``densing ARGS`` in repository ``root`` on its own code (this repository's: the installed one)."""
    env = None if root == ROOT else dict(os.environ, PYTHONPATH=str(root))
    subprocess.run([str(DENSING), *args], check=True, capture_output=True, cwd=root, env=env)


def same_tree(a: Path, b: Path) -> bool:
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    other = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return files == other and all(filecmp.cmp(a / f, b / f, shallow=False) for f in files)


GIT_IDENTITY = ("user.name=bench", "user.email=bench@densing.invalid", "commit.gpgsign=false")


def _git(root: Path, *args: str) -> None:
    config = [arg for setting in GIT_IDENTITY for arg in ("-c", setting)]
    subprocess.run(["git", "-C", str(root), *config, *args], check=True, capture_output=True)


def tiny_repository(root: Path, fit_dir: Path) -> Path:
    """A git repository at ``root`` laid out like this one, with :data:`TINY_MODELS` synthetic models'
    records released as :data:`TINY_VERSION` (committed, tagged); their fit outputs in ``fit_dir``."""
    from densing_cli.release_commands import release_fit
    from densing_data.contrib.layout import RepoLayout
    from densing_data.contrib.release.cut import cut_release
    from densing_site.paths import HAND_WRITTEN
    from tests.site.synthetic import write_synthetic_records

    skip = shutil.ignore_patterns("__pycache__", "records", "DATA_VERSION")
    for name in TINY_COPIED:
        shutil.copytree(ROOT / name, root / name, ignore=skip)
    (root / "site_src").mkdir()
    for name in HAND_WRITTEN:
        source = ROOT / "site_src" / name
        if source.is_dir():
            shutil.copytree(source, root / "site_src" / name, ignore=skip)
        else:
            shutil.copy(source, root / "site_src" / name)
    for name in TINY_FILES:
        shutil.copy(ROOT / name, root / name)
    layout = RepoLayout(root=root)
    records = write_synthetic_records(layout.records_dir, TINY_MODELS)
    layout.path(layout.version_file).write_text(f"{TINY_VERSION}\n", encoding="utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "synthetic records")
    cut_release(layout, TINY_VERSION, dt.date(2026, 11, 23), release_fit())
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", f"Release data {TINY_VERSION}")
    _git(root, "tag", f"data-v{TINY_VERSION}")
    write_outputs(fit_all(load(records)), fit_dir)
    return records


def measure(root: Path, records: Path, fit_dir: Path, work: Path, repeats: int) -> None:
    """Time every step on repository ``root`` (records ``records``, fit outputs ``fit_dir``); print."""
    version = data_version(records.parent / "DATA_VERSION")
    base = ["build", "--fit-dir", str(fit_dir), "--src", str(work / "src")]
    plain = timed(
        "densing build --no-frozen",
        repeats,
        lambda: run(root, *base, "--out", str(work / "a"), "--no-frozen"),
    )
    frozen = timed("densing build --frozen", repeats, lambda: run(root, *base, "--out", str(work / "b")))
    print(f"  the frozen copy of {version} adds {frozen - plain:.1f} s")
    timed(
        f"densing build-version {version} (records from git, fitted again)",
        1,
        lambda: run(root, "build-version", version, "--out", str(work / "c")),
    )
    copy = work / "b" / "v" / version
    size = sum(p.stat().st_size for p in copy.rglob("*") if p.is_file())
    count = sum(1 for p in copy.rglob("*") if p.is_file())
    same = same_tree(copy, work / "c")
    print(f"  frozen copy: {count} files, {size / 1e6:.1f} MB; same bytes both ways: {same}")
    timed(
        "release fit: child interpreter, one thread, no parse cache",
        repeats,
        lambda: fit_release(root, records, version, work / f"fit-{time.perf_counter_ns()}"),
    )
    here = work / "fit-here"
    timed("the same fit in this process", 1, lambda: write_outputs(fit_all(load(records)), here))
    child = next(p for p in work.iterdir() if p.name.startswith("fit-") and p != here)
    print(f"  same bytes: {same_tree(child, here)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--tiny", action="store_true", help="a temporary repository of 10 synthetic models")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-versions-") as tmp:
        work = Path(tmp)
        if not args.tiny:
            fit_dir = ROOT / "out" / "fit"
            if not (fit_dir / "tracks.json").is_file():
                sys.exit("run `make site` first: out/fit holds the fit outputs the build reuses")
            measure(ROOT, RECORDS_DIR, fit_dir, work, args.repeats)
            return
        start = time.perf_counter()
        records = tiny_repository(work / "repo", work / "repo-fit")
        print(
            f"tiny: a repository of {TINY_MODELS} synthetic models, release {TINY_VERSION} cut and fitted "
            f"in {time.perf_counter() - start:.1f} s; these figures are not measurements",
            flush=True,
        )
        (work / "steps").mkdir()
        measure(work / "repo", records, work / "repo-fit", work / "steps", 1)
        built = sum(1 for p in (work / "steps" / "a" / "models").iterdir() if p.is_dir())
        if built != TINY_MODELS:
            sys.exit(f"the site built has {built} model pages, not {TINY_MODELS}: not the copy's code ran")


if __name__ == "__main__":
    main()
