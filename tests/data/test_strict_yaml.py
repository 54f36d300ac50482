"""The strict YAML reader refuses every unsafe or malformed input with a line number."""

from __future__ import annotations

import pytest

from densing_data.strict_yaml import MAX_DEPTH, YamlProblem, parse_yaml

BILLION_LAUGHS = b"""a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]
"""


def problem(raw: bytes) -> YamlProblem:
    with pytest.raises(YamlProblem) as info:
        parse_yaml(raw)
    return info.value


def test_values_and_their_lines() -> None:
    doc = parse_yaml(b"schema_version: 1\nrecords:\n- id: x\n  value: 2.5\n  when: 2024-01-02\n")
    assert doc.data["records"][0]["value"] == 2.5
    assert str(doc.data["records"][0]["when"]) == "2024-01-02"
    assert doc.line_of(("records", 0, "value")) == 4
    assert doc.line_of(("records", 0, "missing", "deeper")) == 3


@pytest.mark.parametrize(
    ("raw", "line", "words"),
    [
        (b"", 1, "empty"),
        (b"   \n\n", 1, "empty"),
        (b"a: 1\na: 2\n", 2, "duplicate key 'a' (first at line 1)"),
        (b"x: !!python/object:os.system {}\n", 1, "tag"),
        (b"x: !!python/name:os.system\n", 1, "tag"),
        (b"x: !custom 3\n", 1, "tag"),
        (b"x: !!binary aGVsbG8=\n", 1, "tag"),
        (b"x: !!set {a: null}\n", 1, "tag"),
        (b"a: &x 1\nb: *x\n", 1, "anchors"),
        (b"base: &b {k: 1}\nother:\n  <<: *b\n", 1, "anchors"),
        (BILLION_LAUGHS, 1, "anchors"),
        (b"a: 1\n---\nb: 2\n", 2, "more than one YAML document"),
        (b"x: .nan\n", 1, "non-finite"),
        (b"x: -.inf\n", 1, "non-finite"),
        (b"a: [1, 2\n", 2, "not valid YAML"),
        (b"a: 1\n b: 2\n", 2, "not valid YAML"),
        (b"\x00\x01\x02binary", 1, "not valid YAML"),
        (b"ok: 1\n\xff\xfe\xfa\n", 2, "not UTF-8"),
        (b"? [a, b]\n: 1\n", 1, "keys must be plain strings"),
        (b"1: one\n", 1, "keys must be plain strings"),
        (b"d: 2024-13-45\n", 1, "bad timestamp"),
    ],
)
def test_refused_inputs_name_the_line(raw: bytes, line: int, words: str) -> None:
    err = problem(raw)
    assert words in err.message
    assert err.line == line


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 1_500, 100_000])
def test_deep_flow_nesting_is_refused_in_our_words(levels: int) -> None:
    # 1,500 and 100,000 levels pass libyaml's own nesting limit (1,000 in PyYAML 6.0.4's libyaml):
    # whichever parser stops first, the reader names the problem itself, at the line it starts.
    err = problem(b"[" * levels + b"]" * levels)
    assert err.message == f"nesting deeper than {MAX_DEPTH} levels"
    assert err.line == 1


@pytest.mark.parametrize("levels", [MAX_DEPTH + 2, 1_500])
def test_deep_block_nesting_is_refused_in_our_words(levels: int) -> None:
    nested_maps = "".join(f"{' ' * i}k{i}:\n" for i in range(levels)) + " " * levels + "v\n"
    err = problem(nested_maps.encode())
    assert err.message == f"nesting deeper than {MAX_DEPTH} levels"
    assert err.line == MAX_DEPTH + 1


def test_nesting_at_the_limit_is_accepted() -> None:
    raw = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert parse_yaml(raw).data is not None


def test_oversized_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import densing_data.strict_yaml as strict_yaml

    monkeypatch.setattr(strict_yaml, "MAX_BYTES", 10)
    assert "larger than" in problem(b"a: 12345678901234567890\n").message
