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
    python benchmarks/gpu_check.py --tiny --out /tmp/gpu-check   # the same logic on a CPU, in seconds

Without ``--tiny`` the check needs a CUDA device: on a machine without one it says so and exits with
status 3 (:data:`EXIT_MISSING`) before doing anything. ``--tiny`` (run by ``make test``) needs neither a
GPU nor lm-eval: the 'tiny' model on the CPU, the eager engines only (compiling takes minutes on a
CPU), lm-eval where installed (``bench_eval.py --tiny`` says when it is not), and ``densing evaluate``
end to end once, without ``--compile``, on 4 one-shot items in a work folder under ``--out``.
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
TINY_ENGINES = "packed,plain,peer"
"""Engines of ``--tiny``: eager only."""
EXIT_MISSING = 3
"""Exit status when the check is asked for on a machine without a CUDA device."""
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


def cuda_available() -> bool:
    """Whether torch sees a CUDA device."""
    import torch

    return torch.cuda.is_available()


def run_logged(
    command: list[str], log: Path, limit: float, env_extra: dict[str, str] | None = None
) -> tuple[int, float]:
    """Run ``command`` (environment plus ``env_extra``) with its output copied to ``log`` and to
    stdout; (exit status, seconds)."""
    started = time.perf_counter()
    env = dict(
        os.environ,
        PYTHONUNBUFFERED="1",
        PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        **(env_extra or {}),
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


def setup_e2e(folder: Path, preset: str, items: int, subjects: int = 8, shots: int = 5) -> None:
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
    rows = [
        located.item.model_dump(exclude_none=True) for located in workload(items, subjects, shots, seed=1)
    ]
    (folder / "mmlu.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def e2e(out: Path, preset: str, items: int, limit: float, tiny: bool = False) -> list[str]:
    """Time ``densing evaluate`` end to end, as is and (unless ``tiny``) with ``--compile``; lines
    comparing wall and scoring time. The model is saved under /tmp (a 1B model does not belong in
    ``out``), or under ``out`` with ``tiny``, where the set-up also runs in this process."""
    folder = out / "e2e-work" if tiny else Path("/tmp/densing-gpu-check")
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    shots = 1 if tiny else 5
    if tiny:
        setup_e2e(folder, preset, items, subjects=2, shots=shots)
    else:
        setup = [sys.executable, __file__, "--out", str(out), "--setup-e2e", str(folder)]
        setup += ["--preset", preset, "--items", str(items)]
        status, _ = run_logged(setup, out / "e2e-setup.log", limit / 3)
        if status != 0:
            return [f"end to end: setup failed (exit {status}), see e2e-setup.log"]
    lines = []
    variants = ([],) if tiny else ([], ["--compile"])
    for number, extra in enumerate(variants):
        result = folder / "out.json"
        for stale in (result, folder / "out.json.partial"):
            if stale.is_dir():
                import shutil

                shutil.rmtree(stale)
            elif stale.exists():
                stale.unlink()
        command = [sys.executable, "-m", "densing_cli.main", "evaluate", "--model", str(folder / "model")]
        command += ["--task", "mmlu", "--data", str(folder / "mmlu.jsonl"), "--shots", str(shots)]
        command += ["--out", str(result), "--no-record", "--no-progress", *extra]
        remaining = (limit - (time.perf_counter() - started)) / (len(variants) - number)
        log = out / f"e2e{'-' + extra[0].strip('-') if extra else ''}.log"
        # one CPU thread in --tiny, as bench_eval's --tiny: OpenMP barriers stall on a shared small CPU
        status, wall = run_logged(command, log, remaining, {"OMP_NUM_THREADS": "1"} if tiny else None)
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
    if not args.tiny and not cuda_available():
        print(
            "gpu_check: no CUDA device here; this check measures a GPU. Run it on the GPU machine, or "
            "with --tiny to run its logic on this CPU.",
            file=sys.stderr,
        )
        sys.exit(EXIT_MISSING)
    args.out.mkdir(parents=True, exist_ok=True)
    summary = [f"versions: {versions()}"]
    bench = [sys.executable, str(ROOT / "benchmarks" / "bench_eval.py")]
    if args.tiny:
        bench += ["--tiny", "--engines", TINY_ENGINES]
        preset, items = "tiny", 4
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
    summary += e2e(args.out, preset, items, args.e2e_limit, tiny=args.tiny)
    text = "\n".join(summary) + "\n"
    (args.out / "summary.txt").write_text(text, encoding="utf-8")
    print("\n===== summary =====\n" + text, end="")


if __name__ == "__main__":
    main()
