"""Time ``densing check-pr``, ``densing release`` and ``densing verify-release`` on a synthetic
repository the size of the seed data (100 models, 2,500 scores) with a pull request that appends 100
scores and 4 corrections; then ``verify-release`` on this repository's own releases (the record check
and the rebuild of 2026.11.0 from its records commit) and the weight of the tracked release files.

Run: ``.venv/bin/python benchmarks/bench_contrib.py``; prints seconds per step. ``--tiny`` runs the
synthetic part on 5 models with 5 scores each and skips this repository's releases (CI checks them
with ``densing verify-release``), so ``make test`` keeps the script working in a few seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from densing_data.contrib.layout import REPO_ROOT, RepoLayout
from densing_data.contrib.pr.check_pr import check_pr
from densing_data.contrib.release.cut import cut_release
from densing_data.contrib.release.verify import verify_frozen, verify_release
from densing_data.report import Report
from densing_data.store import append_record_groups
from tests.data.factories import benchmark, model, ruler, score

BENCHMARKS = ["mmlu", "bbh", "math", "humaneval", "mbpp"]


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def build(root: Path, n_models: int = 100, per_model: int = 25) -> RepoLayout:
    layout = RepoLayout(root=root)
    models = [
        model(
            f"m{i:03d}-{i + 1}b", (i + 1) * 10**9, release_date=dt.date(2023, 1, 1) + dt.timedelta(days=5 * i)
        )
        for i in range(n_models)
    ]
    scores = [
        score(
            f"m{i:03d}-{i + 1}b.{b}.p{k}",
            f"m{i:03d}-{i + 1}b",
            20.0 + (i + k) % 60,
            benchmark=b,
            protocol=f"p{k}",
        )
        for i in range(n_models)
        for k in range(per_model // len(BENCHMARKS))
        for b in BENCHMARKS
    ]
    append_record_groups(
        {
            "benchmark": [benchmark(b) for b in BENCHMARKS],
            "model": models,
            "score": scores,
            "ruler": [ruler(models=[m["id"] for m in models[:3]])],
        },
        records_dir=layout.records_dir,
    )
    layout.path(layout.version_file).write_text("2026.11.0\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=b", "-c", "user.email=b@b", "add", "-A")
    git(root, "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-q", "-m", "seed")
    return layout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100, help="models of the synthetic repository")
    parser.add_argument("--per-model", type=int, default=25, help="scores per model")
    parser.add_argument("--tiny", action="store_true", help="5 models, 5 scores each; no repository part")
    args = parser.parse_args()
    n_models, per_model = (5, 5) if args.tiny else (args.models, args.per_model)
    synthetic_repo(n_models, per_model)
    if not args.tiny:
        this_repository()


def synthetic_repo(n_models: int, per_model: int) -> None:
    """check-pr, release and verify-release on a synthetic repository; print seconds per step."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        layout = build(Path(tmp) / "repo", n_models, per_model)
        print(
            f"build synthetic repo ({n_models} models, {n_models * per_model:,} scores): "
            f"{time.perf_counter() - start:.2f} s"
        )
        extra = [
            score(f"m{i:03d}-{i + 1}b.mmlu.new", f"m{i:03d}-{i + 1}b", 55.0, protocol="new")
            for i in range(min(100, n_models))
        ]
        fixes = [
            score(
                f"m{i:03d}-{i + 1}b.mmlu.p0",
                f"m{i:03d}-{i + 1}b",
                21.5 + i,
                revision=2,
                correction_note="fix",
            )
            for i in range(min(4, n_models))
        ]
        append_record_groups({"score": extra + fixes}, records_dir=layout.records_dir)
        start = time.perf_counter()
        result = check_pr(layout, "main")
        print(
            f"check-pr ({len(extra) + len(fixes)} records appended): {time.perf_counter() - start:.2f} s, "
            f"ok={result.report.ok}"
        )
        start = time.perf_counter()
        cut_release(layout, "2026.11.0", dt.date(2026, 11, 23))
        print(f"release 2026.11.0 (3 formats, checksums): {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        result = check_pr(layout, "main")
        print(f"check-pr of the release PR: {time.perf_counter() - start:.2f} s, ok={result.report.ok}")
        tracked = sum(p.stat().st_size for p in layout.release_dir("2026.11.0").iterdir())
        print(f"tracked release files: {tracked / 1e3:.0f} kB")
        git(layout.root, "-c", "user.name=b", "-c", "user.email=b@b", "add", "-A")
        git(layout.root, "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-q", "-m", "release")
        start = time.perf_counter()
        ok = verify_release(layout, "2026.11.0").report.ok
        print(f"verify-release (rebuild from the commit): {time.perf_counter() - start:.2f} s, ok={ok}")


def this_repository() -> None:
    """The weight of this repository's tracked releases, its record check and a rebuild of 2026.11.0."""
    real = RepoLayout(root=REPO_ROOT)
    listing = subprocess.run(["git", "-C", str(REPO_ROOT), "ls-files", "-z", "releases"], capture_output=True)
    weight = sum((REPO_ROOT / n).stat().st_size for n in listing.stdout.decode().split("\0") if n)
    print(f"this repository: tracked releases/ {weight / 1e3:.0f} kB")
    for attempt in ("cold", "warm"):  # cold: the parse cache is filled on the first pass
        report = Report()
        start = time.perf_counter()
        checked = verify_frozen(real, report).checked
        took = time.perf_counter() - start
        print(
            f"this repository: record check, {checked:,} revisions ({attempt}): {took:.2f} s, ok={report.ok}"
        )
    start = time.perf_counter()
    ok = verify_release(real, "2026.11.0").report.ok
    print(f"this repository: rebuild and verify 2026.11.0: {time.perf_counter() - start:.2f} s, ok={ok}")


if __name__ == "__main__":
    main()
