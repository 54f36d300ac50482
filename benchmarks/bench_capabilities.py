"""The densing law per capability group: what it costs on the shipped records, and how often its 90%
intervals cover a known slope.

1. Time: on the shipped records, the capability pass alone (the extra TriviaQA track, then every
   group of every track), best of ``--repeats``; and the size-adjusted bootstrap it runs per group
   (1,000 resamples of 100 models), one least-squares fit per resample against the batched form.
2. Coverage: ``--seeds`` synthetic worlds (``tests/fit/capability_world.py``: four groups with known
   doubling times of 400, 200, 80 and 80 days, 30 models), fitted as ``densing fit`` does; for each
   group and fit (frontier, all models), the share of worlds whose 90% interval holds the true slope,
   and the share in which the 80-day and 400-day groups are told apart (intervals not overlapping)
   while the two 80-day groups are not.

Usage: ``.venv/bin/python benchmarks/bench_capabilities.py [--repeats 2] [--seeds 16]``. ``--tiny``
times the capability pass once on one synthetic world (its 30 models and the reference family; it
defines no capability-only track, so the extra-track step has nothing to fit) instead of the shipped
records, and measures coverage over 2 worlds, so ``make test`` keeps the script working in seconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from densing_data import load
from densing_fit.capabilities import capabilities_document, capability_tracks
from densing_fit.pipeline import fit_all
from densing_fit.rulers.fitting import fit_ruler
from densing_fit.track_fit import fit_track
from densing_fit.trend.size_adjusted import _bootstrap_coefficients, _coefficients
from tests.fit.capability_world import write_capability_world


def _best(repeats: int, job: object) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        job()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def time_pass(repeats: int, records: Path | None = None) -> None:
    """Time the capability pass on ``records`` (default: the shipped ones), then the size-adjusted
    bootstrap; print the figures."""
    ds = load(records)
    result = fit_all(ds, sensitivity=False, compare_release=False, capabilities=False)
    opts = result.options
    extra: list = []

    def extra_tracks() -> None:
        extra[:] = [fit_track(ds, t, fit_ruler(ds, t.ruler), opts) for t in capability_tracks(ds)]

    first = _best(repeats, extra_tracks)
    second = _best(repeats, lambda: capabilities_document(ds, result.tracks, extra, opts))
    where = "the shipped records" if records is None else f"a synthetic world of {len(ds.models)} models"
    print(
        f"capability pass on {where} ({ds.version}): extra track {first:.2f} s ({len(extra)} fitted), "
        f"groups of every track {second:.2f} s (best of {repeats})"
    )
    rng = np.random.default_rng(0)
    t, log_n = rng.uniform(0, 1500, 100), rng.uniform(19, 27, 100)
    y = 0.002 * t - 0.3 * log_n + rng.normal(0, 0.3, 100)
    picks = rng.integers(0, 100, (1000, 100))
    loop = _best(repeats, lambda: [_coefficients(t[i], log_n[i], y[i]) for i in picks])
    batched = _best(repeats, lambda: _bootstrap_coefficients(t, log_n, y, picks))
    print(
        f"size-adjusted bootstrap (1,000 resamples, 100 models): loop {loop:.3f} s, batched {batched:.4f} s"
    )


def coverage(seeds: int) -> None:
    """Fit ``seeds`` synthetic worlds; print how often the 90% intervals hold the true slopes."""
    hits: dict[tuple[str, str], int] = {}
    apart = 0
    for seed in range(seeds):
        with tempfile.TemporaryDirectory(prefix="bench-capabilities-") as tmp:
            slopes = write_capability_world(Path(tmp) / "records", seed=seed)
            result = fit_all(load(Path(tmp) / "records"), sensitivity=False, compare_release=False)
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
    parser.add_argument("--tiny", action="store_true", help="one synthetic world, not the shipped records")
    args = parser.parse_args()
    if not args.tiny:
        time_pass(args.repeats)
        coverage(args.seeds)
        return
    print("tiny: a synthetic world instead of the shipped records; these figures are not measurements")
    with tempfile.TemporaryDirectory(prefix="bench-capabilities-") as tmp:
        write_capability_world(Path(tmp) / "records")
        time_pass(1, Path(tmp) / "records")
    coverage(2)


if __name__ == "__main__":
    main()
