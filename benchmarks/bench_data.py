"""Time loading the records: cold (every file parsed strictly) and warm (parse cache).

Target (issue #2): loading the shipped data takes well under a second. Prints its figures:

    .venv/bin/python benchmarks/bench_data.py
    .venv/bin/python benchmarks/bench_data.py --tiny   # three models' records, one run each (make test)

``--tiny`` times the same steps on a records folder of three models (``tests/data/factories.py``)
with one cold and one warm load, so ``make test`` keeps the script working in a few seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import sys, time
t0 = time.perf_counter()
import densing_data.loader
t1 = time.perf_counter()
ds = densing_data.loader.load(sys.argv[1] or None)
t2 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {len(ds.models)} {len(ds.scores)} {len(ds.references)}")
"""


def run_child(cache_dir: str, records: str) -> tuple[float, float, str]:
    """Import time, load time and table sizes from a fresh interpreter."""
    env = dict(os.environ, DENSING_CACHE_DIR=cache_dir)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, records], env=env, capture_output=True, text=True, check=True
    )
    imp, load, *sizes = out.stdout.split()
    return float(imp), float(load), "{} models, {} scores, {} reference measurements".format(*sizes)


def main() -> None:
    """Print cold and warm load times (median of 3 and 5 fresh processes; 1 each with --tiny)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="three models' records, one run each")
    args = parser.parse_args()
    n_cold, n_warm = (1, 1) if args.tiny else (3, 5)
    with tempfile.TemporaryDirectory() as tmp:
        records = ""
        if args.tiny:
            sys.path.insert(0, str(ROOT))
            from tests.data.factories import minimal_records

            records = str(Path(tmp) / "records")
            minimal_records(Path(records))
        cache = str(Path(tmp) / "cache")
        cold = [run_child("off", records)[1] for _ in range(n_cold)]
        run_child(cache, records)
        warm_runs = [run_child(cache, records) for _ in range(n_warm)]
        imports = [r[0] for r in warm_runs]
        warm = [r[1] for r in warm_runs]
        print(f"{'tiny records' if args.tiny else 'shipped data'}: {warm_runs[0][2]}")
        print(f"import densing_data.loader (pandas, pydantic): median {statistics.median(imports):.3f} s")
        cold_median = statistics.median(cold)
        print(f"load, cold (strict parse of every file): median {cold_median:.3f} s over {n_cold} runs")
        print(
            f"load, warm (content-addressed parse cache): median {statistics.median(warm):.3f} s "
            f"over {n_warm} runs"
        )
        command = [
            sys.executable,
            "-m",
            "densing_cli.main",
            "validate",
            *([records] if records else []),
        ]
        t = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        print(f"densing validate (no cache, strict): {time.perf_counter() - t:.3f} s")


if __name__ == "__main__":
    main()
