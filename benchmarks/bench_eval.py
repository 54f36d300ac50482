"""Throughput of ``densing evaluate``'s scorer against lm-evaluation-harness's HF backend, side by side.

Both score the **same token ids**: MMLU-shaped items (a few-shot prefix per subject, a question with
options, a rationale + label answer) made from a seeded word list and tokenized once by the
evaluator. The peer is called at ``HFLM._loglikelihood_tokens`` (what its ``loglikelihood`` calls
after tokenizing) with those ids, softmax in float32 as ours. Weights are random (speed does not
depend on them). Prints tokens/s, model FLOP utilisation and the loss agreement, e.g.::

    python benchmarks/bench_eval.py                          # CPU: 'small' model
    python benchmarks/bench_eval.py --preset llama-1b --dtype bf16 --items 2000   # GPU

Our engine runs three ways: packed (each subject's suffixes end to end after one copy of its prefix's
KV cache, FlexAttention on CUDA), prefix reuse with the cache expanded over padded rows, and no prefix
reuse. tokens/s counts the tokens the requests hold (few-shot prefix included for every request), the same
number for every engine. MFU is ``2 * N * forwarded_tokens / seconds / peak`` with N the model's
parameters (``count_parameters``) and forwarded tokens those actually run through the model (ours runs
each shared prefix once). "MFU executed" counts the output head only where logits were computed.
The GPU peak is looked up from the device name (dense bf16 / fp32) or given with --peak-tflops; on a
CPU it is measured with a large matmul and labelled so.

``--tiny`` (for ``make test``) runs every step on the CPU in a few seconds: the 'tiny' preset, 8 items,
one pass per engine, the check against the plain forward pass on 2 requests; lm-eval (the peer, from
``requirements/bench.txt``) joins only where it is installed, and the run says so where it is not.
Asked for explicitly (``--engines ...,peer``, the default outside ``--tiny``) without lm-eval
installed, the script prints what to install and exits with status 3 (:data:`EXIT_MISSING`).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluators.engine.engine import EngineOptions, score_requests
from evaluators.engine.modeling import count_parameters
from evaluators.scoring import reference_nll
from evaluators.synthetic import PRESETS, build_model, build_tokenizer
from evaluators.tasks.items import LocatedItem, TaskItem
from evaluators.tasks.requests import LoglikRequest, RequestBuilder
from evaluators.tasks.sources import MissingExtraError, require
from evaluators.tasks.tasks import build_prompts, get_task

EXIT_MISSING = 3
"""Exit status when a package the asked-for run needs (lm-eval for the peer) is not installed."""
GPU_PEAK_TFLOPS = {  # dense, without sparsity: (bf16, fp32)
    "H100 SXM": (989.4, 66.9),
    "H100 80GB HBM3": (989.4, 66.9),
    "H100 PCIe": (756.0, 51.2),
    "H200": (989.4, 66.9),
    "A100": (312.0, 19.5),
    "L40S": (362.0, 91.6),
    "A10G": (70.0, 35.0),
}
WORDS_TEXT = (
    "the of and to in is that for it as with was on be by this are from at or an which number value "
    "function cell energy force market law court theory model system data result answer question"
)
WORDS = tuple(WORDS_TEXT.split())


def text(rng: random.Random, words: int) -> str:
    """``words`` words from the list, seeded."""
    return " ".join(rng.choice(WORDS) for _ in range(words))


def workload(n_items: int, subjects: int, shots: int, seed: int) -> list[LocatedItem]:
    """MMLU-shaped raw items: ``shots`` exemplars then scored items per subject, lengths varied."""
    rng = random.Random(seed)
    rows = []
    per_subject = math.ceil(n_items / subjects)
    for s in range(subjects):
        for i in range(shots + per_subject):
            item = TaskItem(
                id=f"s{s}-{i}",
                subject=f"subject_{s}",
                question=text(rng, rng.randint(10, 40)) + "?",
                choices=[text(rng, rng.randint(1, 8)) for _ in range(4)],
                label=rng.randrange(4),
                rationale=text(rng, rng.randint(15, 60)) + ".",
                fewshot=i < shots,
            )
            rows.append(LocatedItem(item=item, path="synthetic", line=len(rows) + 1))
    return rows


def requests_for(tokenizer, items: list[LocatedItem], shots: int, limit: int) -> list[LoglikRequest]:
    prompts = build_prompts(get_task("mmlu"), items, shots=shots, limit=limit)
    return RequestBuilder(tokenizer, 1 << 20, {"bench": True}).build(prompts, with_choices=False)


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


ENGINES = {  # key: (label, prefix_reuse, packing, compile)
    "packed": ("densing, packed prefix", True, True, False),
    "packedc": ("densing, packed prefix, compiled", True, True, True),
    "ours": ("densing, prefix reuse (expanded KV)", True, False, False),
    "plain": ("densing, no prefix reuse", False, False, False),
    "plainc": ("densing, no prefix reuse, compiled", False, False, True),
}


def ours_runner(
    model, requests, batch_tokens: int, reuse: bool, packing: bool, device: torch.device, compile: bool
):
    """A callable timing one pass of the evaluator's engine: () -> (nll by key, seconds, stats)."""
    options = EngineOptions(
        batch_tokens=batch_tokens, prefix_reuse=reuse, packing=packing, progress=False, compile=compile
    )
    started = time.perf_counter()
    score_requests(model, requests[:8], options)  # warm-up (and compilation, where there is any)
    score_requests(model, requests[8:40], options)  # a second size: dynamic shapes settle
    print(f"warm-up: {options} {time.perf_counter() - started:.1f} s", flush=True)

    def once():
        sync(device)
        started = time.perf_counter()
        results, stats = score_requests(model, requests, options)
        sync(device)
        return {k: v.nll for k, v in results.items()}, time.perf_counter() - started, stats

    return once


