"""The scoring loop: group requests by shared prefix, batch or pack them, run, report progress.

Requests whose few-shot prefix is shared (and at least ``min_prefix_tokens`` long) are scored after
that prefix's key/value cache, computed once per group: **packed** (the suffixes end to end in one
sequence after the cache, see :mod:`evaluators.engine.packing`) where the model allows it, else in padded
batches with the cache expanded over the rows. The others are scored whole, in padded length buckets.

The loop keeps the accelerator busy: a helper thread builds the next batch's inputs (in pinned memory on
CUDA) while the current one runs, a packed batch's results are copied back asynchronously and read only
after the next batch has been launched, and ``on_batch``
(the runner makes results durable there) runs on a writer thread, in order. Results come back keyed
by request; an error in ``on_batch`` stops the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import torch

from evaluators.engine.batching import plan_batches, plan_packs
from evaluators.engine.cache import CachedResult
from evaluators.engine.compiling import COMPILE_ON, compiled_body
from evaluators.engine.packing import Pack, build_pack, packed_nll, supports_packing
from evaluators.scoring import (
    PrefixState,
    batched_nll,
    compute_prefix,
    kept_positions,
    model_device,
    supports_logits_to_keep,
    supports_prefix_reuse,
)
from evaluators.tasks.requests import LoglikRequest

PACK_ON: tuple[str, ...] = ("cuda",)
"""Device types where packing is on by default. Elsewhere the packed attention runs with a dense mask,
which costs ``L * (p + L)`` per pack against ``rows * s * (p + s)`` padded: slower on a CPU."""

BatchCallback = Callable[[dict[str, CachedResult]], None]
Row = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class EngineOptions:
    """How requests are run."""

    batch_tokens: int
    """Most tokens in one forward pass: rows x longest row when padded, the suffixes' sum when packed."""
    prefix_reuse: bool = True
    """Compute each shared few-shot prefix once and continue from its KV cache."""
    min_prefix_tokens: int = 8
    """Shorter shared prefixes are folded into each request instead."""
    progress: bool = True
    """Show a progress bar (items/s, tokens/s)."""
    packing: bool | None = None
    """Pack the suffixes after a shared prefix into one sequence (needs ``prefix_reuse``); None: where
    attention skips masked blocks (device types in :data:`PACK_ON`)."""
    kernel: str | None = None
    """Attention of packed passes: ``flex`` or ``sdpa``; default flex on CUDA, sdpa elsewhere."""
    compile: bool | str | None = None
    """Compile the decoder body's MLPs and norms (:mod:`evaluators.engine.compiling`): True (inductor), a
    ``torch.compile`` backend name, False; None: on the device types in
    :data:`~evaluators.engine.compiling.COMPILE_ON`."""


@dataclass(frozen=True)
class EngineStats:
    """What one call of :func:`score_requests` did."""

    requests: int
    """Requests scored (distinct keys)."""
    request_tokens: int
    """Tokens the requests hold (prefix counted for each request)."""
    forwarded_tokens: int
    """Tokens actually run through the model (each shared prefix once; padding not counted)."""
    padded_tokens: int
    """Positions run including padding (batch rows x longest row, plus prefixes)."""
    logit_positions: int
    """Positions projected onto the vocabulary (rows x kept positions, plus one per prefix)."""
    seconds: float
    """Wall-clock time of the loop."""
    batches: int
    """Forward passes (prefix passes not counted)."""


@dataclass(frozen=True)
class _Group:
    prefix: tuple[int, ...]
    rows: tuple[Row, ...]
    keys: tuple[str, ...]


@dataclass(frozen=True)
class _Batch:
    group: int
    indices: tuple[int, ...]
    packed: bool


def _groups(requests: Sequence[LoglikRequest], reuse: bool, min_prefix: int) -> list[_Group]:
    grouped: dict[tuple[int, ...], tuple[list, list]] = {}
    seen: set[str] = set()
    for req in requests:
        if req.key in seen:
            continue
        seen.add(req.key)
        if reuse and len(req.prefix) >= min_prefix:
            prefix, context = req.prefix, req.context
        else:
            prefix, context = (), req.prefix + req.context
        rows, keys = grouped.setdefault(prefix, ([], []))
        rows.append((context, req.answer))
        keys.append(req.key)
    return [_Group(prefix, tuple(rows), tuple(keys)) for prefix, (rows, keys) in grouped.items()]


def _plan(groups: Sequence[_Group], budget: int, packing: bool) -> list[_Batch]:
    """Every forward pass, group by group: packs after a shared prefix (if ``packing``), else buckets."""
    plan = []
    for number, group in enumerate(groups):
        lengths = [len(c) + len(a) for c, a in group.rows]
        packed = packing and bool(group.prefix)
        batches = plan_packs(lengths, budget) if packed else plan_batches(lengths, budget)
        plan.extend(_Batch(number, tuple(b), packed) for b in batches)
    return plan


def _progress_bar(total: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="item", disable=not enabled, dynamic_ncols=True, smoothing=0.1)


class _Counters:
    """Running totals behind :class:`EngineStats`."""

    def __init__(self) -> None:
        self.request_tokens = self.forwarded = self.padded = self.logits = self.batches = 0

    def prefix(self, length: int) -> None:
        self.forwarded += length
        self.padded += length
        self.logits += 1

    def batch(self, rows: Sequence[Row], prefix: int, packed: bool, keep: bool) -> None:
        lengths = [len(c) + len(a) for c, a in rows]
        self.request_tokens += sum(lengths) + prefix * len(rows)
        self.forwarded += sum(lengths)
        self.padded += sum(lengths) if packed else len(rows) * max(lengths)
        self.logits += sum(len(a) for _, a in rows) if packed else len(rows) * kept_positions(rows, keep)
        self.batches += 1


