"""Issue 19, bad input to the evaluators: a folder that is not a model, a truncated
``model.safetensors``, a model without tokenizer files, an unwritable ``--out``, an lm-eval file that
is not UTF-8. Each ends in one message naming the path and the problem, exit 1, no traceback.

The models are the tiny Llama of ``conftest.model_dir`` (built in code, saved with
``save_pretrained``), copied and then broken the way a bad download or a wrong path breaks them.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from densing_cli.main import cli
from evaluators.engine.modeling import ModelLoadError, check_model_folder, check_safetensors
from evaluators.runner import check_output


def evaluate(model: Path, data: Path, out: Path) -> Result:
    args = ["evaluate", "--model", str(model), "--task", "mmlu", "--data", str(data), "--shots", "2"]
    result = CliRunner().invoke(
        cli, [*args, "--out", str(out), "--no-record", "--no-progress"], catch_exceptions=False
    )
    assert "Traceback" not in result.output
    return result


def broken_copy(model_dir: Path, tmp_path: Path, name: str = "model") -> Path:
    target = tmp_path / name
    shutil.copytree(model_dir, target)
    return target


def truncate(path: Path, keep: int) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:keep])


def test_a_folder_that_is_not_a_model(tmp_path: Path, mmlu_file: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "readme.txt").write_text("not a model\n")
    started = time.perf_counter()
    result = evaluate(folder, mmlu_file, tmp_path / "out.json")
    assert result.exit_code == 1, result.output
    assert f"Error: {folder} is not a model folder: it has no config.json" in result.stderr
    assert time.perf_counter() - started < 30  # refused before anything is loaded
    assert not (tmp_path / "out.json").exists()


def test_a_config_without_model_type(model_dir: Path, tmp_path: Path, mmlu_file: Path) -> None:
    model = broken_copy(model_dir, tmp_path)
    (model / "config.json").write_text('{"hidden_size": 8}', encoding="utf-8")
    result = evaluate(model, mmlu_file, tmp_path / "out.json")
    assert result.exit_code == 1
    assert f"{model / 'config.json'} names no model_type" in result.stderr


@pytest.mark.parametrize("where", ["header", "tensors"])
def test_a_truncated_safetensors_file(model_dir: Path, tmp_path: Path, mmlu_file: Path, where: str) -> None:
    model = broken_copy(model_dir, tmp_path)
    weights = model / "model.safetensors"
    size = weights.stat().st_size
    truncate(weights, 100 if where == "header" else size * 9 // 10)
    result = evaluate(model, mmlu_file, tmp_path / "out.json")
    assert result.exit_code == 1, result.output
    assert f"Error: {weights} is truncated" in result.stderr, result.stderr
    if where == "tensors":
        assert f"the file holds {size * 9 // 10:,}" in result.stderr


def test_the_whole_safetensors_file_passes_the_check(model_dir: Path) -> None:
    check_safetensors(model_dir / "model.safetensors")
    check_model_folder(str(model_dir))


def test_a_model_without_tokenizer_files(model_dir: Path, tmp_path: Path, mmlu_file: Path) -> None:
    model = broken_copy(model_dir, tmp_path)
    for path in model.iterdir():
        if path.name.startswith(("tokenizer", "special_tokens", "vocab", "merges")):
            path.unlink()
    result = evaluate(model, mmlu_file, tmp_path / "out.json")
    assert result.exit_code == 1
    assert f"Error: {model} has no tokenizer files" in result.stderr


def test_a_damaged_tokenizer_is_reported_from_the_loader(
    model_dir: Path, tmp_path: Path, mmlu_file: Path
) -> None:
    model = broken_copy(model_dir, tmp_path)
    (model / "tokenizer.json").write_text('{"version": "1.0", "model": 42}', encoding="utf-8")
    result = evaluate(model, mmlu_file, tmp_path / "out.json")
    assert result.exit_code == 1, result.output
    assert f"Error: cannot load the tokenizer of '{model}':" in result.stderr, result.stderr


def test_an_unwritable_out_is_reported_as_what_it_is(
    model_dir: Path, tmp_path: Path, mmlu_file: Path
) -> None:
    blocker = tmp_path / "results"
    blocker.write_text("a file where a folder should be\n")
    out = blocker / "run" / "out.json"
    started = time.perf_counter()
    result = evaluate(model_dir, mmlu_file, out)
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == f"Error: cannot write results to {out}: {blocker} is a file, not a folder"
    assert "cannot load model" not in result.output
    assert time.perf_counter() - started < 30  # refused before the model is loaded


def test_check_output_creates_missing_folders_and_refuses_a_folder(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "out.json"
    check_output(out)
    assert out.parent.is_dir() and not out.exists() and not list(out.parent.iterdir())
    with pytest.raises(Exception, match="it is a folder"):
        check_output(tmp_path / "a")


def test_a_hub_id_is_left_to_the_loader() -> None:
    check_model_folder("example/tiny-1b")  # not a local path: nothing to check here
    with pytest.raises(ModelLoadError, match="is a file, not a model folder"):
        check_model_folder(__file__)


def test_import_lm_eval_on_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    bad = tmp_path / "results.json"
    bad.write_bytes(b'{"results": {"mmlu": {"acc,none": 0.5}}, "note": "\xff\xfe"}')
    result = CliRunner().invoke(
        cli,
        ["import-lm-eval", str(bad), "--model", "tiny-1b", "--source-url", "https://example.org/r"],
        catch_exceptions=False,
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    at = bad.read_bytes().index(b"\xff") + 1
    assert result.stderr.strip() == (
        f"Error: {bad}: not UTF-8 text (byte {at} is 0xff): an lm-eval results file is JSON written in UTF-8"
    )
