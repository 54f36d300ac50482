"""Every benchmark script runs at a tiny scale and prints its figures, so none of them rots unnoticed.

Each script in ``benchmarks/`` with a ``__main__`` is run as a subprocess with its tiny-scale flag
(see ``benchmarks/README.md``); it must exit 0 and print the figures it exists for. Where a script
needs something this machine may lack (lm-evaluation-harness for ``bench_eval.py``'s peer, a CUDA
device for ``gpu_check.py`` without ``--tiny``), it must say what is missing and exit with status 3.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
EXIT_MISSING = 3

FIGURE = re.compile(r"\d+\.\d+ s\b")
"""A figure in seconds, as every script prints them."""

TINY: dict[str, tuple[list[str], list[str]]] = {
    # script: (arguments after the script, lines its output must hold)
    "bench_fit.py": (
        ["--tiny"],
        [
            "rulers + densities + bootstrap (target < 5 s): OK",
            "fit caches cold (every curve and ruler fitted)",
            "outputs byte-identical, cold, warm and without workers: yes",
            "DENSING_FIT_WORKERS=1 (no worker processes",
            "of which loss-law fits",
            "write_outputs",
        ],
    ),
    "bench_data.py": (["--tiny"], ["load, cold", "load, warm", "densing validate"]),
    "bench_contrib.py": (["--tiny"], ["check-pr of the release PR", "ok=True"]),
    "bench_site.py": (["--tiny"], ["synthetic 1x", "leaderboard on Slow 4G", "table on screen at"]),
    "bench_eval.py": (["--tiny"], ["tokens/s", "densing, packed prefix", "vs plain forward pass"]),
    "gpu_check.py": (
        ["--tiny", "--out", "{tmp}"],
        ["===== summary =====", "benchmark: exit 0 after", "end to end: densing evaluate, 4 items"],
    ),
    "bench_hostile.py": (
        ["--tiny"],
        [
            "zeros-list: 1.0 MB file; exit 1;",
            "empty-mappings: 1.0 MB file; exit 1;",
            "more than 200,000 values",
            "checking stopped after 1,000 problems, at record 126 of 9,500",
            "largest-real:",
        ],
    ),
    "bench_versions.py": (
        ["--tiny"],
        [
            "densing build --no-frozen",
            "the frozen copy of 2026.11.0 adds",
            "same bytes both ways: True",
            "release fit: child interpreter",
            "same bytes: True",
        ],
    ),
    "page_heights.py": (
        ["--tiny"],
        ["1400 px  (home)", "390 px  models/", "#leaderboard", "2 pages at 2 sizes"],
    ),
    "bench_capabilities.py": (
        ["--tiny"],
        ["capability pass on a synthetic world", "size-adjusted bootstrap", "coverage of the 90% interval"],
    ),
    "calculator_agreement.py": (
        ["--tiny"],
        ["calculator.json with floats whole (as written)", "(within 1e-06: yes)", "engine"],
    ),
}
BROWSER = {"bench_site.py", "page_heights.py", "calculator_agreement.py"}
"""Scripts that drive headless Chromium."""


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DENSING_CACHE_DIR=str(tmp_path / "cache"), PYTHONUNBUFFERED="1")
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def test_every_benchmark_script_has_a_tiny_run() -> None:
    scripts = {p.name for p in BENCH.glob("*.py") if 'if __name__ == "__main__":' in p.read_text()}
    assert scripts == set(TINY)


@pytest.mark.slow
@pytest.mark.parametrize(
    "script",
    [pytest.param(s, marks=pytest.mark.browser) if s in BROWSER else s for s in sorted(TINY)],
)
def test_a_benchmark_script_runs_at_a_tiny_scale_and_prints_figures(script: str, tmp_path: Path) -> None:
    args, expected = TINY[script]
    done = _run([str(BENCH / script), *(a.format(tmp=tmp_path / "out") for a in args)], tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert FIGURE.search(done.stdout), output
    for line in expected:
        assert line in done.stdout, f"{script} printed no {line!r}:\n{output}"
    assert "Traceback" not in output


@pytest.mark.skipif(importlib.util.find_spec("lm_eval") is not None, reason="lm-eval is installed here")
def test_bench_eval_says_lm_eval_is_missing_when_the_peer_is_asked_for(tmp_path: Path) -> None:
    done = _run([str(BENCH / "bench_eval.py"), "--preset", "tiny", "--engines", "plain,peer"], tmp_path)
    assert done.returncode == EXIT_MISSING, done.stdout + done.stderr
    assert "lm-eval (the peer) is not installed" in done.stderr
    assert "requirements/bench.txt" in done.stderr and "Traceback" not in done.stderr


def test_gpu_check_says_it_needs_a_gpu(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("a CUDA device is here: the check would run for minutes")
    done = _run([str(BENCH / "gpu_check.py"), "--out", str(tmp_path / "out")], tmp_path)
    assert done.returncode == EXIT_MISSING, done.stdout + done.stderr
    assert "no CUDA device here" in done.stderr and "--tiny" in done.stderr
    assert not (tmp_path / "out").exists()
