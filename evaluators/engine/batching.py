"""Length-bucketed batches: sort longest first, cap padded tokens, put results back in order.

Sorting by length puts sequences of similar length together, so right-padding each batch to its
longest row wastes little; longest-first makes an out-of-memory error show up in the first batch,
not after an hour.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def plan_batches(lengths: Sequence[int], budget_tokens: int) -> list[list[int]]:
    """Indices of ``lengths`` grouped into batches, longest first.

    A batch holds as many rows as fit ``rows * longest_row <= budget_tokens`` (the padded size); a
    row longer than the budget gets a batch of its own.
    """
    if budget_tokens < 1:
        raise ValueError(f"budget_tokens must be at least 1, got {budget_tokens}")
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        longest = lengths[current[0]] if current else lengths[index]
        if current and (len(current) + 1) * longest > budget_tokens:
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


def plan_packs(lengths: Sequence[int], budget_tokens: int) -> list[list[int]]:
    """Indices of ``lengths`` grouped into packs of at most ``budget_tokens`` tokens in all, longest first.

    Packed rows are laid end to end, so a pack costs the sum of its lengths (no padding); a row longer
    than the budget gets a pack of its own.
    """
    if budget_tokens < 1:
        raise ValueError(f"budget_tokens must be at least 1, got {budget_tokens}")
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    packs: list[list[int]] = []
    current: list[int] = []
    used = 0
    for index in order:
        if current and used + lengths[index] > budget_tokens:
            packs.append(current)
            current, used = [], 0
        current.append(index)
        used += lengths[index]
    if current:
        packs.append(current)
    return packs


def padding_fraction(lengths: Sequence[int], batches: Sequence[Sequence[int]]) -> float:
    """Share of padded positions among all positions run (0 = no padding)."""
    real = sum(lengths[i] for batch in batches for i in batch)
    padded = sum(len(batch) * max(lengths[i] for i in batch) for batch in batches if batch)
    return 0.0 if padded == 0 else 1.0 - real / padded


def restore_order(batches: Sequence[Sequence[int]], results: Sequence[Sequence[T]], count: int) -> list[T]:
    """Results per batch back in the original order; every index must come back exactly once."""
    if len(batches) != len(results):
        raise ValueError(f"{len(batches)} batches but {len(results)} result lists")
    slots: list[T | None] = [None] * count
    filled = [False] * count
    for batch, values in zip(batches, results, strict=True):
        if len(batch) != len(values):
            raise ValueError(f"a batch of {len(batch)} rows returned {len(values)} results")
        for index, value in zip(batch, values, strict=True):
            if filled[index]:
                raise ValueError(f"row {index} came back twice")
            slots[index], filled[index] = value, True
    missing = [i for i, done in enumerate(filled) if not done]
    if missing:
        raise ValueError(f"{len(missing)} rows never came back (first: {missing[:5]})")
    return slots  # type: ignore[return-value]