def peer_runner(model, tokenizer, requests, batch_size, device: torch.device):
    """A callable timing one pass of lm-eval's HFLM on the same token ids."""
    require("lm_eval", "lm-eval", extra="bench")
    from lm_eval.models.huggingface import HFLM

    lm = HFLM(
        pretrained=model,
        tokenizer=tokenizer,
        batch_size=batch_size,
        max_length=1 << 20,
        softmax_dtype="float32",
        device=str(device),
    )
    calls = [(("", ""), list(r.prefix + r.context), list(r.answer)) for r in requests]
    lm._loglikelihood_tokens(calls[:8], disable_tqdm=True)  # warm-up

    def once():
        sync(device)
        started = time.perf_counter()
        out = lm._loglikelihood_tokens(calls, disable_tqdm=True)
        sync(device)
        nll = {r.key: -ll for r, (ll, _) in zip(requests, out, strict=True)}
        return nll, time.perf_counter() - started, None

    return once


def best_of(runners: dict, repeats: int, budget: float | None = None) -> dict:
    """Run the engines in turn ``repeats`` times; keep each one's fastest pass.

    With ``budget`` (seconds), no further round starts once the rounds so far suggest it would not end
    within it.
    """
    best: dict = {}
    started = time.perf_counter()
    for number in range(repeats):
        elapsed = time.perf_counter() - started
        if budget is not None and number and elapsed * (number + 1) / number > budget:
            print(f"time budget: stopped after {number} rounds ({elapsed:.0f} s)", flush=True)
            break
        for name, once in runners.items():
            result = once()
            print(f"pass: {name} {result[1]:.2f} s", flush=True)  # kept even if a later pass is killed
            if name not in best or result[1] < best[name][1]:
                best[name] = result
    return best


def peak_flops(
    device: torch.device, dtype: torch.dtype, override: float | None, size: int = 2048
) -> tuple[float, str]:
    """Peak FLOP/s of the device and where the figure comes from (on a CPU: a ``size``³ matmul)."""
    if override:
        return override * 1e12, f"{override} TFLOP/s (given)"
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        for key, (bf16, fp32) in GPU_PEAK_TFLOPS.items():
            if key in name:
                value = bf16 if dtype == torch.bfloat16 else fp32
                return value * 1e12, f"{value} TFLOP/s ({name} datasheet, dense)"
        raise SystemExit(f"unknown GPU {name!r}: pass --peak-tflops")
    a = torch.randn(size, size, dtype=dtype)
    a @ a
    started, reps = time.perf_counter(), 8
    for _ in range(reps):
        a @ a
    value = reps * 2 * size**3 / (time.perf_counter() - started)
    return value, f"{value / 1e9:.1f} GFLOP/s (measured {size}^3 {dtype} matmul on this CPU)"


