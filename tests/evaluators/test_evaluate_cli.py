"""``densing evaluate`` end to end on a tiny model: records through the store, numbers against brute force."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import densing_data
from densing_cli.main import cli
from tests.evaluators.conftest import RULER, write_jsonl


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["evaluate", *args, "--no-progress"], catch_exceptions=False)


def reference_args(model_dir: Path, data: Path, out: Path, records: Path) -> list[str]:
    return [
        "--model",
        str(model_dir),
        "--task",
        "mmlu",
        "--data",
        str(data),
        "--shots",
        "2",
        "--out",
        str(out),
        "--ruler",
        RULER,
        "--reference-name",
        "DensingLaw s1",
        "--training-tokens",
        "20000000000",
        "--checkpoint",
        "step-1000",
        "--final",
        "--records",
        str(records),
    ]


def test_reference_record_holds_loss_params_and_provenance(
    model_dir: Path, mmlu_file: Path, eval_records: Path, tmp_path: Path, loaded
) -> None:
    out = tmp_path / "out.json"
    result = run(*reference_args(model_dir, mmlu_file, out, eval_records))
    assert result.exit_code == 0, result.output
    assert "12 items: loss" in result.output
    data = json.loads(out.read_text())
    items = data["items"]
    assert len(items) == 12 and data["summary"]["items"] == 12
    # the paper's definition: per-item mean over answer tokens, then the mean over items
    assert math.isclose(data["summary"]["loss"], sum(i["nll_sum"] / i["answer_tokens"] for i in items) / 12)
    assert math.isclose(
        data["summary"]["loss_token_weighted"],
        sum(i["nll_sum"] for i in items) / sum(i["answer_tokens"] for i in items),
    )
    refs = densing_data.load(eval_records).references
    mine = refs[refs["id"] == f"{RULER}.densinglaw-s1.mmlu"]
    assert len(mine) == 1
    row = mine.iloc[0]
    assert row["reference_model_params"] == sum(p.numel() for p in loaded.model.parameters())
    assert row["reference_model_training_tokens"] == 20_000_000_000
    assert row["reference_model_checkpoint"] == "step-1000" and bool(row["reference_model_final"])
    assert math.isclose(row["loss"], data["summary"]["loss"], rel_tol=1e-6)
    assert row["loss_unit"] == "nats_per_token" and row["item_count"] == 12 and row["shots"] == 2
    assert row["score"] == pytest.approx(data["summary"]["accuracy"], abs=1e-3)
    assert row["provenance_kind"] == "evaluator" and row["provenance_dtype"] == "fp32"
    assert "CPU" in row["provenance_hardware"] and "per item" in row["loss_definition"]
    assert not (tmp_path / "out.json.partial").exists()  # cache removed once the record is written


def test_item_losses_match_an_independent_brute_force(
    model_dir: Path, mmlu_file: Path, tmp_path: Path, loaded
) -> None:
    """Recompute every item's loss from the texts with a plain forward pass over the full sequence."""
    from evaluators.scoring import reference_nll
    from evaluators.tasks.items import read_task_file
    from evaluators.tasks.tasks import build_prompts, get_task

    out = tmp_path / "out.json"
    args = ["--model", str(model_dir), "--task", "mmlu", "--data", str(mmlu_file), "--shots", "2"]
    assert run(*args, "--out", str(out), "--no-record").exit_code == 0
    found = {i["id"]: i for i in json.loads(out.read_text())["items"]}
    tok = loaded.tokenizer
    for prompt in build_prompts(get_task("mmlu"), read_task_file(mmlu_file), shots=2):
        context = [
            tok.bos_token_id,
            *tok.encode(prompt.prefix + prompt.instruction, add_special_tokens=False),
        ]
        answer = tok.encode(prompt.answer, add_special_tokens=False)
        expected = reference_nll(loaded.model, context + answer, len(answer))
        assert found[prompt.id]["answer_tokens"] == len(answer)
        assert math.isclose(found[prompt.id]["nll_sum"], expected, rel_tol=1e-5, abs_tol=1e-4), prompt.id
        logliks = [
            -reference_nll(loaded.model, context_c + choice_ids, len(choice_ids))
            for context_c in [
                [
                    tok.bos_token_id,
                    *tok.encode(prompt.choice_prefix + prompt.instruction, add_special_tokens=False),
                ]
            ]
            for choice_ids in [tok.encode(c, add_special_tokens=False) for c in prompt.choices]
        ]
        assert found[prompt.id]["predicted"] == max(range(4), key=lambda i: (logliks[i], -i))


def test_rerun_after_success_writes_nothing_twice(
    model_dir: Path, mmlu_file: Path, eval_records: Path, tmp_path: Path
) -> None:
    args = reference_args(model_dir, mmlu_file, tmp_path / "out.json", eval_records)
    assert run(*args).exit_code == 0
    again = run(*args)
    assert again.exit_code == 0 and "exists already: nothing to do" in again.output
    refs = densing_data.load(eval_records).references
    assert (refs["id"] == f"{RULER}.densinglaw-s1.mmlu").sum() == 1


