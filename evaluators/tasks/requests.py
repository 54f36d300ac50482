"""Tokenization of prompted items into log-likelihood requests.

The pieces are tokenized **separately and concatenated**: the tokenizer's leading special tokens
(BOS), then the few-shot prefix, the instruction and the answer, each encoded without special
tokens. The answer's tokens are therefore exactly ``encode(answer)``, whatever precedes them, and a
few-shot prefix is the same token sequence for every item that shares it (so its key/value cache can
be computed once). The plain reference computation and every fast path score these same ids.
"""

from __future__ import annotations

import hashlib
import json
from array import array
from dataclasses import dataclass
from typing import Any, Protocol

from evaluators.tasks.tasks import PromptedItem


class Tokenizer(Protocol):
    """The part of a Hugging Face tokenizer the evaluator uses."""

    def encode(self, text: str, add_special_tokens: bool = ...) -> list[int]: ...


@dataclass(frozen=True)
class LoglikRequest:
    """Score ``answer`` given ``prefix + context``: one forward pass's worth of work."""

    key: str
    """Hash of the model identity, dtype, evaluator version and these token ids (the cache key)."""
    item: int
    """Index of the item in the run's item list."""
    choice: int | None
    """None for the conditional-loss request, else the option index of an accuracy request."""
    prefix: tuple[int, ...]
    """Shared tokens (special tokens + few-shot prefix); empty when nothing is shared."""
    context: tuple[int, ...]
    """The instruction's tokens (with the special tokens when there is no prefix)."""
    answer: tuple[int, ...]
    """The tokens whose log-probabilities are summed."""
    truncated: bool = False
    """True when the prefix and context were cut from the left to fit the model's length."""

    @property
    def length(self) -> int:
        """Total tokens run through the model for this request."""
        return len(self.prefix) + len(self.context) + len(self.answer)


class RequestError(ValueError):
    """An item cannot be turned into a request (empty answer, answer longer than the model allows)."""


def leading_special_ids(tokenizer: Tokenizer) -> tuple[int, ...]:
    """The special tokens the tokenizer puts before a text (usually BOS; empty for many tokenizers)."""
    with_special = tokenizer.encode("a", add_special_tokens=True)
    plain = tokenizer.encode("a", add_special_tokens=False)
    for start in range(len(with_special) - len(plain) + 1):
        if with_special[start : start + len(plain)] == plain:
            return tuple(with_special[:start])
    return ()


ENCODE_CHUNK = 1024
"""Texts handed to the tokenizer at once by :meth:`Encodings.fill`."""


def item_texts(items: list[PromptedItem], with_choices: bool) -> list[str]:
    """Every text :meth:`RequestBuilder.build` encodes for ``items``, each once, in order of use."""
    texts: dict[str, None] = {}
    for item in items:
        texts.update(dict.fromkeys((item.prefix, item.instruction, item.answer)))
        if with_choices:
            texts.update(dict.fromkeys((item.choice_prefix, *item.choices)))
    texts.pop("", None)
    return list(texts)


class Encodings:
    """A tokenizer's ``encode(text, add_special_tokens=False)``, each text encoded once.

    :meth:`fill` encodes many texts in batched tokenizer calls (a fast tokenizer encodes a batch in
    parallel, outside the GIL): the runner fills it on a thread while the model's weights load.
    """

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self._ids: dict[str, tuple[int, ...]] = {}

    def fill(self, texts: list[str]) -> None:
        """Encode every text of ``texts`` not encoded yet."""
        todo = [t for t in dict.fromkeys(texts) if t and t not in self._ids]
        batched = callable(self.tokenizer) and hasattr(self.tokenizer, "is_fast")
        for start in range(0, len(todo), ENCODE_CHUNK):
            chunk = todo[start : start + ENCODE_CHUNK]
            if batched:
                ids = self.tokenizer(chunk, add_special_tokens=False)["input_ids"]  # type: ignore[operator]
            else:
                ids = [self.tokenizer.encode(t, add_special_tokens=False) for t in chunk]
            self._ids.update((text, tuple(row)) for text, row in zip(chunk, ids, strict=True))

    def encode(self, text: str) -> tuple[int, ...]:
        """The text's token ids (empty for an empty text)."""
        if not text:
            return ()
        found = self._ids.get(text)
        if found is None:
            found = self._ids[text] = tuple(self.tokenizer.encode(text, add_special_tokens=False))
        return found


class RequestBuilder:
    """Turns prompted items into requests; every distinct text is tokenized once."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        max_length: int,
        identity: dict[str, Any],
        encodings: Encodings | None = None,
    ) -> None:
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.specials = leading_special_ids(tokenizer)
        self._salt = json.dumps(identity, sort_keys=True).encode("utf-8")
        self._prefix_ids: dict[str, tuple[int, ...]] = {}
        self._encodings = encodings if encodings is not None else Encodings(tokenizer)

    def _encode(self, text: str) -> tuple[int, ...]:
        return self._encodings.encode(text)

    def _prefix(self, text: str) -> tuple[int, ...]:
        if text not in self._prefix_ids:
            self._prefix_ids[text] = self.specials + self._encode(text)
        return self._prefix_ids[text]

    def build(self, items: list[PromptedItem], with_choices: bool) -> list[LoglikRequest]:
        """The conditional-loss request of every item, then (``with_choices``) one per option."""
        requests = []
        for index, item in enumerate(items):
            requests.append(self._request(index, None, item.prefix, item.instruction, item.answer, item))
            if with_choices:
                for choice, text in enumerate(item.choices):
                    requests.append(
                        self._request(index, choice, item.choice_prefix, item.instruction, text, item)
                    )
        return requests

    def _request(
        self,
        index: int,
        choice: int | None,
        prefix_text: str,
        instruction: str,
        answer_text: str,
        item: PromptedItem,
    ) -> LoglikRequest:
        prefix = self._prefix(prefix_text) if prefix_text else ()
        context = self._encode(instruction)
        if not prefix:
            context = self.specials + context
        answer = self._encode(answer_text)
        if not answer:
            raise RequestError(f"{item.source}: item {item.id!r}: the answer tokenizes to nothing")
        if not context:
            raise RequestError(f"{item.source}: item {item.id!r}: the instruction tokenizes to nothing")
        truncated = False
        if len(prefix) + len(context) + len(answer) > self.max_length:
            if len(answer) >= self.max_length:
                raise RequestError(
                    f"{item.source}: item {item.id!r}: the answer has {len(answer)} tokens, the model takes "
                    f"at most {self.max_length}; pass a larger --max-length if the model allows it"
                )
            context = (prefix + context)[-(self.max_length - len(answer)) :]
            prefix, truncated = (), True
        return LoglikRequest(
            key=self._key(prefix, context, answer),
            item=index,
            choice=choice,
            prefix=prefix,
            context=context,
            answer=answer,
            truncated=truncated,
        )

    def _key(self, prefix: tuple[int, ...], context: tuple[int, ...], answer: tuple[int, ...]) -> str:
        digest = hashlib.sha256(self._salt)
        for part in (prefix + context, answer):
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(array("q", part).tobytes())
        return digest.hexdigest()[:32]
