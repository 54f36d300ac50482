"""The densing law per capability group: what it costs on the shipped records, and how often its 90%
intervals cover a known slope.

1. Time: ``fit_all`` on the shipped records with and without the capability fits (sensitivity off, so
   the difference is the capability pass: one extra track, the TriviaQA one, and every group of every
   track), best of ``--repeats``.
2. Coverage: ``--seeds`` synthetic worlds (``tests/fit/capability_world.py``: four groups with known
   doubling times of 400, 200, 80 and 80 days, 30 models), fitted as ``densing fit`` does; for each
   group and fit (frontier, all models), the share of worlds whose 90% interval holds the true slope,
   and the share in which the 80-day and 400-day groups are told apart (intervals not overlapping)
   while the two 80-day groups are not.

Usage: ``.venv/bin/python benchmarks/bench_capabilities.py [--repeats 2] [--seeds 16]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from densing_data import load
from densing_fit.pipeline import fit_all
from tests.fit.capability_world import write_capability_world


def time_shipped(repeats: int) -> None:
    ds = load()
    for capabilities in (False, True):
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            fit_all(ds, sensitivity=False, compare_release=False, capabilities=capabilities)
            best = min(best, time.perf_counter() - start)
        label = "with" if capabilities else "without"
        print(f"fit_all on the shipped records ({ds.version}), {label} capability fits: {best:.2f} s")


def coverage(seeds: int) -> None:
    hits: dict[tuple[str, str], int] = {}
    apart = 0
    for seed in range(seeds):
        root = Path(tempfile.mkdtemp()) / "records"
        slopes = write_capability_world(root, seed=seed)
        result = fit_all(load(root), sensitivity=False, compare_release=False)
        (track,) = result.capabilities["tracks"]
        for group in track["groups"]:
            if group["id"] not in slopes:
                continue
            for fit in ("frontier", "all_models"):
                low, high = group[fit]["slope_per_day_ci"]
                key = (group["id"], fit)
                hits[key] = hits.get(key, 0) + int(low <= slopes[group["id"]] <= high)
        pairs = {(o["fit"], o["a"], o["b"]): o["overlap"] for o in track["overlap"]}
        apart += all(
            not pairs[(f, "knowledge", "math")] and pairs[(f, "math", "code")]
            for f in ("frontier", "all_models")
        )
    for fit in ("frontier", "all_models"):
        shares = {g: hits[(g, fit)] / seeds for g, f in hits if f == fit}
        total = sum(hits[(g, fit)] for g in shares) / (seeds * len(shares))
        detail = ", ".join(f"{g} {s:.0%}" for g, s in shares.items())
        print(f"coverage of the 90% interval, {fit}: {total:.0%} over {seeds} worlds ({detail})")
    print(
        f"400-day and 80-day groups apart, the two 80-day groups not, in both fits: {apart} of {seeds} worlds"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=16)
    args = parser.parse_args()
    time_shipped(args.repeats)
    coverage(args.seeds)


if __name__ == "__main__":
    main()
