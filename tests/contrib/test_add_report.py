"""``densing add report FILE``: a model and its scores from one report, appended as one group."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from densing_data.loader import load
from tests.contrib.conftest import REAL_ROOT, run_cli, shown

TEMPLATE = REAL_ROOT / "docs" / "templates" / "new-model.yaml"


def snapshot(records: Path) -> dict[str, bytes]:
    return {str(p.relative_to(records)): p.read_bytes() for p in sorted(records.rglob("*.yaml"))}


def add_report(records: Path, path: Path, *extra: str) -> tuple[int, str, str]:
    result = run_cli("add", "report", str(path), "--records", str(records), *extra)
    return result.exit_code, result.stdout + result.stderr, shown(result)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "report.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


NEW_MODEL = """\
    source: {url: "https://example.org/tiny-8b-report"}
    protocol: example-report
    provenance: developer
    provenance_by: Tiny lab
    recorded: 2026-11-29
    model:
      id: tiny-8b
      name: Tiny-8B
      family: Tiny
      organization: Tiny lab
      release_date: 2026-10-01
      params_total: 8.03B
      training_tokens: 2T
      kind: base
      sources:
        release_date: {url: "https://example.org/tiny-8b", locator: "announcement"}
    scores:
      - [mmlu, 61.5, 5, null, Table 2]
      - {benchmark: mmlu, value: 58.0, shots: 0, cot: false, locator: Table 3, metric: acc}
"""


def test_the_shipped_template_adds_its_model_and_scores(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(REAL_ROOT / "densing_data" / "records" / "benchmarks", records / "benchmarks")
    code, out, info = add_report(records, TEMPLATE, "--dry-run")
    assert code == 0, info
    assert "would add model 'qwen3-8b-base' and 5 score(s)" in out and "value: 76.89" in out
    assert not (records / "models").exists()
    code, out, info = add_report(records, TEMPLATE)
    assert code == 0, info
    ds = load(records)
    model = ds.models.set_index("id").loc["qwen3-8b-base"]
    assert model["params_total"] == 8 * 10**9 and model["training_tokens"] == 36 * 10**12
    scores = ds.scores.set_index("id")
    assert sorted(scores.index) == [
        "qwen3-8b-base.bbh.3shot.qwen3-report",
        "qwen3-8b-base.gsm8k.4shot.qwen3-report",
        "qwen3-8b-base.math.4shot.qwen3-report",
        "qwen3-8b-base.mbpp.3shot.qwen3-report",
        "qwen3-8b-base.mmlu.5shot.qwen3-report",
    ]
    bbh = scores.loc["qwen3-8b-base.bbh.3shot.qwen3-report"]
    assert (bbh["value"], bbh["shots"], bool(bbh["cot"])) == (78.4, 3, True)
    assert bbh["source_url"] == "https://arxiv.org/abs/2505.09388"
    assert bbh["source_locator"] == "Table 6 (base models)"
    assert bbh["provenance_kind"] == "developer" and bbh["protocol"] == "qwen3-report"
    again = add_report(records, TEMPLATE)
    assert again[0] == 1 and "model 'qwen3-8b-base' is already recorded" in again[1], again[2]


def test_a_new_model_with_list_and_mapping_rows(records_dir: Path, tmp_path: Path) -> None:
    code, out, info = add_report(records_dir, write(tmp_path, NEW_MODEL))
    assert code == 0, info
    assert "added model 'tiny-8b' and 2 score(s)" in out
    scores = load(records_dir).scores.set_index("id")
    assert scores.loc["tiny-8b.mmlu.5shot.example-report", "value"] == 61.5
    zero = scores.loc["tiny-8b.mmlu.0shot.example-report"]
    assert zero["metric"] == "acc" and not bool(zero["cot"]) and zero["source_locator"] == "Table 3"
    assert str(zero["recorded"])[:10] == "2026-11-29"


def test_scores_for_an_existing_model(records_dir: Path, tmp_path: Path) -> None:
    text = """\
        source: https://example.org/evals
        protocol: third-party-evals
        provenance: third_party
        provenance_by: Example evals
        model: tiny-2b
        scores:
          - [mmlu, 52.5, 5, false, results table]
    """
    code, out, info = add_report(records_dir, write(tmp_path, text))
    assert code == 0, info
    assert "added 1 score(s) for 'tiny-2b'" in out
    assert "tiny-2b.mmlu.5shot.third-party-evals" in set(load(records_dir).scores["id"])


def test_every_problem_is_named_by_line_and_nothing_is_written(records_dir: Path, tmp_path: Path) -> None:
    before = snapshot(records_dir)
    text = NEW_MODEL.replace("params_total: 8.03B", "params_total: 8.03Q").replace(
        "      - {benchmark: mmlu",
        "      - [nosuch, 40.0, 5, null, Table 9]\n      - [mmlu, 150, 5]\n      - [mmlu, 150, 5, null, x]\n"
        "      - {benchmark: mmlu",
    )
    path = write(tmp_path, text)
    code, out, info = add_report(records_dir, path)
    assert code == 1, info
    lines = text.splitlines()

    def line_of(fragment: str) -> int:
        return next(i for i, t in enumerate(lines, 1) if fragment in t)

    assert f"{path}:{line_of('params_total')}: model params_total: '8.03Q' is not a count" in out, info
    assert f"{path}:{line_of('nosuch')}: benchmark 'nosuch' is not recorded" in out, info
    assert f"{path}:{line_of('[mmlu, 150, 5]')}: a score row has 5 cells" in out, info
    assert f"{path}:{line_of('[mmlu, 150, 5, null, x]')}: score value: Input should be less than" in out, info
    assert "nothing added from" in out and "Traceback" not in out
    assert snapshot(records_dir) == before


def test_the_group_is_all_or_nothing(records_dir: Path, tmp_path: Path) -> None:
    before = snapshot(records_dir)
    row = "      - [mmlu, 61.5, 5, null, Table 2]\n"
    text = NEW_MODEL.replace(row, row + row)  # the same number twice: the store refuses the group
    code, out, info = add_report(records_dir, write(tmp_path, text))
    assert code == 1, info
    assert "repeats the measurement of 'tiny-8b.mmlu.5shot.example-report'" in out, info
    assert snapshot(records_dir) == before  # the model was not added either


def test_the_worked_example_in_contributing_is_valid(tmp_path: Path) -> None:
    text = (REAL_ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("Adding a newly released model", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    records = tmp_path / "records"
    shutil.copytree(REAL_ROOT / "densing_data" / "records" / "benchmarks", records / "benchmarks")
    code, out, info = add_report(records, path, "--dry-run")
    assert code == 0, info
    assert "would add model 'qwen3-8b-base' and 3 score(s)" in out
