"""Fast paths against the brute-force definition: batched, bucketed and prefix-reusing scores equal a
plain one-item-at-a-time forward pass (fp32, tight tolerance)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from evaluators.engine.engine import EngineOptions, score_requests
from evaluators.scoring import batched_nll, reference_nll, supports_prefix_reuse
from evaluators.tasks.items import read_task_file
from evaluators.tasks.requests import RequestBuilder, RequestError, leading_special_ids
from evaluators.tasks.tasks import build_prompts, get_task

RTOL, ATOL = 1e-5, 1e-4


def build_requests(loaded, path: Path, max_length: int = 2048):
    prompts = build_prompts(get_task("mmlu"), read_task_file(path), shots=2)
    builder = RequestBuilder(loaded.tokenizer, max_length, {"model": "tiny"})
    return prompts, builder.build(prompts, with_choices=True)


def brute_force(model, requests) -> dict[str, float]:
    return {
        r.key: reference_nll(model, list(r.prefix + r.context + r.answer), len(r.answer)) for r in requests
    }


def assert_close(found: dict, expected: dict[str, float]) -> None:
    assert found.keys() == expected.keys()
    for key, value in expected.items():
        got = found[key].nll if hasattr(found[key], "nll") else found[key]
        assert math.isclose(got, value, rel_tol=RTOL, abs_tol=ATOL), (key, got, value)


@pytest.fixture(scope="module")
def case(loaded, tmp_path_factory):
    from tests.evaluators.conftest import mmlu_rows, write_jsonl

    path = write_jsonl(tmp_path_factory.mktemp("scoring") / "mmlu.jsonl", mmlu_rows())
    prompts, requests = build_requests(loaded, path)
    return prompts, requests, brute_force(loaded.model, requests)


@pytest.mark.parametrize(
    "options",
    [
        EngineOptions(batch_tokens=1, prefix_reuse=False, progress=False),  # one row at a time
        EngineOptions(batch_tokens=4096, prefix_reuse=False, progress=False),  # batched, bucketed
        EngineOptions(batch_tokens=300, prefix_reuse=False, progress=False),  # many small buckets
        EngineOptions(batch_tokens=4096, packing=False, progress=False),  # prefix KV reused, expanded
        EngineOptions(batch_tokens=200, packing=False, progress=False),  # prefix reused over batches
        EngineOptions(batch_tokens=4096, packing=True, progress=False),  # packed after the prefix
        EngineOptions(batch_tokens=90, packing=True, progress=False),  # many packs, some rows alone
        EngineOptions(batch_tokens=600, packing=True, kernel="flex", progress=False),  # BlockMask
    ],
    ids=["single", "batched", "bucketed", "prefix", "prefix-small-batches", "packed", "packed-small", "flex"],
)
def test_fast_paths_equal_the_plain_forward_pass(loaded, case, options: EngineOptions) -> None:
    _, requests, expected = case
    found, stats = score_requests(loaded.model, requests, options)
    assert_close(found, expected)
    assert stats.requests == len(expected)
    if options.prefix_reuse:
        assert stats.forwarded_tokens < stats.request_tokens / 2  # prefixes really were computed once
        if options.packing:  # no padding; logits only where answer tokens are predicted
            assert stats.padded_tokens == stats.forwarded_tokens
            answers = sum(len(r.answer) for r in requests)
            assert stats.logit_positions == answers + len({r.prefix for r in requests})  # + 1 per prefix
    else:
        assert stats.forwarded_tokens == stats.request_tokens


@pytest.mark.parametrize("packing", [False, True], ids=["buckets", "packed"])
def test_compiled_body_equals_the_plain_forward_pass(loaded, case, packing: bool) -> None:
    """The decoder's MLPs and norms run through torch.compile (traced by dynamo, run by the
    ``aot_eager`` backend: no C compiler needed) give the plain pass's results; the model is restored."""
    import torch._dynamo
    from torch._dynamo.utils import counters

    from evaluators.engine.compiling import regions

    torch._dynamo.reset()  # trace afresh: compiled code from an earlier test would be found again

    _, requests, expected = case
    compiled = regions(loaded.model)
    assert len(compiled) == 3 * len(loaded.model.model.layers) + 1  # MLP + 2 norms per layer, final norm
    before = counters["stats"]["calls_captured"]
    options = EngineOptions(batch_tokens=600, packing=packing, compile="aot_eager", progress=False)
    found, _ = score_requests(loaded.model, requests, options)
    assert_close(found, expected)
    assert counters["stats"]["calls_captured"] > before  # dynamo really traced the regions
    assert all(m._compiled_call_impl is None for m in loaded.model.modules())


