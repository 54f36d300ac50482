"""Packed shared-prefix scoring: many requests' suffixes in one sequence after one copy of the prefix.

The suffixes (instruction + answer) of requests sharing a few-shot prefix of ``p`` tokens are laid end
to end in one row of ``L`` tokens and run after the prefix's key/value cache (batch size 1: never
copied). Suffix token ``q`` (0-based in the pack) may attend to key ``k`` (0-based over prefix + pack)
exactly when::

    k < p                                   # the shared prefix
    or  start(q) <= k - p <= q              # its own suffix, causally

where ``start(q)`` is where ``q``'s suffix begins in the pack. Every suffix's position ids continue
from the prefix end (``p, p+1, ...``), so RoPE sees each request as if it were alone after its prefix:
the scores equal the plain one-request forward pass. Nothing is padded, and logits are projected only at
the positions that predict answer tokens (``logits_to_keep`` as an index tensor).

The mask is handed to the model as a ready 4D mask (transformers passes those through unchanged):

- on CUDA, a FlexAttention :class:`~torch.nn.attention.flex_attention.BlockMask` built directly from the
  suffix boundaries (blocks entirely outside the pattern are skipped, blocks entirely inside run without
  the mask function), run by a compiled ``flex_attention`` registered as transformers attention
  implementation ``densing_packed``;
- elsewhere, a dense boolean mask from the same rule, run by transformers' SDPA attention (CPU tests and
  small runs; the BlockMask path also runs on CPU, uncompiled, for the tests).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from evaluators.scoring import (
    PrefixState,
    cache_kwargs,
    model_device,
    supports_logits_to_keep,
    supports_prefix_reuse,
    token_nll,
)

ATTENTION_NAME = "densing_packed"
"""Name under which the packed attention function is registered with transformers."""
BLOCK = 128
"""FlexAttention tile (query and key block) size on CUDA."""


@dataclass(frozen=True)
class Pack:
    """One packed sequence: host tensors, ready to move to the device."""

    input_ids: torch.Tensor
    """``[1, L]`` the suffixes' tokens end to end."""
    position_ids: torch.Tensor
    """``[1, L]`` each suffix's positions, continuing from the prefix end."""
    starts: torch.Tensor
    """``[L]`` where the suffix of each token begins in the pack."""
    logit_positions: torch.Tensor
    """Pack positions whose logits predict an answer token, in order."""
    targets: torch.Tensor
    """The answer token each of those positions predicts."""
    rows: torch.Tensor
    """The row (index into the rows given) each of those positions belongs to."""
    prefix_length: int
    """Tokens of the shared prefix before the pack (0: none)."""


def supports_packing(model: torch.nn.Module) -> bool:
    """True when packed scoring is exact: prefix reuse is (full attention) and attention is pluggable."""
    return supports_prefix_reuse(model) and bool(getattr(model, "_supports_attention_backend", False))


def build_pack(rows: Sequence[tuple[Sequence[int], Sequence[int]]], prefix_length: int) -> Pack:
    """Lay the ``(context, answer)`` rows end to end after a prefix of ``prefix_length`` tokens."""
    ids: list[int] = []
    positions: list[int] = []
    starts: list[int] = []
    keep: list[int] = []
    targets: list[int] = []
    owners: list[int] = []
    for index, (context, answer) in enumerate(rows):
        start, size = len(ids), len(context) + len(answer)
        ids.extend(context)
        ids.extend(answer)
        positions.extend(range(prefix_length, prefix_length + size))
        starts.extend([start] * size)
        first = start + len(context) - 1  # the position whose logits predict the first answer token
        keep.extend(range(first, first + len(answer)))
        targets.extend(answer)
        owners.extend([index] * len(answer))
    as_long = lambda values: torch.tensor(values, dtype=torch.long)  # noqa: E731
    return Pack(
        input_ids=as_long(ids)[None],
        position_ids=as_long(positions)[None],
        starts=as_long(starts),
        logit_positions=as_long(keep),
        targets=as_long(targets),
        rows=as_long(owners),
        prefix_length=prefix_length,
    )


