"""The GPU check of issue 11, as one short run: benchmark table, bf16 vs plain, end-to-end wall time.

1. ``bench_eval.py --preset llama-1b --dtype bf16 --items 2000 --subjects 8 --batch-tokens 32768
   --repeats 2 --check-plain 32 --engines packed,packedc,plain,plainc,peer``: the engines side by side
   (packed prefix and no reuse, each eager and with the decoder's MLPs and norms compiled, and lm-eval
   HFLM), the loss agreement, and each engine against the plain one-request forward pass in bf16 (with
   plain float32 as the rounding floor);
2. ``densing evaluate`` on a saved random-weight 1B model (bf16) and 1,000 MMLU-shaped multiple-choice
   items, as is and with ``--compile``: the wall time of the command against the scoring time it
   reports, and the time of each phase it reports.

Every step's output is written under ``--out`` (``bench.log``, ``e2e.log``, ``summary.txt``) as it runs,
and each step has a time limit, so a slow step cannot take the others' results with it::

    python3 benchmarks/gpu_check.py --out "$OUT"                 # on the GPU machine
    python3 benchmarks/gpu_check.py --out "$OUT" --profile packedc   # and where the packed path's time goes
    python benchmarks/gpu_check.py --tiny --out /tmp/gpu-check   # the same logic on a CPU, in a minute
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINES = "packed,packedc,plain,plainc,peer"
"""Engines the benchmark compares: packed prefix and no reuse, each eager and compiled, and lm-eval."""
sys.path.insert(0, str(ROOT))


def versions() -> str:
    """Device and software versions, one line."""
    import torch
    import transformers

    try:
        import lm_eval

        peer = getattr(lm_eval, "__version__", "?")
    except ImportError:
        peer = "not installed"
    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else f"CPU {platform.machine()}"
    return (
        f"{device}; python {platform.python_version()}, "
        f"torch {torch.__version__} (CUDA {torch.version.cuda}), "
        f"transformers {transformers.__version__}, lm-eval {peer}"
    )


def run_logged(command: list[str], log: Path, limit: float) -> tuple[int, float]:
    """Run ``command`` with its output copied to ``log`` and to stdout; (exit status, seconds)."""
    started = time.perf_counter()
    env = dict(
        os.environ,
        PYTHONUNBUFFERED="1",
        PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    )
    with log.open("w", encoding="utf-8") as sink:
        sink.write(f"$ {' '.join(command)}\n")
        sink.flush()
        proc = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert proc.stdout is not None
        deadline = started + limit
        for line in proc.stdout:
            sink.write(line)
            sink.flush()
            print(line, end="", flush=True)
            if time.perf_counter() > deadline:
                proc.kill()
                sink.write(f"\n[killed after {limit:.0f} s]\n")
                break
        status = proc.wait()
    return status, time.perf_counter() - started


def setup_e2e(folder: Path, preset: str, items: int) -> None:
    """Save a random-weight model (bf16 on CUDA) with the bench tokenizer, and an MMLU-shaped task file."""
    import torch

    from benchmarks.bench_eval import workload
    from evaluators.synthetic import PRESETS, build_model, build_tokenizer

    cuda = torch.cuda.is_available()
    tokenizer = build_tokenizer()
    config = PRESETS[preset]
    model = build_model(
        config, vocab_size=max(config.vocab_size, len(tokenizer)), device="cuda" if cuda else None
    )
    model = model.to(torch.bfloat16 if cuda else torch.float32)
    model.save_pretrained(folder / "model")
    tokenizer.save_pretrained(folder / "model")
    rows = [located.item.model_dump(exclude_none=True) for located in workload(items, 8, 5, seed=1)]
    (folder / "mmlu.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def e2e(out: Path, preset: str, items: int, limit: float) -> list[str]:
    """Time ``densing evaluate`` end to end, as is and with ``--compile``; lines comparing wall and
    scoring time."""
    folder = Path("/tmp/densing-gpu-check")
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    setup = [sys.executable, __file__, "--out", str(out), "--setup-e2e", str(folder)]
    setup += ["--preset", preset, "--items", str(items)]
    status, _ = run_logged(setup, out / "e2e-setup.log", limit / 3)
    if status != 0:
        return [f"end to end: setup failed (exit {status}), see e2e-setup.log"]
    lines = []
    for number, extra in enumerate(([], ["--compile"])):
        result = folder / "out.json"
        for stale in (result, folder / "out.json.partial"):
            if stale.is_dir():
                import shutil

                shutil.rmtree(stale)
            elif stale.exists():
                stale.unlink()
        command = [sys.executable, "-m", "densing_cli.main", "evaluate", "--model", str(folder / "model")]
        command += ["--task", "mmlu", "--data", str(folder / "mmlu.jsonl"), "--shots", "5"]
        command += ["--out", str(result), "--no-record", "--no-progress", *extra]
        remaining = (limit - (time.perf_counter() - started)) / (2 - number)
        log = out / f"e2e{'-' + extra[0].strip('-') if extra else ''}.log"
        status, wall = run_logged(command, log, remaining)
        label = f"end to end{' ' + extra[0] if extra else ''}"
        if status != 0 or not result.exists():
            lines.append(f"{label}: densing evaluate failed (exit {status}) after {wall:.1f} s, see {log}")
            continue
        output = json.loads(result.read_text())
        run = output["run"]
        lines.append(
            f"{label}: densing evaluate, {len(output['items'])} items, {run['requests']} requests, "
            f"{run['request_tokens']:,} request tokens: wall {wall:.1f} s, scoring {run['seconds']:.1f} s "
            f"(wall / scoring {wall / run['seconds']:.2f}x; {run['batches']} forward passes, "
            f"{run['forwarded_tokens']:,} tokens forwarded, {run['padded_tokens']:,} with padding); "
            f"phases {run.get('phase_seconds')}; not in phases (start, imports, device set-up, exit) "
            f"{wall - sum(run.get('phase_seconds', {}).values()):.1f} s"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the logs and the summary")
    parser.add_argument(
        "--tiny", action="store_true", help="tiny model and workload (test the logic on a CPU)"
    )
    parser.add_argument("--bench-limit", type=float, default=240.0, help="seconds for the benchmark")
    parser.add_argument("--e2e-limit", type=float, default=140.0, help="seconds for the end-to-end runs")
    parser.add_argument(
        "--profile",
        default=None,
        metavar="ENGINE",
        help="also profile one pass of ENGINE (e.g. packedc) after the timed rounds (bench.log lists its "
        "most expensive operators)",
    )
    parser.add_argument("--setup-e2e", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--preset", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--items", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup_e2e is not None:
        setup_e2e(args.setup_e2e, args.preset, args.items)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    summary = [f"versions: {versions()}"]
    bench = [sys.executable, str(ROOT / "benchmarks" / "bench_eval.py")]
    if args.tiny:
        bench += [
            "--preset",
            "tiny",
            "--items",
            "16",
            "--subjects",
            "2",
            "--repeats",
            "1",
            "--check-plain",
            "4",
            "--engines",
            ENGINES,
        ]
        bench += ["--threads", "1"]
        preset, items = "tiny", 12
    else:
        bench += ["--preset", "llama-1b", "--dtype", "bf16", "--items", "2000", "--subjects", "8"]
        bench += ["--batch-tokens", "32768", "--repeats", "2", "--check-plain", "32"]
        bench += ["--engines", ENGINES, "--time-budget", str(args.bench_limit * 0.6)]
        preset, items = "llama-1b", 1000
    if args.profile:
        bench += ["--profile", args.profile]
    status, seconds = run_logged(bench, args.out / "bench.log", args.bench_limit)
    summary.append(f"benchmark: exit {status} after {seconds:.1f} s")
    lines = (args.out / "bench.log").read_text(encoding="utf-8").splitlines()
    summary += [line for line in lines if line.startswith(("command:", "device:", "workload:"))]
    table = [i for i, line in enumerate(lines) if line.startswith("engine ")]
    summary += lines[table[0] :] if table else ["(no table: see bench.log)"]
    summary += e2e(args.out, preset, items, args.e2e_limit)
    text = "\n".join(summary) + "\n"
    (args.out / "summary.txt").write_text(text, encoding="utf-8")
    print("\n===== summary =====\n" + text, end="")


if __name__ == "__main__":
    main()