def score_requests(
    model: torch.nn.Module,
    requests: Sequence[LoglikRequest],
    options: EngineOptions,
    on_batch: BatchCallback | None = None,
) -> tuple[dict[str, CachedResult], EngineStats]:
    """Score every request (duplicates by key once); return results by key and what it cost."""
    reuse = options.prefix_reuse and supports_prefix_reuse(model)
    groups = _groups(requests, reuse, options.min_prefix_tokens)
    device = model_device(model)
    packing = device.type in PACK_ON if options.packing is None else options.packing
    plan = _plan(groups, options.batch_tokens, reuse and packing and supports_packing(model))
    total = sum(len(g.keys) for g in groups)
    pin = device.type == "cuda"
    keep = supports_logits_to_keep(model)
    results: dict[str, CachedResult] = {}
    counters = _Counters()
    writes: list[Future] = []
    started = time.perf_counter()

    def prepare(batch: _Batch) -> tuple[list[Row], Pack | None]:
        group = groups[batch.group]
        rows = [group.rows[i] for i in batch.indices]
        if not batch.packed:
            return rows, None
        pack = build_pack(rows, len(group.prefix))
        return rows, _pinned(pack) if pin else pack

    def finish(batch: _Batch, rows: list[Row], sums: Any) -> None:
        values = _read_back(sums)
        group = groups[batch.group]
        done = {
            group.keys[i]: CachedResult(nll=value, tokens=len(group.rows[i][1]))
            for i, value in zip(batch.indices, values, strict=True)
        }
        results.update(done)
        if on_batch is not None:
            _raise_failed(writes)
            writes.append(writer.submit(on_batch, done))
        counters.batch(rows, len(group.prefix), batch.packed, keep)
        bar.update(len(rows))
        elapsed = max(time.perf_counter() - started, 1e-9)
        bar.set_postfix_str(f"{counters.request_tokens / elapsed:,.0f} tok/s", refresh=False)

    with (
        compiled_body(model, compile_backend(options.compile, device)),
        ThreadPoolExecutor(1, thread_name_prefix="densing-prepare") as preparer,
        ThreadPoolExecutor(1, thread_name_prefix="densing-write") as writer,
        _progress_bar(total, options.progress) as bar,
    ):
        upcoming = preparer.submit(prepare, plan[0]) if plan else None
        state: tuple[int, PrefixState | None] = (-1, None)
        pending: tuple[_Batch, list[Row], Any] | None = None
        for number, batch in enumerate(plan):
            assert upcoming is not None
            rows, pack = upcoming.result()
            if number + 1 < len(plan):
                upcoming = preparer.submit(prepare, plan[number + 1])
            if state[0] != batch.group:
                prefix = groups[batch.group].prefix
                state = (batch.group, compute_prefix(model, prefix) if prefix else None)
                if prefix:
                    counters.prefix(len(prefix))
            if pack is not None:
                sums: Any = _start_read_back(
                    packed_nll(model, pack, state[1], len(rows), kernel=options.kernel)
                )
            else:
                sums = batched_nll(model, rows, prefix=state[1])
            if pending is not None:
                finish(*pending)  # reads back the previous batch while this one runs
            pending = (batch, rows, sums)
        if pending is not None:
            finish(*pending)
        for write in writes:
            write.result()
    stats = EngineStats(
        requests=total,
        request_tokens=counters.request_tokens,
        forwarded_tokens=counters.forwarded,
        padded_tokens=counters.padded,
        logit_positions=counters.logits,
        seconds=time.perf_counter() - started,
        batches=counters.batches,
    )
    return results, stats


def compile_backend(choice: bool | str | None, device: torch.device) -> str | None:
    """The ``torch.compile`` backend for :class:`EngineOptions`'s ``compile`` (None: no compilation)."""
    if choice is None:
        choice = device.type in COMPILE_ON
    if choice is True:
        return "inductor"
    return choice or None


def _pinned(pack: Pack) -> Pack:
    """``pack`` in page-locked host memory, so that its copy to the GPU does not block the host."""
    fields = {name: getattr(pack, name) for name in pack.__dataclass_fields__}
    return Pack(**{k: v.pin_memory() if isinstance(v, torch.Tensor) else v for k, v in fields.items()})


def _start_read_back(sums: torch.Tensor) -> tuple[torch.Tensor, Any]:
    """Queue the copy of ``sums`` to the host now, ahead of the next batch's work on the GPU."""
    if sums.device.type != "cuda":
        return sums, None
    host = torch.empty(sums.shape, dtype=sums.dtype, pin_memory=True)
    host.copy_(sums, non_blocking=True)
    copied = torch.cuda.Event()
    copied.record(torch.cuda.current_stream(sums.device))
    return host, copied


def _read_back(sums: Any) -> list[float]:
    """A batch's results as floats: a list as is, or a queued copy once it has landed."""
    if isinstance(sums, list):
        return sums
    host, copied = sums
    if copied is not None:
        copied.synchronize()  # waits for this batch only, not for the one queued after it
    return host.tolist()


def _raise_failed(writes: list[Future]) -> None:
    """Re-raise the first error of a finished ``on_batch`` call."""
    for write in writes:
        if write.done() and write.exception() is not None:
            raise write.exception()  # type: ignore[misc]