def allowed(starts: torch.Tensor, prefix_length: int, q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """The packing rule: may pack token ``q`` attend to key ``k`` (prefix + pack coordinates)?"""
    s = k - prefix_length
    return (k < prefix_length) | ((s >= starts[q]) & (s <= q))


def dense_mask(starts: torch.Tensor, prefix_length: int) -> torch.Tensor:
    """The rule as a boolean ``[1, 1, L, p + L]`` mask (True: attend)."""
    length = starts.shape[0]
    q = torch.arange(length, device=starts.device)[:, None]
    k = torch.arange(prefix_length + length, device=starts.device)[None, :]
    return allowed(starts, prefix_length, q, k)[None, None]


def block_tables(starts: torch.Tensor, prefix_length: int, block: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Per (query block, key block): does any pair attend (``reach``), do all pairs attend (``full``)?

    A query block ``[qa, qb]`` reaches keys ``[0, p) ∪ [p + start(qa), p + qb]`` (starts never decrease
    along the pack), and every key of that union is reached by some query of the block. All its queries
    reach all keys of ``[ka, kb]`` when ``kb < p``, or when ``start(qb) <= max(ka, p) - p`` and
    ``kb - p <= qa``.
    """
    p, length = prefix_length, starts.shape[0]
    qa = torch.arange(0, length, block, device=starts.device)
    qb = torch.clamp(qa + block, max=length) - 1
    ka = torch.arange(0, p + length, block, device=starts.device)
    kb = torch.clamp(ka + block, max=p + length) - 1
    first, last = starts[qa][:, None], starts[qb][:, None]
    reach = (ka[None] < p) | ((kb[None] >= p + first) & (ka[None] <= p + qb[:, None]))
    full = (kb[None] < p) | ((torch.clamp(ka, min=p)[None] - p >= last) & (kb[None] - p <= qa[:, None]))
    return reach, full & reach


def block_mask(starts: torch.Tensor, prefix_length: int, block: int = BLOCK) -> Any:
    """The rule as a FlexAttention ``BlockMask`` on ``starts.device`` (no dense mask is built).

    Everything is computed where ``starts`` lives, with no copy from the host: on a GPU the host does
    not wait for the work already queued.
    """
    from torch.nn.attention.flex_attention import BlockMask

    reach, full = block_tables(starts, prefix_length, block)
    partial = reach & ~full

    def tables(chosen: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        counts = chosen.sum(-1, dtype=torch.int32)
        order = torch.argsort(chosen.to(torch.int8), dim=-1, descending=True, stable=True).to(torch.int32)
        return counts[None, None], order[None, None]

    p_t = torch.full((), prefix_length, device=starts.device)  # a tensor: no recompilation per prefix

    def mask_mod(b: Any, h: Any, q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
        s = k - p_t
        return (k < p_t) | ((s >= starts[q]) & (s <= q))

    counts, indices = tables(partial)
    full_counts, full_indices = tables(full)
    return BlockMask.from_kv_blocks(
        counts,
        indices,
        full_counts,
        full_indices,
        BLOCK_SIZE=block,
        mask_mod=mask_mod,
        seq_lengths=(starts.shape[0], prefix_length + starts.shape[0]),
    )


_compiled_flex: list[Any] = []


def _flex(query: torch.Tensor, key: torch.Tensor, value: torch.Tensor, mask: Any, scale: float | None):
    """``flex_attention``: compiled on CUDA (one compile with dynamic shapes, else one per shape),
    the unfused reference elsewhere."""
    from torch.nn.attention.flex_attention import flex_attention

    gqa = query.shape[1] != key.shape[1]
    if query.device.type != "cuda":
        with warnings.catch_warnings():  # off CUDA the unfused version is meant (tests, small runs)
            warnings.filterwarnings("ignore", message="flex_attention called without torch.compile")
            return flex_attention(query, key, value, block_mask=mask, scale=scale, enable_gqa=gqa)
    if not _compiled_flex:
        _compiled_flex.extend([torch.compile(flex_attention, dynamic=True), torch.compile(flex_attention)])
    while True:
        try:
            return _compiled_flex[0](query, key, value, block_mask=mask, scale=scale, enable_gqa=gqa)
        except Exception as error:  # a compile failure shows at the first call: try the next variant
            if len(_compiled_flex) == 1:
                raise
            message = f"flex_attention with dynamic shapes failed ({error!r}); compiling per shape"
            warnings.warn(message, stacklevel=2)
            _compiled_flex.pop(0)


def packed_attention(
    module: torch.nn.Module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: Any,
    scaling: float | None = None,
    dropout: float = 0.0,
    **kwargs: Any,
) -> tuple[torch.Tensor, None]:
    """Transformers attention function: FlexAttention for a ``BlockMask``, SDPA for a dense mask."""
    from torch.nn.attention.flex_attention import BlockMask
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    if isinstance(attention_mask, BlockMask):
        out = _flex(query, key, value, attention_mask, scaling)
        return out.transpose(1, 2).contiguous(), None
    return sdpa_attention_forward(
        module, query, key, value, attention_mask, dropout=dropout, scaling=scaling, is_causal=False
    )


@contextlib.contextmanager
def packed_attention_on(model: torch.nn.Module) -> Iterator[None]:
    """Run ``model``'s attention through :func:`packed_attention` inside the block."""
    from transformers import AttentionInterface

    AttentionInterface.register(ATTENTION_NAME, packed_attention)
    before = model.config._attn_implementation
    model.config._attn_implementation = ATTENTION_NAME
    try:
        yield
    finally:
        model.config._attn_implementation = before


def _cache(model: torch.nn.Module, prefix: PrefixState):
    from transformers import DynamicCache

    return DynamicCache(ddp_cache_data=list(prefix.layers), config=model.config)


@torch.inference_mode()
def packed_nll(
    model: torch.nn.Module, pack: Pack, prefix: PrefixState | None, rows: int, kernel: str | None = None
) -> torch.Tensor:
    """Summed answer NLL per row of ``pack`` (float64, on the model's output device, not synchronised).

    ``kernel`` is ``"flex"`` (BlockMask) or ``"sdpa"`` (dense mask); default: flex on CUDA, sdpa elsewhere.
    """
    device = model_device(model)
    if prefix is not None and prefix.length != pack.prefix_length:
        raise ValueError(f"pack built after {pack.prefix_length} prefix tokens, cache holds {prefix.length}")
    kernel = kernel or ("flex" if device.type == "cuda" else "sdpa")
    starts = pack.starts.to(device, non_blocking=True)  # non-blocking: packs are pinned on CUDA
    if kernel == "flex":
        mask = block_mask(starts, pack.prefix_length, BLOCK if device.type == "cuda" else 16)
    else:
        mask = dense_mask(starts, pack.prefix_length)
    kwargs: dict[str, Any] = {"use_cache": prefix is not None}
    if prefix is not None:
        kwargs.update(cache_kwargs(model, _cache(model, prefix)))
    keep = pack.logit_positions.to(device, non_blocking=True)
    if supports_logits_to_keep(model):
        kwargs["logits_to_keep"] = keep
    with packed_attention_on(model):
        logits = model(
            input_ids=pack.input_ids.to(device, non_blocking=True),
            position_ids=pack.position_ids.to(device, non_blocking=True),
            attention_mask=mask,
            **kwargs,
        ).logits[0]
    on = logits.device
    if "logits_to_keep" not in kwargs:
        logits = logits[keep.to(on, non_blocking=True)]
    positions = torch.arange(logits.shape[0], device=on)
    targets = pack.targets.to(on, non_blocking=True)
    values = token_nll(logits[None], torch.zeros_like(positions), positions, targets)
    sums = torch.zeros(rows, dtype=torch.float64, device=on)
    return sums.index_add_(0, pack.rows.to(on, non_blocking=True), values.double())
