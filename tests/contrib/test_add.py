"""``densing add model`` / ``densing add score``: valid records from flags, clean refusals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from densing_data.loader import load
from densing_data.validate import read_records_dir
from tests.contrib.conftest import run_cli, shown

MODEL_FLAGS = [
    "--id",
    "qwen2.5-7b",
    "--name",
    "Qwen2.5-7B",
    "--family",
    "Qwen2.5",
    "--organization",
    "Alibaba Qwen",
    "--release-date",
    "2024-09-19",
    "--release-date-source-url",
    "https://qwenlm.github.io/blog/qwen2.5/",
    "--params-total",
    "7.61B",
    "--training-tokens",
    "18T",
    "--kind",
    "base",
    "--hf-repo",
    "Qwen/Qwen2.5-7B",
    "--link",
    "Model card=https://huggingface.co/Qwen/Qwen2.5-7B",
]
SCORE_FLAGS = [
    "--model",
    "tiny-1b",
    "--benchmark",
    "mmlu",
    "--value",
    "0.4512",
    "--fraction",
    "--shots",
    "5",
    "--protocol",
    "lm-eval-0.4",
    "--source-url",
    "https://example.org/run",
    "--source-locator",
    "results.json",
    "--provenance",
    "third_party",
    "--provenance-by",
    "Example evals",
    "--recorded",
    "2026-11-23",
]


def add(records: Path, kind: str, *flags: str) -> tuple[int, str, str]:
    result = run_cli("add", kind, "--records", str(records), *flags)
    return result.exit_code, result.stdout + result.stderr, shown(result)


def snapshot(records: Path) -> dict[str, bytes]:
    return {str(p.relative_to(records)): p.read_bytes() for p in sorted(records.rglob("*.yaml"))}


def test_add_model_writes_a_valid_record(records_dir: Path) -> None:
    code, out, info = add(records_dir, "model", *MODEL_FLAGS)
    assert code == 0, info
    assert "added model 'qwen2.5-7b' revision 1 to records/models/qwen2.5-7b.yaml" in out
    models = load(records_dir).models.set_index("id")
    row = models.loc["qwen2.5-7b"]
    assert row["params_total"] == 7_610_000_000 and row["training_tokens"] == 18 * 10**12
    assert row["release_date"] == dt.datetime(2024, 9, 19)
    assert row["sources_release_date_url"] == "https://qwenlm.github.io/blog/qwen2.5/"
    assert row["links"] == [{"label": "Model card", "url": "https://huggingface.co/Qwen/Qwen2.5-7B"}]
    assert pd_isna(row["params_active"])


def pd_isna(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_add_score_converts_a_fraction_and_picks_an_id(records_dir: Path) -> None:
    code, out, info = add(records_dir, "score", *SCORE_FLAGS)
    assert code == 0, info
    assert "added score 'tiny-1b.mmlu.lm-eval-0.4' revision 1" in out
    code, out, info = add(records_dir, "score", *SCORE_FLAGS[:5], "0.47", *SCORE_FLAGS[6:])
    assert code == 0, info
    assert "added score 'tiny-1b.mmlu.lm-eval-0.4-2'" in out
    scores = load(records_dir).scores.set_index("id")
    row = scores.loc["tiny-1b.mmlu.lm-eval-0.4"]
    assert row["value"] == pytest.approx(45.12)
    assert row["provenance_kind"] == "third_party" and row["source_locator"] == "results.json"
    assert pd_isna(row["cot"])  # not given: unstated, not False


def test_missing_flags_are_named_and_nothing_is_written(records_dir: Path) -> None:
    before = snapshot(records_dir)
    code, out, info = add(records_dir, "model", "--id", "x-1b", "--name", "X")
    assert code == 2, info
    assert (
        "a new model needs --family, --organization, --release-date, --release-date-source-url, "
        "--params-total, --kind" in out
    )
    code, out, info = add(
        records_dir, "score", "--model", "tiny-1b", "--benchmark", "mmlu", "--value", "45", "--protocol", "x"
    )
    assert code == 2, info
    assert "a new score needs --source-url, --provenance" in out
    assert "Traceback" not in out
    assert snapshot(records_dir) == before


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--params-total", "7.6X"], "'7.6X' is not a count"),
        (["--release-date", "19/09/2024"], "Invalid value for '--release-date'"),
        (["--kind", "giant"], "Invalid value for '--kind'"),
        (["--link", "no-equals-sign"], "'no-equals-sign' is not LABEL=URL"),
        # issue 19: counts that overflow, are not finite or are not counts at all
        (["--params-total", "99999999999T"], "'99999999999T' is above 1,000,000,000,000,000 (1,000T)"),
        (["--params-total", "infT"], "'infT' is not a count (expected e.g. 7241732096, 7.24B"),
        (["--params-total", "nanB"], "'nanB' is not a count"),
        (["--params-total", "-7B"], "'-7B' is not a count"),
        (["--params-total", "0"], "'0' is not a positive count"),
        (["--training-tokens", "200000T"], "'200000T' is above 100,000,000,000,000,000 (100,000T)"),
        # issue 19: a release date after today, a control character in a name
        (
            ["--release-date", "2099-12-31"],
            "--release-date 2099-12-31: Value error, 2099-12-31 is after today",
        ),
        (["--name", "Qwen\u202e2.5"], "contains U+202E RIGHT-TO-LEFT OVERRIDE at character 5"),
    ],
)
def test_bad_flag_values_are_refused_cleanly(records_dir: Path, flags: list[str], message: str) -> None:
    before = snapshot(records_dir)
    values = dict(zip(MODEL_FLAGS[::2], MODEL_FLAGS[1::2], strict=True)) | dict(
        zip(flags[::2], flags[1::2], strict=True)
    )
    code, out, info = add(records_dir, "model", *[x for pair in values.items() for x in pair])
    assert code == 2, info
    assert message in out, info
    assert "Traceback" not in out
    assert snapshot(records_dir) == before


def test_bad_values_name_the_flag_and_the_value(records_dir: Path) -> None:
    before = snapshot(records_dir)
    bad_id = ["--id", "Qwen2.5", *MODEL_FLAGS[2:]]
    code, out, info = add(records_dir, "model", *bad_id)
    assert code == 2, info
    assert "--id Qwen2.5: String should match pattern" in out, info
    assert "<new model record" not in out
    code, out, info = add(records_dir, "score", *["nobody-7b" if f == "tiny-1b" else f for f in SCORE_FLAGS])
    assert code == 2, info
    assert "--model nobody-7b: no model has this id (add it first with `densing add model`)" in out, info
    code, out, info = add(records_dir, "score", *SCORE_FLAGS[:-2], "--source-url", "ftp://x")
    assert code == 2, info
    assert "--source-url ftp://x: Value error, must be an http(s) URL" in out, info
    no_fraction = [f for f in SCORE_FLAGS if f != "--fraction"]
    no_fraction[no_fraction.index("0.4512")] = "150"
    code, out, info = add(records_dir, "score", *no_fraction)
    assert code == 2, info
    assert "--value 150.0: Input should be less than or equal to 100" in out, info
    code, out, info = add(records_dir, "score", *SCORE_FLAGS[:-1], "2026-02-30")
    assert code == 2, info
    assert "Invalid value for '--recorded': 2026-02-30 is an impossible date" in out, info
    code, out, info = add(records_dir, "score", *SCORE_FLAGS[:-1], "30.02.2026")
    assert code == 2, info
    assert "'30.02.2026' is not a date written YYYY-MM-DD" in out, info
    assert "Traceback" not in out
    assert snapshot(records_dir) == before


def test_store_errors_show_each_warning_once(records_dir: Path) -> None:
    from densing_data.store import append_records

    waiting = {
        "id": "ladder",
        "name": "Ladder",
        "kind": "two-step",
        "description": "x",
        "benchmarks": ["mmlu"],
    }
    append_records("ruler", [waiting], records_dir=records_dir)
    before = snapshot(records_dir)
    code, out, info = add(records_dir, "score", *SCORE_FLAGS, "--id", "tiny-1b.mmlu")
    assert code == 1, info
    assert "duplicate score id 'tiny-1b.mmlu' revision 1" in out, info
    assert out.count("two-step ruler 'ladder' has no reference records") == 1, info
    assert snapshot(records_dir) == before


def test_supersede_appends_revision_two_and_keeps_revision_one(records_dir: Path) -> None:
    path = records_dir / "scores" / "tiny-1b.yaml"
    before = path.read_text()
    code, out, info = add(
        records_dir,
        "score",
        "--supersedes",
        "tiny-1b.mmlu",
        "--value",
        "40.5",
        "--correction-note",
        "Table 1 prints 40.5",
    )
    assert code == 0, info
    assert "added score 'tiny-1b.mmlu' revision 2" in out
    assert path.read_text().startswith(before)
    records, report = read_records_dir(records_dir)
    assert report.ok, report.render()
    head = records.heads("score")["tiny-1b.mmlu"].record
    assert (head.revision, head.value, head.correction_note) == (2, 40.5, "Table 1 prints 40.5")
    assert head.source.url == "https://example.org/report" and head.shots == 5  # unchanged fields kept
    assert head.recorded == dt.date.today()


def test_supersede_can_retract_and_needs_a_note(records_dir: Path) -> None:
    code, out, info = add(records_dir, "score", "--supersedes", "tiny-1b.mmlu", "--retract")
    assert code == 2, info
    assert "a correction needs --correction-note" in out
    code, out, info = add(
        records_dir,
        "score",
        "--supersedes",
        "tiny-1b.mmlu",
        "--model",
        "tiny-2b",
        "--correction-note",
        "wrong model",
    )
    assert code == 2, info
    assert "--model cannot be given with --supersedes" in out
    code, out, info = add(records_dir, "score", "--supersedes", "nope", "--correction-note", "x")
    assert code == 2, info
    assert "--supersedes nope: no score with that id" in out
    code, out, info = add(
        records_dir,
        "model",
        "--supersedes",
        "tiny-2b",
        "--retract",
        "--correction-note",
        "duplicate of tiny-1b",
    )
    assert code == 1, info  # the ruler still names tiny-2b: the store refuses, naming the ruler
    assert "ruler 'tiny-direct': model 'tiny-2b' does not name a current model record" in out
    code, out, info = add(
        records_dir,
        "model",
        "--supersedes",
        "tiny-2b",
        "--params-total",
        "2.1B",
        "--correction-note",
        "exact count from the model card",
    )
    assert code == 0, info
    assert load(records_dir).models.set_index("id").loc["tiny-2b", "params_total"] == 2_100_000_000


def test_correction_options_need_supersedes(records_dir: Path) -> None:
    code, out, info = add(records_dir, "model", *MODEL_FLAGS, "--correction-note", "why")
    assert code == 2, info
    assert "--correction-note and --retract go with --supersedes ID" in out
