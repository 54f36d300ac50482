"""The scoring loop: group requests by shared prefix, batch by length, run, report progress.

Requests whose few-shot prefix is shared (and at least ``min_prefix_tokens`` long) are scored after
that prefix's key/value cache, computed once per group; the others are scored whole. Results go to
``on_batch`` after every batch (the runner makes them durable there) and come back keyed by request.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from evaluators.batching import plan_batches, restore_order
from evaluators.cache import CachedResult
from evaluators.requests import LoglikRequest
from evaluators.scoring import (
    batched_nll,
    compute_prefix,
    kept_positions,
    supports_logits_to_keep,
    supports_prefix_reuse,
)

BatchCallback = Callable[[dict[str, CachedResult]], None]


@dataclass(frozen=True)
class EngineOptions:
    """How requests are run."""

    batch_tokens: int
    """Most padded tokens (rows x longest row) in one forward pass."""
    prefix_reuse: bool = True
    """Compute each shared few-shot prefix once and continue from its KV cache."""
    min_prefix_tokens: int = 8
    """Shorter shared prefixes are folded into each request instead."""
    progress: bool = True
    """Show a progress bar (items/s, tokens/s)."""


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
    rows: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]
    keys: tuple[str, ...]


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


def _progress_bar(total: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="item", disable=not enabled, dynamic_ncols=True, smoothing=0.1)


def score_requests(
    model: torch.nn.Module,
    requests: Sequence[LoglikRequest],
    options: EngineOptions,
    on_batch: BatchCallback | None = None,
) -> tuple[dict[str, CachedResult], EngineStats]:
    """Score every request (duplicates by key once); return results by key and what it cost."""
    reuse = options.prefix_reuse and supports_prefix_reuse(model)
    groups = _groups(requests, reuse, options.min_prefix_tokens)
    total = sum(len(g.keys) for g in groups)
    results: dict[str, CachedResult] = {}
    keep = supports_logits_to_keep(model)
    forwarded = padded = batches_run = request_tokens = logit_positions = 0
    started = time.perf_counter()
    with _progress_bar(total, options.progress) as bar:
        for group in groups:
            state = compute_prefix(model, group.prefix) if group.prefix else None
            forwarded += len(group.prefix)
            padded += len(group.prefix)
            logit_positions += 1 if group.prefix else 0
            lengths = [len(c) + len(a) for c, a in group.rows]
            batches = plan_batches(lengths, options.batch_tokens)
            per_batch = []
            for batch in batches:
                rows = [group.rows[i] for i in batch]
                sums = batched_nll(model, rows, prefix=state)
                done = {
                    group.keys[i]: CachedResult(nll=value, tokens=len(group.rows[i][1]))
                    for i, value in zip(batch, sums, strict=True)
                }
                per_batch.append(sums)
                results.update(done)
                if on_batch is not None:
                    on_batch(done)
                batch_tokens = sum(lengths[i] + len(group.prefix) for i in batch)
                request_tokens += batch_tokens
                forwarded += sum(lengths[i] for i in batch)
                padded += len(batch) * max(lengths[i] for i in batch)
                logit_positions += len(batch) * kept_positions(rows, keep)
                batches_run += 1
                bar.update(len(batch))
                elapsed = max(time.perf_counter() - started, 1e-9)
                bar.set_postfix_str(f"{request_tokens / elapsed:,.0f} tok/s", refresh=False)
            restore_order(batches, per_batch, len(group.rows))
    stats = EngineStats(
        requests=total,
        request_tokens=request_tokens,
        forwarded_tokens=forwarded,
        padded_tokens=padded,
        logit_positions=logit_positions,
        seconds=time.perf_counter() - started,
        batches=batches_run,
    )
    return results, stats
