"""Time the fitter: 1,000 synthetic models stage by stage, then ``densing fit`` on the shipped data.

Synthetic: the world of ``tests/fit/synthetic.py`` (the paper's five benchmarks, a 7-model reference
family, a two-step ruler with 25 reference points, 1,000 target models with 5 scores each) is
validated and tabulated in memory, then each stage of a track's pass (rulers, select the scores of
its protocol, read them on the ruler, aggregate, trend) is timed. Target: rulers + densities + trend
bootstrap under 5 s on the 2-core development machine.

Shipped data: the wall clock and CPU time of ``densing fit --out DIR`` in a fresh process, with the
fit caches (``densing_fit.rulers.fit_cache`` for curve fits, ``densing_fit.rulers.ruler_cache`` for
whole rulers) cold, then warm (the everyday case: reference records
unchanged) ``--repeats`` times, the best wall time kept (on a shared machine the least disturbed
run), in a cache folder of its own, then once warm without worker processes
(``DENSING_FIT_WORKERS=1``); whether the outputs are byte-identical; the load average; then where the
time goes, phase by phase, in this process and without workers (imports, load, rulers and their
loss-law fits, the tracks, sensitivity, agreement, writing), fits computed afresh and then reused.
Target (issue #19): ``densing fit`` ≤ 3 s with the cache warm.

Run: ``.venv/bin/python benchmarks/bench_fit.py [--models 1000] [--resamples 1000] [--repeats 5]``;
``--tiny`` runs every part at a tiny scale in a few seconds (20 synthetic models, 20 resamples, and
the "shipped data" part on a folder of those 20 models instead) so ``make test`` keeps the script
working.
Prints seconds; exits 0.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from densing_data.loader import Dataset, dataset_from_records, load  # noqa: E402
from densing_data.record_files import ParsedRecord  # noqa: E402
from densing_data.schema.records import RECORD_MODELS  # noqa: E402
from densing_data.validate import RecordSet  # noqa: E402
from densing_fit import pipeline  # noqa: E402
from densing_fit.options import FitOptions  # noqa: E402
from densing_fit.outputs import write_outputs  # noqa: E402
from densing_fit.parallel import WORKERS_VARIABLE  # noqa: E402
from densing_fit.pipeline import fit_all  # noqa: E402
from densing_fit.reading.density import default_min_benchmarks, read_scores  # noqa: E402
from densing_fit.reading.rank_range import N_DRAWS, add_rank_ranges  # noqa: E402
from densing_fit.reading.table import densities_table  # noqa: E402
from densing_fit.reading.track_select import select_track_scores  # noqa: E402
from densing_fit.rulers import fit_cache, loss_law, ruler_cache  # noqa: E402
from densing_fit.rulers.fitting import benchmark_defaults, fit_ruler  # noqa: E402
from densing_fit.tracks import ruler_track  # noqa: E402
from densing_fit.trend.summary import trend_document  # noqa: E402
from tests.fit.synthetic import build_world, write_world  # noqa: E402

TARGET_SECONDS = 5.0
"""Synthetic: rulers + densities + bootstrap for 1,000 models."""
TARGET_SHIPPED_SECONDS = 3.0
"""Shipped data: wall clock of ``densing fit`` with the fit cache warm."""
IMPORTS = "import densing_data.loader, densing_fit.pipeline, densing_fit.outputs"


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


def synthetic(n_models: int, resamples: int, tiny: bool) -> None:
    """Time each stage of one track's pass on the synthetic world, then (unless ``tiny``) the whole
    fit again; print the figures."""
    start = time.perf_counter()
    ds = dataset(n_models)
    print(
        f"synthetic records in memory: {len(ds.models)} models, {len(ds.scores)} scores, "
        f"{len(ds.references)} reference points ({time.perf_counter() - start:.2f} s, not counted)"
    )
    opts = FitOptions(n_resamples=resamples)
    fit_cache.forget_in_memory()
    ruler_cache.forget_in_memory()
    timings = {}
    with fits_cache_off():
        start = time.perf_counter()
        direct = fit_ruler(ds, "synthetic-direct")
        fit_ruler(ds, "synthetic-two-step")
        timings["rulers (direct, 5 benchmarks; two-step, 1; fitted afresh)"] = time.perf_counter() - start
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
    timings[f"trend + {resamples}-resample bootstrap (also before/after the cut)"] = (
        time.perf_counter() - start
    )
    core = sum(timings.values())
    if not tiny:  # the tiny mode's fit_all runs in shipped_phases
        start = time.perf_counter()
        result = fit_all(ds, opts)
        timings["fit_all with sensitivity (everything, again; rulers reused)"] = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            write_outputs(result, out)
            timings["write_outputs"] = time.perf_counter() - start
    for label, seconds in timings.items():
        print(f"{seconds:8.3f} s  {label}")
    print(f"          {rank_note}")
    verdict = "OK" if core < TARGET_SECONDS else "OVER TARGET"
    print(f"{core:8.3f} s  rulers + densities + bootstrap (target < {TARGET_SECONDS:g} s): {verdict}")
    if trend["doubling_days"] is not None:
        low, high = trend["doubling_days_ci"]
        print(
            f"doubling time {trend['doubling_days']:.1f} days (truth 100), 90% interval "
            f"[{low:.1f}, {high:.1f}], {len(frontier)} frontier models"
        )


@contextmanager
def environment(name: str, value: str) -> Iterator[None]:
    """Within the block, the environment variable ``name`` is ``value``; restored afterwards."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            del os.environ[name]
        else:
            os.environ[name] = before


