"""Per-item and per-task figures from request results.

The conditional loss of a task is defined as in the paper: for each item, the **mean** over its
answer tokens of -log p(token | everything before it), in nats; then the **mean over items**. The
sums and token counts are kept per item (and in total) so that any other aggregation — such as the
token-weighted mean ``sum(nll) / sum(tokens)`` — can be redone from the output file.

Accuracy (multiple-choice tasks) is the share of items whose correct option has the highest
log-likelihood, as lm-evaluation-harness's ``acc``; it is computed only when every item has options.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from evaluators.engine.cache import CachedResult
from evaluators.tasks.requests import LoglikRequest
from evaluators.tasks.tasks import PromptedItem

LOSS_DEFINITION = (
    "Conditional loss -log P(answer | few-shot prefix + instruction) in nats: per item, the mean over "
    "the answer's tokens of -log p(token | all preceding tokens); then the mean over items (the paper's "
    "definition). Prefix, instruction and answer are tokenized separately (special tokens only before the "
    "first piece) and concatenated; the answer tokens scored are exactly encode(answer)."
)


@dataclass(frozen=True)
class ItemResult:
    """Figures of one scored item."""

    id: str
    """Item id."""
    subject: str | None
    """Group of the item."""
    nll_sum: float
    """Sum over answer tokens of -log p, nats."""
    answer_tokens: int
    """Number of answer tokens."""
    truncated: bool
    """The context was cut from the left to fit the model."""
    choice_logliks: tuple[float, ...] | None
    """Log-likelihood of each option (multiple choice), else None."""
    gold: int | None
    """Index of the correct option, else None."""

    @property
    def mean_nll(self) -> float:
        """Per-token mean of this item's answer, nats/token."""
        return self.nll_sum / self.answer_tokens

    @property
    def predicted(self) -> int | None:
        """Option with the highest log-likelihood (the first of ties), else None."""
        if not self.choice_logliks:
            return None
        return max(range(len(self.choice_logliks)), key=lambda i: (self.choice_logliks[i], -i))


@dataclass(frozen=True)
class TaskSummary:
    """Figures of one task."""

    items: int
    """Scored items."""
    loss: float
    """Mean over items of the per-item mean NLL (nats/token): the paper's conditional loss."""
    loss_token_weighted: float
    """sum(nll) / sum(tokens) over all items, nats/token."""
    nll_sum: float
    """Total NLL over all answer tokens, nats."""
    answer_tokens: int
    """Total answer tokens."""
    accuracy: float | None
    """Percent of items whose correct option scored highest; None unless every item has options."""
    truncated: int
    """Items whose context was cut to fit the model."""


def item_results(
    items: Sequence[PromptedItem], requests: Sequence[LoglikRequest], results: Mapping[str, CachedResult]
) -> list[ItemResult]:
    """Assemble each item's figures; every request must have a result."""
    missing = [r.key for r in requests if r.key not in results]
    if missing:
        raise ValueError(f"{len(missing)} requests have no result (first key {missing[0]})")
    loss: dict[int, LoglikRequest] = {}
    choices: dict[int, dict[int, float]] = {}
    for req in requests:
        if req.choice is None:
            loss[req.item] = req
        else:
            choices.setdefault(req.item, {})[req.choice] = -results[req.key].nll
    out = []
    for index, item in enumerate(items):
        req = loss[index]
        found = choices.get(index)
        logliks = tuple(found[i] for i in range(len(item.choices))) if found else None
        out.append(
            ItemResult(
                id=item.id,
                subject=item.subject,
                nll_sum=results[req.key].nll,
                answer_tokens=results[req.key].tokens,
                truncated=req.truncated,
                choice_logliks=logliks,
                gold=item.gold,
            )
        )
    return out


def summarize(results: Sequence[ItemResult]) -> TaskSummary:
    """Task figures over ``results`` (see the module docstring for the definitions)."""
    if not results:
        raise ValueError("no item results to summarize")
    nll_sum = math.fsum(r.nll_sum for r in results)
    tokens = sum(r.answer_tokens for r in results)
    with_choices = [r for r in results if r.choice_logliks is not None and r.gold is not None]
    accuracy = None
    if len(with_choices) == len(results):
        accuracy = 100.0 * sum(r.predicted == r.gold for r in results) / len(results)
    return TaskSummary(
        items=len(results),
        loss=math.fsum(r.mean_nll for r in results) / len(results),
        loss_token_weighted=nll_sum / tokens,
        nll_sum=nll_sum,
        answer_tokens=tokens,
        accuracy=accuracy,
        truncated=sum(r.truncated for r in results),
    )
