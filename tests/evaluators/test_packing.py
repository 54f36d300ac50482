"""The packed shared-prefix path against brute force: its mask against the rule evaluated pair by pair,
its block tables against the dense mask, its scores against the plain one-request forward pass."""

from __future__ import annotations

import math
import random

import pytest
import torch

from evaluators.engine.batching import plan_packs
from evaluators.engine.packing import (
    block_mask,
    block_tables,
    build_pack,
    dense_mask,
    packed_nll,
    supports_packing,
)
from evaluators.scoring import compute_prefix, reference_nll

RTOL, ATOL = 1e-5, 1e-4


def random_rows(rng: random.Random, vocab: int, count: int) -> list[tuple[list[int], list[int]]]:
    return [
        (
            [rng.randrange(vocab) for _ in range(rng.randint(1, 30))],
            [rng.randrange(vocab) for _ in range(rng.randint(1, 12))],
        )
        for _ in range(count)
    ]


def test_pack_lays_rows_end_to_end_with_positions_after_the_prefix() -> None:
    rows = [([5, 6], [7]), ([8], [9, 10, 11])]
    pack = build_pack(rows, prefix_length=3)
    assert pack.input_ids.tolist() == [[5, 6, 7, 8, 9, 10, 11]]
    assert pack.position_ids.tolist() == [[3, 4, 5, 3, 4, 5, 6]]
    assert pack.starts.tolist() == [0, 0, 0, 3, 3, 3, 3]
    assert pack.logit_positions.tolist() == [1, 3, 4, 5]  # each predicts the next answer token
    assert pack.targets.tolist() == [7, 9, 10, 11]
    assert pack.rows.tolist() == [0, 1, 1, 1]


def test_dense_mask_is_prefix_plus_own_suffix_causally() -> None:
    rng = random.Random(1)
    pack = build_pack(random_rows(rng, 50, 6), prefix_length=7)
    mask = dense_mask(pack.starts, 7)[0, 0]
    owner = [
        i for i, (c, a) in enumerate(random_rows(random.Random(1), 50, 6)) for _ in range(len(c) + len(a))
    ]
    for q in range(mask.shape[0]):
        for k in range(mask.shape[1]):
            expected = k < 7 or (owner[k - 7] == owner[q] and k - 7 <= q)
            assert bool(mask[q, k]) == expected, (q, k)


@pytest.mark.parametrize("prefix_length", [0, 1, 5, 16, 37])
@pytest.mark.parametrize("block", [1, 4, 16])
def test_block_tables_match_the_dense_mask(prefix_length: int, block: int) -> None:
    pack = build_pack(random_rows(random.Random(prefix_length + block), 50, 7), prefix_length)
    mask = dense_mask(pack.starts, prefix_length)[0, 0]
    reach, full = block_tables(pack.starts, prefix_length, block)
    for i in range(reach.shape[0]):
        for j in range(reach.shape[1]):
            tile = mask[i * block : (i + 1) * block, j * block : (j + 1) * block]
            assert bool(tile.any()) == bool(reach[i, j]) and bool(tile.all()) == bool(full[i, j]), (i, j)


def test_block_mask_expands_to_the_dense_mask() -> None:
    pack = build_pack(random_rows(random.Random(3), 50, 5), prefix_length=11)
    sparse = block_mask(pack.starts, 11, block=8)
    reach, _ = block_tables(pack.starts, 11, 8)
    assert torch.equal(sparse.to_dense()[0, 0].bool(), reach)  # the blocks listed are those reached
    q = torch.arange(pack.starts.shape[0])[:, None]
    k = torch.arange(11 + pack.starts.shape[0])[None, :]
    assert torch.equal(sparse.mask_mod(0, 0, q, k), dense_mask(pack.starts, 11)[0, 0])


def test_plan_packs_respects_the_budget_and_covers_every_row() -> None:
    lengths = [5, 40, 3, 17, 17, 60, 1]
    packs = plan_packs(lengths, 41)
    assert sorted(i for p in packs for i in p) == list(range(len(lengths)))
    assert all(sum(lengths[i] for i in p) <= 41 or len(p) == 1 for p in packs)
    assert packs[0] == [5]  # longer than the budget: alone, first
    with pytest.raises(ValueError):
        plan_packs(lengths, 0)


@pytest.mark.parametrize("kernel", ["sdpa", "flex"])
@pytest.mark.parametrize("prefix_length", [0, 23])
def test_packed_scores_equal_the_plain_forward_pass(loaded, kernel: str, prefix_length: int) -> None:
    model = loaded.model
    assert supports_packing(model)
    rng = random.Random(prefix_length)
    vocab = model.config.vocab_size
    prefix = [rng.randrange(vocab) for _ in range(prefix_length)]
    rows = random_rows(rng, vocab, 9)
    state = compute_prefix(model, prefix) if prefix else None
    got = packed_nll(model, build_pack(rows, prefix_length), state, len(rows), kernel=kernel).tolist()
    for value, (context, answer) in zip(got, rows, strict=True):
        expected = reference_nll(model, prefix + context + answer, len(answer))
        assert math.isclose(value, expected, rel_tol=RTOL, abs_tol=ATOL)
    assert model.config._attn_implementation == "sdpa"  # switched back after the pass


def test_packing_works_on_a_model_placed_with_device_map_auto(model_dir) -> None:
    from evaluators.engine.engine import EngineOptions, score_requests
    from evaluators.engine.modeling import load_model
    from evaluators.tasks.requests import LoglikRequest

    placed = load_model(str(model_dir), dtype="fp32", device=torch.device("cpu"), device_map="auto")
    rng = random.Random(5)
    prefix = tuple(rng.randrange(placed.model.config.vocab_size) for _ in range(20))
    requests = [
        LoglikRequest(key=str(i), item=i, choice=None, prefix=prefix, context=tuple(c), answer=tuple(a))
        for i, (c, a) in enumerate(random_rows(rng, placed.model.config.vocab_size, 6))
    ]
    found, stats = score_requests(
        placed.model, requests, EngineOptions(batch_tokens=64, packing=True, progress=False)
    )
    assert stats.padded_tokens == stats.forwarded_tokens  # packed
    for r in requests:
        expected = reference_nll(placed.model, list(r.prefix + r.context + r.answer), len(r.answer))
        assert math.isclose(found[r.key].nll, expected, rel_tol=RTOL, abs_tol=ATOL)