def test_every_batch_reaches_the_callback(loaded, case) -> None:
    _, requests, expected = case
    seen: dict = {}
    score_requests(
        loaded.model, requests, EngineOptions(batch_tokens=256, progress=False), on_batch=seen.update
    )
    assert_close(seen, expected)


def test_batched_nll_handles_rows_of_very_different_lengths(loaded) -> None:
    tok = loaded.tokenizer
    rows = [
        (tok.encode("Q: " + "long context " * 40), tok.encode(" a", add_special_tokens=False)),
        (tok.encode("Q:"), tok.encode(" a much longer answer " * 10, add_special_tokens=False)),
    ]
    got = batched_nll(loaded.model, rows)
    expected = [reference_nll(loaded.model, list(c) + list(a), len(a)) for c, a in rows]
    for g, e in zip(got, expected, strict=True):
        assert math.isclose(g, e, rel_tol=RTOL, abs_tol=ATOL)


def test_answer_tokens_are_exactly_the_encoded_answer(loaded, case) -> None:
    prompts, requests, _ = case
    tok = loaded.tokenizer
    bos = leading_special_ids(tok)
    assert bos == (tok.bos_token_id,)
    loss_requests = [r for r in requests if r.choice is None]
    for prompt, req in zip(prompts, loss_requests, strict=True):
        assert list(req.answer) == tok.encode(prompt.answer, add_special_tokens=False)
        assert list(req.context) == tok.encode(prompt.instruction, add_special_tokens=False)
        assert list(req.prefix) == list(bos) + tok.encode(prompt.prefix, add_special_tokens=False)


def test_truncation_cuts_context_from_the_left_and_keeps_the_answer(loaded, mmlu_file: Path) -> None:
    _, full = build_requests(loaded, mmlu_file)
    _, short = build_requests(loaded, mmlu_file, max_length=60)
    for a, b in zip(full, short, strict=True):
        assert b.answer == a.answer and b.length <= 60
        if a.length > 60:
            assert (
                b.truncated
                and b.prefix == ()
                and b.context == (a.prefix + a.context)[-(60 - len(a.answer)) :]
            )
    with pytest.raises(RequestError, match=r"the answer has .* tokens, the model takes at most 5"):
        build_requests(loaded, mmlu_file, max_length=5)


def test_bf16_path_runs_close_to_fp32(loaded, case) -> None:
    import copy

    _, requests, expected = case
    model = copy.deepcopy(loaded.model).to(torch.bfloat16)
    found, _ = score_requests(model, requests[:10], EngineOptions(batch_tokens=4096, progress=False))
    for req in requests[:10]:
        assert math.isclose(found[req.key].nll, expected[req.key], rel_tol=0.05)


def test_prefix_reuse_is_refused_for_sliding_window_models() -> None:
    from transformers import MistralConfig, MistralForCausalLM

    config = MistralConfig(
        vocab_size=64,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=1,
        intermediate_size=32,
        sliding_window=8,
    )
    assert not supports_prefix_reuse(MistralForCausalLM(config))
    config.sliding_window = None
    assert supports_prefix_reuse(MistralForCausalLM(config))


def test_batched_encodings_equal_one_text_at_a_time(loaded, case) -> None:
    """The runner encodes the run's texts in batched tokenizer calls on a thread; the ids are the same."""
    from evaluators.tasks.requests import Encodings, item_texts

    prompts, _, _ = case
    texts = item_texts(prompts, with_choices=True)
    assert len(texts) == len(set(texts)) > len(prompts)
    encodings = Encodings(loaded.tokenizer)
    encodings.fill(texts)
    for text in texts:
        assert encodings.encode(text) == tuple(loaded.tokenizer.encode(text, add_special_tokens=False))
