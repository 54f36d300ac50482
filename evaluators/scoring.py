"""Forward passes that turn token ids into summed negative log-likelihoods of answer tokens.

For an answer of tokens a_1..a_n after a context c, the value computed is
``sum_j -log p(a_j | c, a_<j)`` in nats (natural log), with the softmax taken in float32.

Three paths compute it:

- :func:`reference_nll`: one sequence, full logits, ``log_softmax`` and ``gather`` — the brute-force
  definition the tests hold the fast paths to.
- :func:`batched_nll`: many sequences right-padded into one batch **without an attention mask**. In a
  causal model a token only attends to earlier positions, so padding placed after a row's last real
  token cannot change any real token's output; leaving the mask out keeps SDPA on its fused causal
  kernel. Logits are projected only for the trailing positions that hold answer tokens
  (``logits_to_keep``), and log-softmax runs in float32 chunks.
- the same, continued from a :class:`PrefixState`: the few-shot prefix's key/value cache, computed
  once and expanded over the batch (exact for models whose layers all use full attention).
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import dataclass

import torch

CHUNK_POSITIONS = 2048
"""Answer positions whose float32 log-softmax is computed at once (bounds memory for large vocabularies)."""


@dataclass(frozen=True)
class PrefixState:
    """Key/value cache of a shared prefix (batch size 1), reused by every batch that starts with it."""

    length: int
    """Number of prefix tokens."""
    layers: tuple[tuple[torch.Tensor, torch.Tensor], ...]
    """Per layer (keys, values), each ``[1, heads, length, head_dim]``."""


def model_device(model: torch.nn.Module) -> torch.device:
    """Device of the model's input embeddings (the first device under ``device_map='auto'``)."""
    return model.get_input_embeddings().weight.device


def supports_logits_to_keep(model: torch.nn.Module) -> bool:
    """True when ``model.forward`` accepts ``logits_to_keep`` (transformers' causal LMs do)."""
    return "logits_to_keep" in inspect.signature(model.forward).parameters


def supports_prefix_reuse(model: torch.nn.Module) -> bool:
    """True when a prefix KV cache can be reused exactly: a transformers causal LM, full attention only."""
    if not type(model).__module__.startswith("transformers."):
        return False
    config = model.config.get_text_config(decoder=True)
    layer_types = getattr(config, "layer_types", None) or []
    if any(kind != "full_attention" for kind in layer_types):
        return False
    return not getattr(config, "sliding_window", None) and not getattr(config, "attention_chunk_size", None)


@torch.inference_mode()
def reference_nll(model: torch.nn.Module, ids: Sequence[int], answer_length: int) -> float:
    """Summed NLL of the last ``answer_length`` tokens of ``ids``: one plain forward pass, full logits."""
    device = model_device(model)
    input_ids = torch.tensor([list(ids)], dtype=torch.long, device=device)
    logits = model(input_ids=input_ids, use_cache=False).logits[0].float()
    logprobs = torch.log_softmax(logits[:-1], dim=-1)
    targets = input_ids[0, 1:]
    token_lp = logprobs.gather(-1, targets[:, None])[:, 0]
    return float(-token_lp[-answer_length:].sum())


@torch.inference_mode()
def compute_prefix(model: torch.nn.Module, prefix: Sequence[int]) -> PrefixState:
    """Run the prefix once and keep its key/value cache."""
    from transformers import DynamicCache

    device = model_device(model)
    input_ids = torch.tensor([list(prefix)], dtype=torch.long, device=device)
    cache = DynamicCache(config=model.config)
    model(input_ids=input_ids, **cache_kwargs(model, cache), use_cache=True, **_keep_kwargs(model, 1))
    layers = tuple((layer.keys, layer.values) for layer in cache.layers)
    return PrefixState(length=len(prefix), layers=layers)


def _expanded_cache(model: torch.nn.Module, state: PrefixState, batch: int):
    from transformers import DynamicCache

    data = [(k.expand(batch, -1, -1, -1), v.expand(batch, -1, -1, -1)) for k, v in state.layers]
    return DynamicCache(ddp_cache_data=data, config=model.config)


def cache_kwargs(model: torch.nn.Module, cache: object) -> dict[str, object]:
    """``cache`` under the name ``model.forward`` takes (``cache`` in newer transformers, else
    ``past_key_values``)."""
    name = "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"
    return {name: cache}


def _keep_kwargs(model: torch.nn.Module, keep: int) -> dict[str, int]:
    return {"logits_to_keep": keep} if supports_logits_to_keep(model) else {}


def kept_positions(rows: Sequence[tuple[Sequence[int], Sequence[int]]], keep_supported: bool = True) -> int:
    """Positions per row whose logits :func:`batched_nll` projects: from the first answer-predicting one."""
    width = max(len(c) + len(a) for c, a in rows)
    first = min(len(c) for c, _ in rows) - 1
    return width - first if keep_supported else width


@torch.inference_mode()
def batched_nll(
    model: torch.nn.Module,
    rows: Sequence[tuple[Sequence[int], Sequence[int]]],
    prefix: PrefixState | None = None,
    pad_id: int = 0,
) -> list[float]:
    """Summed answer NLL of each ``(context, answer)`` row, in one forward pass (after ``prefix``)."""
    device = model_device(model)
    lengths = [len(c) + len(a) for c, a in rows]
    width = max(lengths)
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    for i, (context, answer) in enumerate(rows):
        input_ids[i, : lengths[i]] = torch.tensor(list(context) + list(answer), dtype=torch.long)
    input_ids = input_ids.to(device)
    kwargs: dict[str, object] = {"use_cache": prefix is not None}
    if prefix is not None:
        kwargs.update(cache_kwargs(model, _expanded_cache(model, prefix, len(rows))))
    keep = _keep_kwargs(model, kept_positions(rows))
    logits = model(input_ids=input_ids, **kwargs, **keep).logits
    offset = width - logits.shape[1]  # logits[:, j] are the logits at position j + offset
    row_idx: list[int] = []
    pos_idx: list[int] = []
    targets: list[int] = []
    for i, (context, answer) in enumerate(rows):
        start = len(context) - 1 - offset
        row_idx.extend([i] * len(answer))
        pos_idx.extend(range(start, start + len(answer)))
        targets.extend(answer)
    on = logits.device
    rows_t, pos_t = torch.tensor(row_idx, device=on), torch.tensor(pos_idx, device=on)
    token_nll_values = token_nll(logits, rows_t, pos_t, torch.tensor(targets, device=on))
    sums = torch.zeros(len(rows), dtype=torch.float64, device=on)
    sums.index_add_(0, rows_t, token_nll_values.double())
    return sums.tolist()


def token_nll(
    logits: torch.Tensor, rows: torch.Tensor, positions: torch.Tensor, targets: torch.Tensor
) -> torch.Tensor:
    """-log softmax(logits[row, position])[target] per answer token, float32, in chunks of positions."""
    out = []
    for start in range(0, targets.shape[0], CHUNK_POSITIONS):
        end = start + CHUNK_POSITIONS
        chunk = logits[rows[start:end], positions[start:end]].float()
        lse = torch.logsumexp(chunk, dim=-1)
        picked = chunk.gather(-1, targets[start:end, None])[:, 0]
        out.append(lse - picked)
    return torch.cat(out)
