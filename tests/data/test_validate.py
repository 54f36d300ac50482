"""`densing validate`: exit 0 on valid records; one `path:line: message` per problem and exit 1 otherwise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from densing_cli.main import cli
from densing_data.validate import read_records_dir


def run_validate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


def write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_valid_records_pass(records_dir: Path) -> None:
    code, output = run_validate(str(records_dir))
    assert code == 0, output


def test_shipped_records_pass() -> None:
    code, output = run_validate()
    assert code == 0, output


MODEL_OK = """schema_version: 1
records:
- id: tiny-8b
  name: Tiny 8B
  family: Tiny
  organization: Example Lab
  release_date: 2024-05-01
  params_total: 8000000000
  kind: base
  sources:
    release_date:
      url: https://example.org/blog
"""


@pytest.mark.parametrize(
    ("rel", "text", "line", "words"),
    [
        (
            "models/tiny-8b.yaml",
            MODEL_OK.replace("params_total: 8000000000", "params_total: '8B'"),
            8,
            "params_total: Input should be a valid integer",
        ),
        (
            "models/tiny-8b.yaml",
            MODEL_OK.replace("kind: base", "kind: base\n  colour: blue"),
            10,
            "colour: Extra inputs are not permitted",
        ),
        ("models/tiny-8b.yaml", MODEL_OK.replace("2024-05-01", "2024-02-30"), 7, "bad timestamp"),
        ("models/tiny-8b.yaml", MODEL_OK.replace("2024-05-01", "'May 2024'"), 7, "release_date"),
        (
            "models/tiny-8b.yaml",
            MODEL_OK.replace("https://example.org/blog", "javascript:alert(1)"),
            12,
            "must be an http(s) URL",
        ),
        (
            "models/tiny-8b.yaml",
            MODEL_OK.replace("params_total: 8000000000", "params_total: .nan"),
            8,
            "non-finite",
        ),
        (
            "models/tiny-8b.yaml",
            MODEL_OK.replace("params_total: 8000000000", "params_total: -5"),
            8,
            "greater than 0",
        ),
        ("models/other.yaml", MODEL_OK, 3, "must live in models/tiny-8b.yaml, got other.yaml"),
        ("models/tiny-8b.yaml", "- just\n- a list\n", 1, "expected a mapping with schema_version"),
        ("models/tiny-8b.yaml", "schema_version: 2\nrecords: []\n", 1, "schema_version must be 1"),
        ("models/tiny-8b.yaml", "schema_version: 1\nrecords: []\n", 2, "non-empty list"),
        ("models/tiny-8b.yaml", "records:\n- 1\nschema_version: 1\n", 2, "'records' must be the last"),
        ("models/tiny-8b.yaml", "schema_version: 1\nrecords:\n- 42\n", 3, "expected a mapping, got int"),
        ("models/tiny-8b.yaml", "", 1, "empty file"),
        ("models/tiny-8b.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\xff", 1, "not UTF-8"),
        ("models/tiny-8b.yaml", "a: !!python/object/apply:os.system ['echo pwned']\n", 1, "not allowed"),
        ("models/Tiny.yaml", MODEL_OK, 0, "not a lower-case slug"),
        ("models/tiny-8b.yml", MODEL_OK, 0, "end in .yaml"),
        ("widgets/tiny-8b.yaml", MODEL_OK, 0, "expected a folder of"),
    ],
)
def test_each_problem_is_reported_with_file_and_line(
    records_dir: Path, rel: str, text: str | bytes, line: int, words: str
) -> None:
    write(records_dir, rel, text)
    code, output = run_validate(str(records_dir))
    assert code == 1
    expected_path = f"records/{rel}"
    matching = [o for o in output.splitlines() if f"{expected_path}:{line}: " in o and words in o]
    assert matching, output


def test_cross_file_rules(records_dir: Path) -> None:
    write(
        records_dir,
        "scores/ghost.yaml",
        """schema_version: 1
records:
- id: ghost.mmlu
  model: ghost
  benchmark: nonesuch
  value: 40.0
  protocol: example-report
  source: {url: 'https://example.org/r'}
  provenance: {kind: developer}
  recorded: 2026-11-23
- id: tiny-1b.mmlu
  model: ghost
  benchmark: mmlu
  value: 41.0
  protocol: example-report
  source: {url: 'https://example.org/r'}
  provenance: {kind: developer}
  recorded: 2026-11-23
