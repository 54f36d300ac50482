"""Strict, safe YAML reading that remembers the line of every value.

Refused, each with a :class:`YamlProblem` naming the line: text that is not UTF-8, files over
:data:`MAX_BYTES`, more than :data:`MAX_NODES` values (items, mappings and scalars, keys included),
more than one document, nesting deeper than :data:`MAX_DEPTH`, anchors and aliases (and merge keys),
duplicate mapping keys, non-string keys, tags other than YAML's plain scalar and collection types,
and NaN or infinite floats. The node and depth limits are checked while the events stream, before
any value is built, so a hostile file is refused after reading at most :data:`MAX_NODES` values.
"""

from __future__ import annotations

import math
import os
import stat
from dataclasses import dataclass
from typing import Any

import yaml

MAX_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 32
MAX_NODES = 200_000
"""Values per file (every scalar, key, list and mapping). The largest shipped record file,
``references/olmo-ladder/13b-5t.yaml`` (141 kB, 120 records), holds 5,885: the cap is 34 times that,
about 13,000 score records in one file."""

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"

Path = tuple[str | int, ...]
"""Location of a value inside a document: mapping keys and sequence indexes."""


class YamlProblem(Exception):
    """A YAML text that cannot be read strictly; ``line`` is 1-based (0 when unknown)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Document:
    """A parsed YAML document and the 1-based line of each value in it."""

    data: Any
    lines: dict[Path, int]

    def line_of(self, path: Path) -> int:
        """Line of the deepest value on ``path`` that exists (1 when none does)."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line is not None:
                return line
        return 1


class _ScalarConstructor(yaml.constructor.SafeConstructor):
    """Builds scalar values exactly as YAML's safe loader would."""


def read_bounded(path: Any) -> bytes:
    """The bytes of a regular file, refusing anything else (symbolic links, FIFOs, devices) and
    anything larger than :data:`MAX_BYTES` without reading more than that."""
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode):
        raise YamlProblem(0, "not a regular file (record files cannot be links, devices, FIFOs or sockets)")
    if info.st_size > MAX_BYTES:
        raise YamlProblem(0, f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    with open(path, "rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise YamlProblem(0, f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    return raw


def _decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise YamlProblem(1, f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise YamlProblem(line, "not UTF-8 text (binary file?)") from None


def _mark_line(exc: yaml.YAMLError, text: str) -> int:
    if isinstance(exc, yaml.reader.ReaderError):
        return text[: exc.position].count("\n") + 1
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else 0


def _check_events(text: str, loader: type = _Loader) -> None:
    """Stream the events once: refuse deep nesting, anchors and extra documents before composing."""
    depth = 0
    documents = 0
    nodes = 0
    for event in yaml.parse(text, Loader=loader):
        line = event.start_mark.line + 1
        if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            nodes += 1
            if nodes > MAX_NODES:
                raise YamlProblem(
                    line,
                    f"more than {MAX_NODES:,} values (items, keys and scalars) in one file: split the "
                    "records over several files, or check the file is what you meant to write",
                )
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlProblem(line, "more than one YAML document in the file")
        elif isinstance(event, yaml.AliasEvent):
            raise YamlProblem(line, "YAML aliases (*name) are not allowed")
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if event.anchor is not None:
                raise YamlProblem(line, "YAML anchors (&name) are not allowed")
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlProblem(line, f"nesting deeper than {MAX_DEPTH} levels")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
            raise YamlProblem(line, "YAML anchors (&name) are not allowed")


def _recheck_without_libyaml(text: str) -> None:
    """Find our own reason for a text libyaml refused, before reporting libyaml's.

    libyaml scans ahead and may stop a deeply nested text with its own nesting limit before our
    event check has seen depth :data:`MAX_DEPTH`. The pure-Python parser yields events lazily and
    has no nesting limit of its own, so streaming it once more lets our check (depth, anchors,
    documents) name the problem in our words whatever libyaml's version does. Only runs on texts
    that already failed, so valid files pay nothing.
    """
    if _Loader is yaml.SafeLoader:
        return
    try:
        _check_events(text, yaml.SafeLoader)
    except yaml.YAMLError:
        return


class _Builder:
    """Turns composed nodes into plain Python values, recording lines and refusing unsafe shapes."""

    def __init__(self) -> None:
        self.lines: dict[Path, int] = {}
        self._constructor = _ScalarConstructor()

    def build(self, node: yaml.Node, path: Path) -> Any:
        line = node.start_mark.line + 1
        self.lines[path] = line
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, line)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                raise YamlProblem(line, f"tag {node.tag!r} is not allowed")
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP_TAG:
                raise YamlProblem(line, f"tag {node.tag!r} is not allowed")
            return self._mapping(node, path)
        raise YamlProblem(line, "unsupported YAML node")

    def _scalar(self, node: yaml.ScalarNode, line: int) -> Any:
        if node.tag not in _SCALAR_TAGS:
            raise YamlProblem(line, f"tag {node.tag!r} is not allowed")
        try:
            value = self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as err:
            raise YamlProblem(
                line, f"bad {node.tag.rsplit(':', 1)[-1]} value {node.value!r}: {err}"
            ) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise YamlProblem(line, f"non-finite number {node.value!r} is not allowed")
        return value

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem(key_line, "YAML merge keys (<<) are not allowed")
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise YamlProblem(key_line, f"mapping keys must be plain strings, got {key_node.tag!r}")
            key = key_node.value
            if key in result:
                first = self.lines.get((*path, key), 0)
                raise YamlProblem(key_line, f"duplicate key {key!r} (first at line {first})")
            result[key] = self.build(value_node, (*path, key))
        return result


def parse_yaml(raw: bytes) -> Document:
    """Parse ``raw`` strictly; raise :class:`YamlProblem` on anything unsafe or malformed."""
    text = _decode(raw)
    if not text.strip():
        raise YamlProblem(1, "empty file")
    try:
        _check_events(text)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as err:
        _recheck_without_libyaml(text)
        reason = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise YamlProblem(_mark_line(err, text), f"not valid YAML: {reason}") from None
    except RecursionError:
        raise YamlProblem(1, f"nesting deeper than {MAX_DEPTH} levels") from None
    if node is None:
        raise YamlProblem(1, "empty file")
    builder = _Builder()
    data = builder.build(node, ())
    return Document(data=data, lines=builder.lines)


class _NoAliasDumper(yaml.SafeDumper):
    """A safe dumper that writes shared objects out in full instead of as anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_records_yaml(records: list[dict[str, Any]]) -> str:
    """Serialise records as the block-sequence items of a ``records:`` list (never with aliases)."""
    return yaml.dump(
        records,
        Dumper=_NoAliasDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=4096,
    )
