"""Task figures: the paper's mean of item means, the token-weighted mean, accuracy from log-likelihoods."""

from __future__ import annotations

import pytest

from evaluators.aggregate import ItemResult, summarize


def item(
    nll: float, tokens: int, logliks: tuple[float, ...] | None = None, gold: int | None = None
) -> ItemResult:
    return ItemResult(
        id="x",
        subject=None,
        nll_sum=nll,
        answer_tokens=tokens,
        truncated=False,
        choice_logliks=logliks,
        gold=gold,
    )


def test_loss_is_the_mean_of_per_item_means_and_sums_are_kept() -> None:
    summary = summarize([item(10.0, 10), item(2.0, 1)])
    assert summary.loss == pytest.approx((1.0 + 2.0) / 2)
    assert summary.loss_token_weighted == pytest.approx(12.0 / 11)
    assert (summary.nll_sum, summary.answer_tokens, summary.items) == (12.0, 11, 2)
    assert summary.accuracy is None


def test_accuracy_picks_the_highest_log_likelihood_first_of_ties() -> None:
    results = [item(1, 1, (-1.0, -0.5), 1), item(1, 1, (-0.2, -0.2), 0), item(1, 1, (-0.1, -3.0), 1)]
    assert [r.predicted for r in results] == [1, 0, 0]
    assert summarize(results).accuracy == pytest.approx(200 / 3)


def test_accuracy_only_when_every_item_has_options() -> None:
    assert summarize([item(1, 1, (-1.0, -2.0), 0), item(1, 1)]).accuracy is None
    with pytest.raises(ValueError, match="no item results"):
        summarize([])
