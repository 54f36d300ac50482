"""lm-eval result files -> score records: mapping, metrics, percent, nothing dropped silently."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import densing_data
from densing_cli.main import cli
from densing_data.store import append_records
from evaluators.lm_eval_import import (
    ImportOptions,
    LmEvalImportError,
    harness_version,
    read_results,
    score_records,
    top_level_tasks,
)

FIXTURE = Path(__file__).parent / "fixtures" / "lm_eval_results.json"
OPTIONS = ImportOptions(
    model_id="tiny-1b",
    source_url="https://github.com/example/pr/7",
    task_map={},
    recorded=dt.date(2026, 11, 23),
)
EXTRA_BENCHMARKS = ["arc-challenge", "gsm8k", "hellaswag", "winogrande", "truthfulqa"]


def by_benchmark(records: list[dict]) -> dict[str, dict]:
    return {r["benchmark"]: r for r in records}


def test_top_level_tasks_leave_out_group_members() -> None:
    data = read_results(FIXTURE)
    assert sorted(top_level_tasks(data)) == [
        "arc_challenge",
        "gsm8k",
        "hellaswag",
        "mmlu",
        "truthfulqa_mc2",
        "winogrande",
    ]
    assert harness_version(data) == "0.4.5"


def test_records_carry_percent_metric_shots_and_settings() -> None:
    records = by_benchmark(score_records(FIXTURE, read_results(FIXTURE), OPTIONS))
    assert sorted(records) == sorted(["mmlu", *EXTRA_BENCHMARKS])
    mmlu = records["mmlu"]
    assert mmlu["value"] == pytest.approx(43.7961, abs=1e-4) and mmlu["metric"] == "acc"
    assert mmlu["shots"] == 5  # from the subtasks, as the group has no n-shot of its own
    assert mmlu["id"] == "tiny-1b.lm-eval.mmlu.5shot" and mmlu["protocol"] == "lm-eval-0.4.5"
    assert "lm-evaluation-harness 0.4.5 (git a1b2c3d)" in mmlu["protocol_notes"]
    assert "pretrained=example/tiny-1b,dtype=bfloat16" in mmlu["protocol_notes"]
    assert records["arc-challenge"]["metric"] == "acc_norm" and records["arc-challenge"]["shots"] == 25
    assert records["arc-challenge"]["value"] == pytest.approx(54.2662, abs=1e-4)
    assert records["arc-challenge"]["cot"] is False
    assert records["gsm8k"]["metric"] == "exact_match (strict-match)" and "cot" not in records["gsm8k"]
    assert records["winogrande"]["metric"] == "acc" and records["truthfulqa"]["shots"] == 0
    assert records["hellaswag"]["source"]["locator"] == "results['hellaswag']['acc_norm,none']"
    provenance = records["gsm8k"]["provenance"]
    assert provenance == {
        "kind": "third_party",
        "by": "lm-evaluation-harness 0.4.5",
        "evaluator_version": "0.4.5",
        "dtype": "bfloat16",
        "hardware": "GPU 0: NVIDIA A100-SXM4-80GB",
    }


def test_unknown_tasks_are_an_error_unless_mapped_or_skipped(tmp_path: Path) -> None:
    data = copy.deepcopy(read_results(FIXTURE))
    data["results"]["lambada_standard"] = {"acc,none": 0.6, "perplexity,none": 4.1}
    with pytest.raises(
        LmEvalImportError, match=r"no benchmark is known for lm-eval task\(s\) \['lambada_standard'\]"
    ):
        score_records(FIXTURE, data, OPTIONS)
    mapped = score_records(
        FIXTURE, data, ImportOptions(**{**OPTIONS.__dict__, "task_map": {"lambada_standard": "lambada"}})
    )
    assert by_benchmark(mapped)["lambada"]["value"] == 60.0
    skipped = score_records(
        FIXTURE, data, ImportOptions(**{**OPTIONS.__dict__, "skip": frozenset({"lambada_standard"})})
    )
    assert "lambada" not in by_benchmark(skipped)


def test_limited_runs_and_odd_values_are_refused() -> None:
    data = copy.deepcopy(read_results(FIXTURE))
    data["config"]["limit"] = 100
    with pytest.raises(LmEvalImportError, match="limit=100"):
        score_records(FIXTURE, data, OPTIONS)
    data = copy.deepcopy(read_results(FIXTURE))
    data["results"]["winogrande"]["acc,none"] = 74.0
    with pytest.raises(LmEvalImportError, match="writes fractions"):
        score_records(FIXTURE, data, OPTIONS)
    data["results"]["winogrande"] = {"bleu,none": 0.1}
    with pytest.raises(LmEvalImportError, match="--metric winogrande=KEY"):
        score_records(FIXTURE, data, OPTIONS)


def test_not_a_results_file(tmp_path: Path) -> None:
    bad = tmp_path / "r.json"
    bad.write_text('{"results": [1, 2]}', encoding="utf-8")
    with pytest.raises(LmEvalImportError, match="not an lm-evaluation-harness results file"):
        read_results(bad)


def with_nan(tmp_path: Path, task: str, field: str) -> Path:
    """The fixture with ``results[task][field]`` NaN, written as lm-eval writes it (bare ``NaN``)."""
    data = json.loads(FIXTURE.read_text())
    data["results"][task][field] = float("nan")
    path = tmp_path / f"nan-{task}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert "NaN" in path.read_text()
    return path


def test_nan_in_an_unused_stderr_field_does_not_reject_the_file(tmp_path: Path) -> None:
    path = with_nan(tmp_path, "winogrande", "acc_stderr,none")
    records = by_benchmark(score_records(path, read_results(path), OPTIONS))
    assert sorted(records) == sorted(["mmlu", *EXTRA_BENCHMARKS])
    assert records["winogrande"]["metric"] == "acc" and 0 < records["winogrande"]["value"] < 100


def test_nan_in_an_imported_value_names_file_task_and_field(tmp_path: Path) -> None:
    path = with_nan(tmp_path, "winogrande", "acc,none")
    with pytest.raises(LmEvalImportError) as err:
        score_records(path, read_results(path), OPTIONS)
    assert str(err.value).startswith(f"{path}: task 'winogrande' field 'acc,none' is nan, not a result")
    assert "--skip winogrande" in str(err.value)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["import-lm-eval", *args], catch_exceptions=False)


@pytest.fixture
def records_with_benchmarks(eval_records: Path) -> Path:
    append_records(
        "benchmark",
        [
            {
                "id": b,
                "name": b,
                "floor": 0.0,
                "metric": "accuracy",
                "citation": {"title": b, "url": "https://arxiv.org/abs/1"},
            }
            for b in EXTRA_BENCHMARKS
        ],
        records_dir=eval_records,
    )
    return eval_records


def test_cli_writes_score_records_through_the_store(records_with_benchmarks: Path) -> None:
    args = [
        str(FIXTURE),
        "--model",
        "tiny-1b",
        "--source-url",
        "https://github.com/example/pr/7",
        "--records",
        str(records_with_benchmarks),
    ]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert "6 score records appended" in result.output
    scores = densing_data.load(records_with_benchmarks).scores
    assert len(scores) == 6 and set(scores["provenance_kind"]) == {"third_party"}
    again = invoke(*args)
    assert again.exit_code == 1 and "duplicate score id" in again.output  # nothing written twice


def test_cli_names_the_nan_and_writes_nothing(records_with_benchmarks: Path, tmp_path: Path) -> None:
    path = with_nan(tmp_path, "hellaswag", "acc_norm,none")
    result = invoke(
        str(path),
        "--model",
        "tiny-1b",
        "--source-url",
        "https://x.org/r",
        "--records",
        str(records_with_benchmarks),
    )
    assert result.exit_code == 1, result.output
    assert f"{path}: task 'hellaswag' field 'acc_norm,none' is nan" in result.output
    assert "Traceback" not in result.output
    assert densing_data.load(records_with_benchmarks).scores.empty


def test_cli_dry_run_and_clean_errors(records_with_benchmarks: Path, tmp_path: Path) -> None:
    dry = invoke(
        str(FIXTURE),
        "--model",
        "tiny-1b",
        "--source-url",
        "https://x.org/r",
        "--dry-run",
        "--records",
        str(records_with_benchmarks),
    )
    assert dry.exit_code == 0 and "benchmark: arc-challenge" in dry.output
    assert densing_data.load(records_with_benchmarks).scores.empty
    other = json.loads(FIXTURE.read_text())
    other["config"]["model_args"] = "pretrained=someone/else-7b"
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(other), encoding="utf-8")
    result = invoke(
        str(wrong),
        "--model",
        "tiny-1b",
        "--source-url",
        "https://x.org/r",
        "--records",
        str(records_with_benchmarks),
    )
    assert result.exit_code == 1 and "are for 'someone/else-7b'" in result.output
    result = invoke(
        str(FIXTURE),
        "--model",
        "tiny-1b",
        "--source-url",
        "https://x.org/r",
        "--task-map",
        "oops",
        "--records",
        str(records_with_benchmarks),
    )
    assert result.exit_code == 1 and "--task-map expects TASK=VALUE" in result.output


def test_import_lm_eval_does_not_import_torch() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from densing_cli.main import cli; "
        "cli(['import-lm-eval', '--help'], standalone_mode=False);"
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
