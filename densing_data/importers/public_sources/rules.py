"""The reviewed rewrite rules of the public-sources pass (``data/public_sources.yaml``).

Each rule names the public document it applies to (``urls``: the URL of the source block a locator
belongs to, or of the record's ``source`` for its notes; none: any text) and a span of text by how it
starts and ends; the span is replaced by ``text``. The rules file never spells out the internal
wording it removes: a span is replaced only when it holds wording that
:func:`~densing_data.importers.public_sources.phrases.find_internal_phrases` recognizes, and at most
:data:`MAX_INNER` characters lie between its start and its end, so a rule cannot swallow a citation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from densing_data.importers.common import DATA_DIR
from densing_data.importers.public_sources.phrases import has_internal_phrase
from densing_data.strict_yaml import Document, YamlProblem, parse_yaml, read_bounded

RULES_YAML = DATA_DIR / "public_sources.yaml"
"""The shipped rules."""

MAX_INNER = 240
"""Most characters allowed between a rule's ``start`` and its ``end``."""

RULE_KEYS = {"urls", "start", "end", "text", "note"}
"""Keys of one rule; ``urls`` is optional."""


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file, the line and what is wrong."""


@dataclass(frozen=True)
class Rule:
    """Replace the span that runs from ``start`` to ``end`` with ``text``."""

    start: str
    """Literal text the span starts with."""
    end: str
    """Literal text the span ends with (the nearest occurrence after ``start``)."""
    text: str
    """What the span becomes: the public address, the locator's own words, or nothing."""
    note: str
    """Key of the correction note (in :attr:`RuleSet.notes`) that revisions written by this rule carry."""
    urls: tuple[str, ...] = ()
    """Source URLs the rule applies to; empty: every text."""
    line: int = 0
    """Line of the rule in its file."""

    def applies_to(self, url: str | None) -> bool:
        """True when the rule may rewrite text cited from ``url``."""
        return not self.urls or url in self.urls

    def rewrite(self, text: str) -> str:
        """``text`` with every span this rule matches replaced (spans without internal wording kept)."""
        out, pos = [], 0
        while (begin := text.find(self.start, pos)) >= 0:
            inner = begin + len(self.start)
            finish = text.find(self.end, inner)
            if finish < 0:
                break
            stop = finish + len(self.end)
            span = text[begin:stop]
            if finish - inner <= MAX_INNER and has_internal_phrase(span):
                out.append(text[pos:begin] + self.text)
            else:
                out.append(text[pos:stop])
            pos = stop
        out.append(text[pos:])
        return "".join(out)


@dataclass(frozen=True)
class RuleSet:
    """The correction notes and the rules of one rules file."""

    notes: dict[str, str]
    """Note key -> correction note text."""
    rules: tuple[Rule, ...]
    path: Path

    def rewrite(self, text: str, url: str | None) -> tuple[str, list[str]]:
        """``text`` after every rule that applies to ``url``, and the keys of the notes of the rules
        that changed it (in rule order)."""
        used: list[str] = []
        for rule in self.rules:
            if not rule.applies_to(url):
                continue
            changed = rule.rewrite(text)
            if changed != text:
                text = changed
                if rule.note not in used:
                    used.append(rule.note)
        return text, used


def load_rules(path: Path = RULES_YAML) -> RuleSet:
    """Read and check a rules file; raise :class:`RulesError` naming the line of the first problem."""
    try:
        doc = parse_yaml(read_bounded(path))
    except OSError as err:
        raise RulesError(f"{path}:0: cannot read the rules file ({err.strerror or err})") from None
    except YamlProblem as err:
        raise RulesError(f"{path}:{err.line}: {err.message}") from None
    data = doc.data
    if not isinstance(data, dict) or set(data) != {"notes", "rules"}:
        keys = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise RulesError(f"{path}:1: expected the keys 'notes' and 'rules', got {keys}")
    notes = _notes(doc, path)
    rules = data["rules"]
    if not isinstance(rules, list) or not rules:
        raise RulesError(f"{path}:{doc.line_of(('rules',))}: 'rules' must be a non-empty list")
    return RuleSet(notes=notes, rules=tuple(_rule(doc, path, i, notes) for i in range(len(rules))), path=path)


def _notes(doc: Document, path: Path) -> dict[str, str]:
    notes = doc.data["notes"]
    if not isinstance(notes, dict) or not notes:
        raise RulesError(f"{path}:{doc.line_of(('notes',))}: 'notes' must map note keys to correction notes")
    for key, value in notes.items():
        _need_text(doc, path, ("notes", key), value, f"note {key!r}")
        if has_internal_phrase(value):
            raise RulesError(f"{path}:{doc.line_of(('notes', key))}: note {key!r} names internal tooling")
    return dict(notes)


def _rule(doc: Document, path: Path, index: int, notes: dict[str, str]) -> Rule:
    where = ("rules", index)
    line = doc.line_of(where)
    item = doc.data["rules"][index]
    if not isinstance(item, dict):
        raise RulesError(f"{path}:{line}: rule {index + 1} must be a mapping with keys {sorted(RULE_KEYS)}")
    unknown = sorted(set(item) - RULE_KEYS)
    missing = sorted(RULE_KEYS - {"urls"} - set(item))
    if unknown or missing:
        raise RulesError(
            f"{path}:{line}: rule {index + 1}: unknown key(s) {unknown}, missing key(s) {missing} "
            f"(expected {sorted(RULE_KEYS)}; 'urls' is optional)"
        )
    for key in ("start", "end", "note"):
        _need_text(doc, path, (*where, key), item[key], f"rule {index + 1} '{key}'")
    if not isinstance(item["text"], str):
        raise RulesError(f"{path}:{doc.line_of((*where, 'text'))}: rule {index + 1} 'text' must be text")
    if has_internal_phrase(item["text"]):
        raise RulesError(
            f"{path}:{doc.line_of((*where, 'text'))}: rule {index + 1} 'text' names internal tooling: "
            f"{item['text']!r} (a replacement must say only what a reader can check)"
        )
    if item["note"] not in notes:
        raise RulesError(
            f"{path}:{doc.line_of((*where, 'note'))}: rule {index + 1} note {item['note']!r} is not one "
            f"of the notes {sorted(notes)}"
        )
    return Rule(
        start=item["start"],
        end=item["end"],
        text=item["text"],
        note=item["note"],
        urls=_urls(doc, path, where, item.get("urls")),
        line=line,
    )


def _urls(doc: Document, path: Path, where: tuple[Any, ...], value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items: Sequence[Any] = value if isinstance(value, list) else [value]
    for i, url in enumerate(items):
        if not isinstance(url, str) or not url.startswith("https://"):
            line = doc.line_of((*where, "urls", i) if isinstance(value, list) else (*where, "urls"))
            raise RulesError(f"{path}:{line}: 'urls' must hold https:// addresses, got {url!r}")
    return tuple(items)


def _need_text(doc: Document, path: Path, where: tuple[Any, ...], value: Any, what: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise RulesError(f"{path}:{doc.line_of(where)}: {what} must be non-empty text, got {value!r}")
