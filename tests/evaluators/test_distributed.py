"""Two ranks under torchrun (gloo, CPU), scoring packed, give the same per-item losses as one process
scoring unpacked."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import densing_data
from densing_cli.main import cli
from tests.evaluators.conftest import RULER

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_two_ranks_match_one_process_and_write_one_record(
    model_dir: Path, mmlu_file: Path, eval_records: Path, tmp_path: Path
) -> None:
    common = [
        "evaluate",
        "--model",
        str(model_dir),
        "--task",
        "mmlu",
        "--data",
        str(mmlu_file),
        "--shots",
        "2",
        "--batch-tokens",
        "600",
        "--no-progress",
    ]
    single = tmp_path / "single.json"
    assert CliRunner().invoke(cli, [*common, "--out", str(single), "--no-record"]).exit_code == 0

    multi = tmp_path / "multi.json"
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc_per_node",
            "2",
            "-m",
            "tests.evaluators.packed_evaluate",  # the CLI, packing on CPU too
            *common,
            "--out",
            str(multi),
            "--ruler",
            RULER,
            "--reference-name",
            "s4",
            "--training-tokens",
            "9",
            "--final",
            "--records",
            str(eval_records),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("12 items: loss") == 1  # rank 0 alone reports and records

    one = {i["id"]: i for i in json.loads(single.read_text())["items"]}
    two = json.loads(multi.read_text())
    assert two["hardware"].startswith("2x CPU")
    assert two["run"]["padded_tokens"] == two["run"]["forwarded_tokens"]  # packed: nothing padded
    assert sorted(one) == sorted(i["id"] for i in two["items"])
    for item in two["items"]:
        ref = one[item["id"]]
        assert item["answer_tokens"] == ref["answer_tokens"]
        assert math.isclose(item["nll_sum"], ref["nll_sum"], rel_tol=1e-5, abs_tol=1e-4)
        for a, b in zip(item["choice_logliks"], ref["choice_logliks"], strict=True):
            assert math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-4)
    refs = densing_data.load(eval_records).references
    assert (refs["id"] == f"{RULER}.s4.mmlu").sum() == 1
    assert not multi.with_name("multi.json.partial").exists()