""",
    )
    _, report = read_records_dir(records_dir)
    messages = [p.as_text() for p in report.sorted()]
    text = "\n".join(messages)
    assert (
        "records/scores/ghost.yaml:3: score 'ghost.mmlu' and 1 more record of this file: model 'ghost' "
        "does not name a current model record"
    ) in text
    assert "benchmark 'nonesuch' does not name a current benchmark" in text
    # no release and no base: of two equals, the record read later is blamed
    assert (
        "records/scores/tiny-1b.yaml:3: duplicate score id 'tiny-1b.mmlu' revision 1 "
        "(also at records/scores/ghost.yaml:11)"
    ) in text


def test_duplicate_measurement_and_default_ruler(records_dir: Path) -> None:
    original = (records_dir / "scores/tiny-1b.yaml").read_text()
    copy = original.split("records:\n", 1)[1].replace("id: tiny-1b.mmlu", "id: tiny-1b.mmlu-again")
    (records_dir / "scores/tiny-1b.yaml").write_text(original + copy)
    rulers = (records_dir / "rulers/tiny-direct.yaml").read_text()
    write(records_dir, "rulers/second.yaml", rulers.replace("id: tiny-direct", "id: second"))
    _, report = read_records_dir(records_dir)
    text = report.render()
    assert "repeats the measurement of 'tiny-1b.mmlu'" in text
    assert "exactly one current ruler must have default: true, found 2" in text


def test_validate_a_single_file_in_context(records_dir: Path) -> None:
    good = records_dir / "scores" / "tiny-2b.yaml"
    code, output = run_validate(str(good))
    assert code == 0, output
    bad = write(
        records_dir,
        "scores/tiny-4b.yaml",
        (records_dir / "scores/tiny-4b.yaml").read_text().replace("value: 70.0", "value: 170.0"),
    )
    code, output = run_validate(str(bad), str(good))
    assert code == 1
    assert "value: Input should be less than or equal to 100" in output
    assert output.count("\n") == 1


def test_output_formats(records_dir: Path) -> None:
    write(records_dir, "models/tiny-8b.yaml", MODEL_OK.replace("kind: base", "kind: huge"))
    code, output = run_validate(str(records_dir), "--format", "github")
    assert code == 1
    assert output.startswith("::error file=")
    assert "records/models/tiny-8b.yaml,line=9::model kind: Input should be" in output
    code, output = run_validate(str(records_dir), "--format", "json")
    assert '"kind": "schema"' in output


@pytest.mark.parametrize(
    "payload",
    [
        b"[" * 200_000,
        b"{a: " * 50_000,
        b"\xff" * 1000,
        b"- " * 100_000 + b"x",
        b"x: " + b"'" + b"a" * 1_000_000 + b"'",
        b"%YAML 9.9\n---\na: 1\n",
        b"!!map {? !!str a : !!python/tuple [1]}",
    ],
)
def test_hostile_input_never_tracebacks_or_hangs(tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "records" / "models" / "evil.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(payload)
    proc = subprocess.run(
        [sys.executable, "-m", "densing_cli.main", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stdout.startswith(
        str(path.resolve().relative_to(Path.cwd().resolve()))
        if path.resolve().is_relative_to(Path.cwd().resolve())
        else str(path)
    )


def test_missing_path_is_reported(tmp_path: Path) -> None:
    code, output = run_validate(str(tmp_path / "nope"))
    assert code == 1
    assert "no such file or directory" in output


KIND_FILES = {
    "benchmark": ("benchmarks/mmlu.yaml", "  metric: accuracy\n"),
    "model": ("models/tiny-1b.yaml", "  kind: base\n"),
    "score": ("scores/tiny-1b.yaml", "  value: 40.0\n"),
    "ruler": ("rulers/tiny-direct.yaml", "  default: true\n"),
}


@pytest.mark.parametrize("kind", sorted(KIND_FILES))
def test_every_kind_refuses_unknown_keys_with_the_line(records_dir: Path, kind: str) -> None:
    rel, anchor = KIND_FILES[kind]
    path = records_dir / rel
    text = path.read_text()
    assert anchor in text
    path.write_text(text.replace(anchor, anchor + "  surprise: 1\n", 1))
    line = text[: text.index(anchor) + len(anchor)].count("\n") + 1
    _, report = read_records_dir(records_dir)
    in_file = [p.as_text() for p in report.sorted() if p.path == f"records/{rel}"]
    assert in_file == [f"records/{rel}:{line}: {kind} surprise: Extra inputs are not permitted (got 1)"]


def test_reference_records_are_checked(records_dir: Path) -> None:
    write(
        records_dir,
        "references/tiny-direct/ref-1b.yaml",
        """schema_version: 1
records:
- id: tiny-direct.ref-1b
  ruler: tiny-direct
  benchmark: mmlu
  reference_model: {name: ref-1b, params: 1000000000, params_definition: total,
                    training_tokens: 20000000000, final: true}
  loss: 1.2
  provenance: {kind: third_party}
  recorded: 2026-11-23
""",
    )
    _, report = read_records_dir(records_dir)
    text = report.render()
    assert (
        "references/tiny-direct/ref-1b.yaml:3: reference record: Value error, loss and loss_unit go together"
        in text
    )


def test_links_fifos_and_huge_files_are_refused_without_reading_them(
    records_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    import densing_data.strict_yaml as strict_yaml

    os.symlink("/etc/hostname", records_dir / "models" / "linked.yaml")
    os.mkfifo(records_dir / "models" / "pipe.yaml")
    monkeypatch.setattr(strict_yaml, "MAX_BYTES", 1000)
    write(records_dir, "models/big.yaml", "# " + "x" * 5000 + "\n")
    _, report = read_records_dir(records_dir)
    text = report.render()
    assert "records/models/linked.yaml:0: not a regular file" in text
    assert "records/models/pipe.yaml:0: not a regular file" in text
    assert "records/models/big.yaml:0: file is larger than" in text
