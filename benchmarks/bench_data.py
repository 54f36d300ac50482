"""Time loading the shipped records: cold (every file parsed strictly) and warm (parse cache).

Target (issue #2): loading the shipped data takes well under a second. Prints its figures:

    .venv/bin/python benchmarks/bench_data.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = """
import time
t0 = time.perf_counter()
import densing_data
t1 = time.perf_counter()
ds = densing_data.load()
t2 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {len(ds.models)} {len(ds.scores)} {len(ds.references)}")
"""


def run_child(cache_dir: str) -> tuple[float, float, str]:
    """Import time, load time and table sizes from a fresh interpreter."""
    env = dict(os.environ, DENSING_CACHE_DIR=cache_dir)
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True)
    imp, load, *sizes = out.stdout.split()
    return float(imp), float(load), "{} models, {} scores, {} reference measurements".format(*sizes)


def main() -> None:
    """Print cold and warm load times (median of 5 fresh processes each)."""
    with tempfile.TemporaryDirectory() as cache:
        cold = [run_child("off")[1] for _ in range(3)]
        run_child(cache)
        warm_runs = [run_child(cache) for _ in range(5)]
    imports = [r[0] for r in warm_runs]
    warm = [r[1] for r in warm_runs]
    print(f"shipped data: {warm_runs[0][2]}")
    print(f"import densing_data (pandas, pydantic): median {statistics.median(imports):.3f} s")
    print(f"load, cold (strict parse of every file): median {statistics.median(cold):.3f} s over 3 runs")
    print(f"load, warm (content-addressed parse cache): median {statistics.median(warm):.3f} s over 5 runs")
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "densing_cli.main", "validate"], check=True, capture_output=True)
    print(f"densing validate (no cache, strict): {time.perf_counter() - t:.3f} s")


if __name__ == "__main__":
    main()
