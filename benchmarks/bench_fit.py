"""Time the fitter on 1,000 synthetic models: rulers, one track's pass, a 1,000-resample bootstrap.

The records (the synthetic world of ``tests/fit/synthetic.py``: the paper's five benchmarks, a
7-model reference family, a two-step ruler with 25 reference points, 1,000 target models with
5 scores each) are validated and tabulated in memory, then each stage of a track's pass (select
the scores of its protocol, read them on the ruler, aggregate, trend) is timed. Target: rulers +
densities + trend bootstrap under 5 s on the 2-core development machine.

Run: ``.venv/bin/python benchmarks/bench_fit.py [--models 1000] [--resamples 1000]``; prints seconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from densing_data.loader import Dataset, dataset_from_records
from densing_data.record_files import ParsedRecord
from densing_data.schema.records import RECORD_MODELS
from densing_data.validate import RecordSet
from densing_fit.density import default_min_benchmarks, read_scores
from densing_fit.options import FitOptions
from densing_fit.outputs import write_outputs
from densing_fit.pipeline import fit_all
from densing_fit.rank_range import N_DRAWS, add_rank_ranges
from densing_fit.rulers import benchmark_defaults, fit_ruler
from densing_fit.table import densities_table
from densing_fit.track_select import select_track_scores
from densing_fit.tracks import ruler_track
from densing_fit.trend_summary import trend_document
from tests.fit.synthetic import build_world

TARGET_SECONDS = 5.0


def dataset(n_models: int) -> Dataset:
    """The synthetic world as a Dataset, built in memory (no files)."""
    records, _ = build_world(n_targets=n_models, seed=0)
    record_set = RecordSet()
    for kind, items in records.items():
        for line, item in enumerate(items, start=1):
            record = RECORD_MODELS[kind].model_validate(item)
            record_set.by_kind[kind].append(
                ParsedRecord(kind=kind, path=f"<{kind}>", line=line, record=record)
            )
    return dataset_from_records(record_set, "2026.12.0")  # a version of the YYYY.MM.N form fit_all expects


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--resamples", type=int, default=1000)
    args = parser.parse_args()

    start = time.perf_counter()
    ds = dataset(args.models)
    print(
        f"records in memory: {len(ds.models)} models, {len(ds.scores)} scores, "
        f"{len(ds.references)} reference points ({time.perf_counter() - start:.2f} s, not counted)"
    )
    opts = FitOptions(n_resamples=args.resamples)

    timings = {}
    start = time.perf_counter()
    direct = fit_ruler(ds, "synthetic-direct")
    fit_ruler(ds, "synthetic-two-step")
    timings["rulers (direct, 5 benchmarks; two-step, 1)"] = time.perf_counter() - start

    start = time.perf_counter()
    track = ruler_track("synthetic-direct")
    bench_set = track.benchmark_set(direct.benchmarks)
    standard = {b: d["setting"].cot for b, d in benchmark_defaults(ds).items()}
    chosen, _ = select_track_scores(ds.scores, track, dict(direct.settings), False, standard)
    timings[f"select the track's scores ({len(chosen)} chosen)"] = time.perf_counter() - start
    start = time.perf_counter()
    per_bench = read_scores(chosen, direct)
    densities = densities_table(
        ds, per_bench, direct.benchmarks, bench_set, default_min_benchmarks(bench_set), track.id
    )
    timings[f"densities ({len(per_bench)} effective sizes, {len(densities)} models)"] = (
        time.perf_counter() - start
    )
    start = time.perf_counter()
    add_rank_ranges(densities)  # already part of densities_table; timed again on its own
    ranked = int(densities["rank"].notna().sum())
    rank_note = (
        f"(part of the densities stage) rank ranges of {ranked} citable readings, "
        f"{N_DRAWS:,} draws: {time.perf_counter() - start:.3f} s"
    )

    start = time.perf_counter()
    trend, frontier = trend_document(densities, opts, "synthetic-direct", ds.version, bench_set, track.id)
    timings[f"trend + {args.resamples}-resample bootstrap (also before/after the cut)"] = (
        time.perf_counter() - start
    )
    core = sum(timings.values())

    start = time.perf_counter()
    result = fit_all(ds, opts)
    timings["fit_all with sensitivity (everything, again)"] = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        write_outputs(result, out)
        timings["write_outputs"] = time.perf_counter() - start

    for label, seconds in timings.items():
        print(f"{seconds:8.3f} s  {label}")
    print(f"          {rank_note}")
    verdict = "OK" if core < TARGET_SECONDS else "OVER TARGET"
    print(f"{core:8.3f} s  rulers + densities + bootstrap (target < {TARGET_SECONDS:g} s): {verdict}")
    low, high = trend["doubling_days_ci"]
    print(
        f"doubling time {trend['doubling_days']:.1f} days (truth 100), 90% CI [{low:.1f}, {high:.1f}], "
        f"{len(frontier)} frontier models"
    )


if __name__ == "__main__":
    main()