def test_score_record_for_a_multiple_choice_task(
    model_dir: Path, mmlu_file: Path, eval_records: Path, tmp_path: Path
) -> None:
    result = run(
        "--model",
        str(model_dir),
        "--task",
        "mmlu",
        "--data",
        str(mmlu_file),
        "--shots",
        "2",
        "--out",
        str(tmp_path / "o.json"),
        "--as-score",
        "--model-id",
        "tiny-1b",
        "--source-url",
        "https://github.com/example/pr/1",
        "--records",
        str(eval_records),
    )
    assert result.exit_code == 0, result.output
    scores = densing_data.load(eval_records).scores
    row = scores[scores["id"] == "tiny-1b.mmlu.densing-eval-2shot"].iloc[0]
    assert row["metric"] == "acc" and row["shots"] == 2 and row["protocol"] == "densing-eval-loglik"
    assert 0.0 <= row["value"] <= 100.0 and row["provenance_kind"] == "evaluator"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--ruler", "no-such-ruler", "--reference-name", "x", "--training-tokens", "1", "--final"],
            "needs a current ruler record 'no-such-ruler'",
        ),
        (["--ruler", RULER], "also needs --reference-name, --training-tokens, --final/--intermediate"),
        ([], "say what to record"),
        (
            ["--as-score", "--model-id", "nobody", "--source-url", "https://x.org"],
            "needs a current model record 'nobody'",
        ),
    ],
)
def test_record_problems_are_clear_before_any_work(
    model_dir: Path, mmlu_file: Path, eval_records: Path, tmp_path: Path, extra: list[str], message: str
) -> None:
    result = run(
        "--model",
        str(model_dir),
        "--task",
        "mmlu",
        "--data",
        str(mmlu_file),
        "--out",
        str(tmp_path / "o.json"),
        "--records",
        str(eval_records),
        *extra,
    )
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "o.json").exists()


def test_score_needs_a_multiple_choice_task(model_dir: Path, eval_records: Path, tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "math.jsonl", [{"id": "m", "question": "1+1?", "solution": "2"}])
    result = run(
        "--model",
        str(model_dir),
        "--task",
        "math",
        "--data",
        str(data),
        "--as-score",
        "--model-id",
        "tiny-1b",
        "--source-url",
        "https://x.org",
        "--records",
        str(eval_records),
    )
    assert result.exit_code == 1 and "not multiple choice" in result.output


def test_malformed_task_file_is_a_clean_error_naming_file_and_line(model_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text(
        '{"id": "a", "question": "Q", "solution": "S"}\n{"id": "b", "question": \n', encoding="utf-8"
    )
    result = run(
        "--model",
        str(model_dir),
        "--task",
        "math",
        "--data",
        str(data),
        "--shots",
        "0",
        "--out",
        str(tmp_path / "o.json"),
        "--no-record",
    )
    assert result.exit_code == 1
    assert f"{data}:2: not valid JSON" in result.output and "Traceback" not in result.output


def test_generative_task_without_prefix_runs_and_has_no_accuracy(
    model_dir: Path, eval_records: Path, tmp_path: Path
) -> None:
    from evaluators.tasks.sources import humaneval_rows

    problems = {
        "HumanEval/0": {
            "task_id": "HumanEval/0",
            "prompt": 'def f(x):\n    """Add one."""\n',
            "canonical_solution": "    return x + 1\n",
        }
    }
    data = write_jsonl(tmp_path / "he.jsonl", [row for _, row in humaneval_rows(problems)])
    result = run(
        "--model",
        str(model_dir),
        "--task",
        "humaneval",
        "--data",
        str(data),
        "--out",
        str(tmp_path / "o.json"),
        "--ruler",
        RULER,
        "--reference-name",
        "s2",
        "--training-tokens",
        "5",
        "--intermediate",
        "--records",
        str(eval_records),
    )
    assert result.exit_code == 0, result.output
    refs = densing_data.load(eval_records).references
    row = refs[refs["id"] == f"{RULER}.s2.humaneval"].iloc[0]
    assert row["shots"] == 0 and not bool(row["reference_model_final"])
    assert row["score"] is None or str(row["score"]) == "<NA>" or math.isnan(row["score"])


def test_score_run_refuses_items_without_options_before_loading_the_model(
    eval_records: Path, tmp_path: Path
) -> None:
    data = write_jsonl(tmp_path / "p.jsonl", [{"id": "a", "instruction": "Q?\nAnswer:", "answer": " A."}])
    result = run(
        "--model",
        str(tmp_path / "no-model-here"),
        "--task",
        "mmlu",
        "--data",
        str(data),
        "--shots",
        "0",
        "--as-score",
        "--model-id",
        "tiny-1b",
        "--source-url",
        "https://x.org",
        "--records",
        str(eval_records),
        "--out",
        str(tmp_path / "o.json"),
    )
    assert result.exit_code == 1
    assert f"{data}:1: item 'a' has no options" in result.output