def fits_cache_off() -> AbstractContextManager[None]:
    """Within the block, curve fits are neither read from nor written to the fit cache's files."""
    return environment("DENSING_CACHE_DIR", "off")


def workers_off() -> AbstractContextManager[None]:
    """Within the block, fits run every part in this process (so the phase timers see them all)."""
    return environment(WORKERS_VARIABLE, "1")


def densing_command() -> list[str]:
    """The ``densing`` console script beside this interpreter, else ``python -m densing_cli.main``."""
    script = Path(sys.executable).parent / "densing"
    return [str(script)] if script.exists() else [sys.executable, "-m", "densing_cli.main"]


def load_average() -> str:
    """The 1, 5 and 15-minute load averages, as ``uptime`` prints them."""
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def timed_cli(out: Path, extra: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of ``densing fit --out OUT [extra]`` in a fresh
    process (exits on failure)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [*densing_command(), "fit", "--out", str(out), *extra], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"densing fit failed (exit {done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def same_tree(a: Path, b: Path) -> bool:
    """Whether two output folders hold the same files with the same bytes."""
    cmp = filecmp.dircmp(a, b)
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    if cmp.left_only or cmp.right_only or mismatch or errors or cmp.common_funny:
        return False
    return all(same_tree(a / d, b / d) for d in cmp.common_dirs)


def shipped_wall_clock(work: Path, records: Path | None, repeats: int) -> None:
    """``densing fit`` in fresh processes with a fit cache of its own: cold, then ``repeats`` times
    warm; wall and CPU seconds of each, the best wall time against the target.

    On the shipped data (``records`` None) the parse cache is filled first, so "cold" means the curve
    fits only. With ``records`` (the tiny mode's small synthetic folder) the parse cache starts cold too.
    """
    extra = [] if records is None else ["--records", str(records), "--resamples", "20"]
    shown = " ".join(["densing fit --out DIR", *extra[:1], *(["RECORDS"] if records else []), *extra[2:]])
    env = dict(os.environ, DENSING_CACHE_DIR=str(work / "cache"))
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("note: PYTHONDONTWRITEBYTECODE is set: modules without a cached .pyc are compiled on every run")
    if records is None:
        timed_cli(work / "parse", ["--no-sensitivity", "--resamples", "10"], env)  # fills the parse cache
        for path in [*(work / "cache" / "fits").glob("*.json"), *(work / "cache" / "rulers").glob("*")]:
            path.unlink()
    runs = [("fit caches cold (every curve and ruler fitted)", "cold")]
    runs += [(f"fit cache warm, run {i}", f"warm{i}") for i in range(1, repeats + 1)]
    warm = []
    for label, name in runs:
        average = load_average()
        seconds, cpu = timed_cli(work / name, extra, env)
        warm += [(seconds, cpu)] if name != "cold" else []
        print(f"{seconds:8.3f} s  {shown}, {label} ({cpu:.2f} s CPU; load average {average})")
    serial_env = dict(env, **{WORKERS_VARIABLE: "1"})
    average = load_average()
    serial, serial_cpu = timed_cli(work / "serial", extra, serial_env)
    print(
        f"{serial:8.3f} s  {shown}, fit cache warm, {WORKERS_VARIABLE}=1 (no worker processes; "
        f"{serial_cpu:.2f} s CPU; load average {average})"
    )
    runs.append(("serial", "serial"))
    identical = all(same_tree(work / "cold", work / name) for _, name in runs[1:])
    print(f"outputs byte-identical, cold, warm and without workers: {'yes' if identical else 'NO'}")
    if records is None:
        best = min(w for w, _ in warm)
        cpu = statistics.median(c for _, c in warm)
        verdict = "OK" if best <= TARGET_SHIPPED_SECONDS else "OVER TARGET"
        print(
            f"{best:8.3f} s  densing fit, shipped data, warm, best of {len(warm)} (median CPU {cpu:.2f} s; "
            f"target <= {TARGET_SHIPPED_SECONDS:g} s): {verdict}"
        )


@contextmanager
def timing(owner: object, name: str, totals: dict[str, float], label: str) -> Iterator[None]:
    """Within the block, calls of ``owner.name`` add their wall seconds to ``totals[label]``."""
    original = getattr(owner, name)

    def timed(*args: object, **kwargs: object) -> object:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals[label] = totals.get(label, 0.0) + time.perf_counter() - start

    setattr(owner, name, timed)
    try:
        yield
    finally:
        setattr(owner, name, original)


def fit_phases(ds: Dataset, opts: FitOptions, out: Path) -> dict[str, float]:
    """Seconds of each phase of one ``fit_all`` + ``write_outputs`` (``other``: the rest of fit_all)."""
    totals: dict[str, float] = {}
    phases: list[tuple[object, str, str]] = [
        (pipeline, "fit_ruler", "rulers"),
        (loss_law.LossLaw, "fit", "  of which loss-law fits (step 1 of two-step rulers)"),
        (pipeline, "fit_track", "tracks (select, read, aggregate, trend)"),
        (pipeline, "sensitivity_rows", "sensitivity table (incl. average rulers)"),
        (pipeline, "track_capabilities", "capability groups (per track)"),
        (pipeline, "agreement", "agreement"),
    ]
    with _all_timed(phases, totals), workers_off():
        start = time.perf_counter()
        result = fit_all(ds, opts)
        total = time.perf_counter() - start
    totals = {label: totals.get(label, 0.0) for _, _, label in phases}
    counted = sum(v for k, v in totals.items() if not k.startswith(" "))
    totals["other (plan, capabilities.json, compression, release comparison)"] = total - counted
    start = time.perf_counter()
    write_outputs(result, out)
    totals["write_outputs"] = time.perf_counter() - start
    return totals


@contextmanager
def _all_timed(phases: list[tuple[object, str, str]], totals: dict[str, float]) -> Iterator[None]:
    if not phases:
        yield
        return
    (owner, name, label), *rest = phases
    with timing(owner, name, totals, label), _all_timed(rest, totals):
        yield


def shipped_phases(work: Path, records: Path | None) -> None:
    """Where ``densing fit``'s time goes, phase by phase, in this process: curve fits computed
    afresh, then reused (on the shipped data unless ``records`` is given)."""
    code = f"import time; t = time.perf_counter(); {IMPORTS}; print(time.perf_counter() - t)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    print(f"{float(done.stdout):8.3f} s  imports in a fresh interpreter ({IMPORTS[7:]})")
    start = time.perf_counter()
    ds = load(records)
    print(f"{time.perf_counter() - start:8.3f} s  load the records, data {ds.version}")
    opts = FitOptions() if records is None else FitOptions(n_resamples=20)
    fit_cache.forget_in_memory()
    ruler_cache.forget_in_memory()
    for label in ("fitted afresh", "reused")[: 1 if records else 2]:
        if label == "fitted afresh":
            with fits_cache_off():
                totals = fit_phases(ds, opts, work / "phases-afresh")
        else:
            totals = fit_phases(ds, opts, work / "phases-reused")
        print(f"phases of fit_all + write_outputs, curve fits {label}:")
        for phase, seconds in totals.items():
            print(f"{seconds:8.3f} s    {phase}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1000, help="synthetic target models")
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples (synthetic)")
    parser.add_argument("--no-shipped", action="store_true", help="skip the shipped-data figures")
    parser.add_argument("--repeats", type=int, default=5, help="warm runs of densing fit (best wall kept)")
    parser.add_argument("--tiny", action="store_true", help="every part at a tiny scale (for make test)")
    args = parser.parse_args()
    models, resamples = (20, 20) if args.tiny else (args.models, args.resamples)
    print(
        f"bench_fit: {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, load average {load_average()}"
    )
    synthetic(models, resamples, args.tiny)
    if args.no_shipped:
        return
    with tempfile.TemporaryDirectory(prefix="bench-fit-") as tmp:
        records = None
        if args.tiny:
            records = Path(tmp) / "records"
            write_world(records, n_targets=models)
            print(f"tiny: the shipped-data figures below are for {models} synthetic models instead")
        shipped_wall_clock(Path(tmp), records, 1 if args.tiny else args.repeats)
        shipped_phases(Path(tmp), records)


if __name__ == "__main__":
    main()
