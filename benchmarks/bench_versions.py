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
"""

from __future__ import annotations

import argparse
import filecmp
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


def timed(label: str, repeats: int, step: object) -> float:
    """Best wall time of ``repeats`` runs of ``step()``; printed."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        step()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    print(f"{label}: {best:.1f} s (best of {repeats})", flush=True)
    return best


def run(*args: str) -> None:
    subprocess.run([str(DENSING), *args], check=True, capture_output=True, cwd=ROOT)


def same_tree(a: Path, b: Path) -> bool:
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    other = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return files == other and all(filecmp.cmp(a / f, b / f, shallow=False) for f in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    version = data_version()
    fit_dir = ROOT / "out" / "fit"
    if not (fit_dir / "tracks.json").is_file():
        sys.exit("run `make site` first: out/fit holds the fit outputs the build reuses")
    with tempfile.TemporaryDirectory(prefix="bench-versions-") as tmp:
        work = Path(tmp)
        base = ["build", "--fit-dir", str(fit_dir), "--src", str(work / "src")]
        plain = timed(
            "densing build --no-frozen",
            args.repeats,
            lambda: run(*base, "--out", str(work / "a"), "--no-frozen"),
        )
        frozen = timed("densing build --frozen", args.repeats, lambda: run(*base, "--out", str(work / "b")))
        print(f"  the frozen copy of {version} adds {frozen - plain:.1f} s")
        timed(
            f"densing build-version {version} (records from git, fitted again)",
            1,
            lambda: run("build-version", version, "--out", str(work / "c")),
        )
        copy = work / "b" / "v" / version
        size = sum(p.stat().st_size for p in copy.rglob("*") if p.is_file())
        count = sum(1 for p in copy.rglob("*") if p.is_file())
        same = same_tree(copy, work / "c")
        print(f"  frozen copy: {count} files, {size / 1e6:.1f} MB; same bytes both ways: {same}")
        timed(
            "release fit: child interpreter, one thread, no parse cache",
            args.repeats,
            lambda: fit_release(ROOT, RECORDS_DIR, version, work / f"fit-{time.perf_counter_ns()}"),
        )
        here = work / "fit-here"
        timed("the same fit in this process", 1, lambda: write_outputs(fit_all(load(RECORDS_DIR)), here))
        child = next(p for p in work.iterdir() if p.name.startswith("fit-") and p != here)
        print(f"  same bytes: {same_tree(child, here)}")


if __name__ == "__main__":
    main()