def compare(ours: dict[str, float], peer: dict[str, float]) -> tuple[float, float]:
    """Largest absolute and relative difference of per-request NLL."""
    diffs = [abs(ours[k] - peer[k]) for k in peer]
    rel = [abs(ours[k] - peer[k]) / max(abs(peer[k]), 1e-9) for k in peer]
    return max(diffs), max(rel)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cuda = torch.cuda.is_available()
    parser.add_argument("--preset", choices=sorted(PRESETS), default="llama-1b" if cuda else "small")
    parser.add_argument("--dtype", choices=["bf16", "fp32"], default="bf16" if cuda else "fp32")
    parser.add_argument("--items", type=int, default=2000 if cuda else 32)
    parser.add_argument("--subjects", type=int, default=8 if cuda else 2)
    parser.add_argument("--shots", type=int, default=5)
    parser.add_argument("--batch-tokens", type=int, default=32768 if cuda else 4096)
    parser.add_argument(
        "--peer-batch-size",
        default=None,
        help="lm-eval batch size (int or 'auto'; default: what fits --batch-tokens at the longest request)",
    )
    parser.add_argument("--peak-tflops", type=float, default=None)
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (torch.set_num_threads)")
    parser.add_argument("--repeats", type=int, default=3, help="passes per engine, alternating; fastest kept")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--engines",
        default="packed,ours,plain,peer",
        help=f"comma-separated subset to run, of {','.join([*ENGINES, 'peer'])}",
    )
    parser.add_argument(
        "--time-budget", type=float, default=None, help="seconds for the timed rounds (fewer repeats if over)"
    )
    parser.add_argument(
        "--check-plain",
        type=int,
        default=0,
        metavar="N",
        help="also score the first N requests one at a time (the plain forward pass) and compare",
    )
    parser.add_argument(
        "--profile",
        default=None,
        metavar="ENGINE",
        help="after the timed rounds, run one more pass of ENGINE (one of --engines, not peer) under "
        "torch.profiler and print its most expensive operators by self time on the device",
    )
    parser.add_argument("--profile-rows", type=int, default=25, help="operators the profile table lists")
    parser.add_argument(
        "--tiny",
        action="store_true",
        help="tiny model, 8 items, one pass, on the CPU; lm-eval only where installed (for make test)",
    )
    args = parser.parse_args()
    if args.tiny:
        args.preset, args.dtype, args.items, args.subjects, args.shots = "tiny", "fp32", 8, 2, 1
        args.repeats, args.threads, args.check_plain = 1, args.threads or 1, args.check_plain or 2
    return args


def peer_available(args: argparse.Namespace) -> bool:
    """Whether lm-eval can be imported; with ``--tiny`` and without it, drop the peer and say so."""
    if "peer" not in args.engines.split(","):
        return True
    try:
        require("lm_eval", "lm-eval", extra="bench")
    except MissingExtraError as err:
        message = f"lm-eval (the peer) is not installed: {err}; or pip install -r requirements/bench.txt"
        if not args.tiny:
            print(f"bench_eval: {message}", file=sys.stderr)
            return False
        print(f"{message}. --tiny: the peer is left out.")
        args.engines = ",".join(e for e in args.engines.split(",") if e != "peer")
    return True


def describe(args: argparse.Namespace, model, requests, device, peak_note: str) -> None:
    """Print the device, the model and the workload."""
    name = (
        torch.cuda.get_device_name(device)
        if device.type == "cuda"
        else f"CPU, {torch.get_num_threads()} threads"
    )
    print(f"command: python {' '.join(sys.argv)}")
    print(
        f"device: {name}; torch {torch.__version__}; "
        f"model '{args.preset}' ({count_parameters(model):,} parameters), {args.dtype}"
    )
    print(
        f"workload: {len(requests)} requests, {sum(r.length for r in requests)} tokens "
        f"({sum(len(r.answer) for r in requests)} answer tokens, longest {max(r.length for r in requests)}), "
        f"{args.shots}-shot prefixes over {args.subjects} subjects; peak {peak_note}"
    )


def report(best: dict, model, requests, peak: float, peer_bs: object, repeats: int) -> None:
    """Print the side-by-side table (the issue's columns) and the loss agreement with the peer."""
    n_params = count_parameters(model)
    head = model.get_output_embeddings().weight.numel()
    request_tokens = sum(r.length for r in requests)
    answer_tokens = sum(len(r.answer) for r in requests)
    t_peer = best["peer"][1] if "peer" in best else None
    print(
        f"{'engine':<38} {'time':>9} {'tokens/s':>12} {'forwarded':>11} {'MFU':>7} "
        f"{'MFU exec':>8} {'vs lm-eval':>10}"
    )
    labels = {key: label for key, (label, _, _, _) in ENGINES.items()}
    labels["peer"] = f"lm-eval HFLM (batch {peer_bs})"
    for key in (*ENGINES, "peer"):
        if key not in best:
            continue
        seconds, stats = best[key][1], best[key][2]
        forwarded = request_tokens if stats is None else stats.forwarded_tokens
        logits = request_tokens if stats is None else stats.logit_positions
        mfu = 2 * n_params * forwarded / seconds / peak
        executed = (2 * (n_params - head) * forwarded + 2 * head * logits) / seconds / peak
        ratio = f"{t_peer / seconds:9.2f}x" if t_peer else f"{'-':>10}"
        print(
            f"{labels[key]:<38} {seconds:7.2f} s {request_tokens / seconds:12,.0f} {forwarded:>11,} "
            f"{100 * mfu:6.1f}% {100 * executed:7.1f}% {ratio}"
        )
    print(f"(best of {repeats} alternating passes per engine)")
    if "peer" not in best:
        return
    peer = best["peer"][0]
    for key in ENGINES:
        if key in best:
            mine = best[key][0]
            abs_diff, rel_diff = compare(mine, peer)
            print(
                f"loss agreement vs lm-eval ({labels[key]}): max |dNLL| {abs_diff:.2e} nats, max rel "
                f"{rel_diff:.2e}; mean NLL/token ours {sum(mine.values()) / answer_tokens:.5f}, "
                f"peer {sum(peer.values()) / answer_tokens:.5f}"
            )


