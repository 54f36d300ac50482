"""The batching helper: longest first, budget respected, order restored, every row back exactly once."""

from __future__ import annotations

import random

import pytest

from evaluators.engine.batching import padding_fraction, plan_batches, restore_order


def test_batches_go_longest_first_within_the_padded_budget() -> None:
    lengths = [5, 30, 12, 30, 7, 100, 1]
    batches = plan_batches(lengths, budget_tokens=64)
    flat = [i for batch in batches for i in batch]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths, reverse=True)
    assert batches[0] == [5]  # longer than the budget: alone
    for batch in batches:
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= 64


def test_sorting_keeps_padding_low() -> None:
    rng = random.Random(0)
    lengths = [rng.randint(50, 400) for _ in range(500)]
    assert padding_fraction(lengths, plan_batches(lengths, 4096)) < 0.05
    unsorted = [list(range(i, min(i + 10, 500))) for i in range(0, 500, 10)]
    assert padding_fraction(lengths, unsorted) > 0.3


def test_restore_order_puts_results_back() -> None:
    lengths = [3, 9, 1, 9, 4]
    batches = plan_batches(lengths, 18)
    results = [[f"r{i}" for i in batch] for batch in batches]
    assert restore_order(batches, results, len(lengths)) == [f"r{i}" for i in range(5)]


def test_restore_order_detects_missing_and_repeated_rows() -> None:
    with pytest.raises(ValueError, match="never came back"):
        restore_order([[0, 1]], [["a", "b"]], 3)
    with pytest.raises(ValueError, match="came back twice"):
        restore_order([[0], [0]], [["a"], ["b"]], 1)
    with pytest.raises(ValueError, match="returned 1 results"):
        restore_order([[0, 1]], [["a"]], 2)
    with pytest.raises(ValueError, match="at least 1"):
        plan_batches([1], 0)