def check_plain(best: dict, model, requests, count: int) -> None:
    """Each engine against the plain one-request forward pass on the first ``count`` requests.

    In bf16 the plain pass is also run in float32 on a copy of the model: that difference is the
    rounding floor a bf16 fast path is judged against.
    """
    import copy

    chosen = requests[:count]

    def one_by_one(m) -> dict[str, float]:
        return {r.key: reference_nll(m, list(r.prefix + r.context + r.answer), len(r.answer)) for r in chosen}

    plain = one_by_one(model)
    floor = ""
    if next(model.parameters()).dtype != torch.float32:
        wide = copy.deepcopy(model).float()
        exact = one_by_one(wide)
        del wide
        _, rel = compare(plain, exact)
        floor = f"; plain {next(model.parameters()).dtype} vs plain float32: max rel {rel:.2e}"
    for key, found in best.items():
        _, rel = compare({k: found[0][k] for k in plain}, plain)
        print(f"vs plain forward pass ({count} requests), {key}: max rel {rel:.2e}{floor}")


def main() -> None:
    args = parse_args()
    if not peer_available(args):
        sys.exit(EXIT_MISSING)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    dtype = torch.bfloat16 if args.dtype == "bf16" else torch.float32
    tokenizer = build_tokenizer()
    config = PRESETS[args.preset]
    model = build_model(config, vocab_size=max(config.vocab_size, len(tokenizer)), device=device)
    model = model.to(dtype=dtype)
    items = workload(args.items, args.subjects, args.shots, args.seed)
    requests = requests_for(tokenizer, items, args.shots, args.items)
    longest = max(r.length for r in requests)
    peer_bs = args.peer_batch_size or str(max(1, args.batch_tokens // longest))
    peer_bs = peer_bs if peer_bs == "auto" else int(peer_bs)
    peak, peak_note = peak_flops(device, dtype, args.peak_tflops, 512 if args.tiny else 2048)
    describe(args, model, requests, device, peak_note)
    chosen = args.engines.split(",")
    runners = {
        key: ours_runner(model, requests, args.batch_tokens, reuse, packing, device, compile=compiled)
        for key, (_, reuse, packing, compiled) in ENGINES.items()
        if key in chosen
    }
    if "peer" in chosen:
        runners["peer"] = peer_runner(model, tokenizer, requests, peer_bs, device)
    best = best_of(runners, args.repeats, args.time_budget)
    report(best, model, requests, peak, peer_bs, args.repeats)
    if args.check_plain:
        check_plain(best, model, requests, args.check_plain)
    if args.profile:
        if args.profile not in runners or args.profile == "peer":
            raise SystemExit(f"--profile {args.profile!r}: profile one of the engines run: {sorted(runners)}")
        profile_pass(runners[args.profile], device, args.profile_rows)


def profile_pass(runner, device: torch.device, rows: int) -> None:
    """One pass of ``runner`` under torch.profiler: its operators by self time on the device (on a CPU,
    by self CPU time), so a GPU session sees where the time goes in one run."""
    from torch.profiler import ProfilerActivity, profile

    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.type == "cuda" else [])
    with profile(activities=activities, record_shapes=False) as prof:
        _, seconds, _ = runner()
    key = "self_device_time_total" if device.type == "cuda" else "self_cpu_time_total"
    print(f"\nprofile: one pass in {seconds:.2f} s (profiled, so slower than the timed rounds)", flush=True)
    print(prof.key_averages().table(sort_by=key, row_limit=rows), flush=True)


if __name__ == "__main__":
    main()
