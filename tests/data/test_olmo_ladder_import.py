"""The OLMo-ladder import: records built from a small upstream-shaped CSV into temporary records dirs."""

from __future__ import annotations

import csv
import hashlib
import itertools
from pathlib import Path

import pytest
from click.testing import CliRunner

import densing_data
from densing_data.importers import olmo_ladder
from densing_data.importers.olmo_ladder import (
    HELD_OUT_NOTE,
    INTERMEDIATE_BENCHMARKS,
    MAX_INTERMEDIATE_PER_RUN,
    import_ladder,
    thin_intermediates,
)
from densing_data.importers.olmo_ladder_csv import LadderCheckpoint, LadderCsvError
from densing_data.importers.olmo_ladder_tasks import MMLU_WEIGHTS, RC_BENCHMARKS
from densing_data.importers.sync import SyncError

FIXTURE = Path(__file__).parent / "fixtures" / "olmo_ladder_small.csv"
RC_IDS = {b.id for b in RC_BENCHMARKS}


def fixture_value(run: str, step: str, task: str, metric: str) -> float:
    with FIXTURE.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if (row["model"], row["step"], row["task"], row["metric"]) == (run, step, task, metric):
                return float(row["value"])
    raise AssertionError(f"no fixture row {run} {step} {task} {metric}")


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*.yaml"))
    }


def edited_fixture(tmp_path: Path, line: int, edit) -> Path:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = edit(lines[line - 1])
    path = tmp_path / "ladder.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def imported(records_dir: Path) -> densing_data.Dataset:
    import_ladder(FIXTURE, records_dir=records_dir)
    return densing_data.load(records_dir)


def refs(ds: densing_data.Dataset, run: str, benchmark: str | None = None):
    table = ds.references[ds.references["reference_model_name"] == run]
    return table if benchmark is None else table[table["benchmark"] == benchmark]


def test_benchmarks_and_ruler(imported: densing_data.Dataset) -> None:
    bench = imported.benchmarks.set_index("id")
    assert set(bench.index) >= RC_IDS
    assert bench.loc["piqa-rc", "floor"] == 50.0 and bench.loc["csqa-rc", "floor"] == 20.0
    assert bench.loc["mmlu-rc", "default_shots"] == 5
    assert "RC (cloze)" in bench.loc["hellaswag-rc", "description"]
    ruler = imported.rulers.set_index("id").loc["olmo-ladder"]
    assert ruler["kind"] == "two-step" and not ruler["default"]
    assert set(ruler["benchmarks"]) == RC_IDS
    assert "input token embedding" in ruler["description"] and "bits per byte" in ruler["description"]


def test_record_counts(imported: densing_data.Dataset) -> None:
    counts = imported.references.groupby("reference_model_name").size().to_dict()
    thinned = MAX_INTERMEDIATE_PER_RUN * len(INTERMEDIATE_BENCHMARKS)
    # 190M-1xC: final + thinned; 1.3B-10xC: final + 1 kept (step 1000 < 10%); 13B: final + 2 window rows.
    assert counts == {"190M-1xC": 10 + thinned, "1.3B-10xC": 10 + 3, "7B-4T": 10, "13B-5T": 30}


def test_mmlu_is_the_paper_weighted_mean(imported: densing_data.Dataset) -> None:
    row = refs(imported, "190M-1xC", "mmlu-rc").query("reference_model_final").iloc[0]
    bpb = {t: fixture_value("190M-1xC", "7272", t, "rc_bpb") for t in MMLU_WEIGHTS}
    acc = {t: fixture_value("190M-1xC", "7272", t, "rc_acc") for t in MMLU_WEIGHTS}
    assert row["loss"] == pytest.approx(sum(MMLU_WEIGHTS[t] * bpb[t] for t in bpb), rel=1e-6)
    assert row["score"] == pytest.approx(100 * sum(MMLU_WEIGHTS[t] * acc[t] for t in acc), rel=1e-6)
    assert row["loss"] != pytest.approx(sum(bpb.values()) / 4, rel=1e-4)  # weights matter here
    single = refs(imported, "190M-1xC", "hellaswag-rc").query("reference_model_final").iloc[0]
    assert single["score"] == pytest.approx(
        100 * fixture_value("190M-1xC", "7272", "hellaswag_val", "rc_acc")
    )
    assert single["loss_unit"] == "bits_per_byte" and single["shots"] == 5


def test_thinning_skips_first_tenth_and_spreads_evenly(imported: densing_data.Dataset) -> None:
    rows = refs(imported, "190M-1xC", "mmlu-rc").query("not reference_model_final")
    steps = sorted(int(c.removeprefix("step")) for c in rows["reference_model_checkpoint"])
    # Intermediate steps are 200, 400, ..., 7200 (final 7272): 800 is the first at >= 10% of the tokens.
    assert len(steps) == MAX_INTERMEDIATE_PER_RUN
    assert steps[0] == 800 and steps[-1] == 7200
    gaps = [b - a for a, b in itertools.pairwise(steps)]
    assert max(gaps) - min(gaps) <= 200
    assert refs(imported, "190M-1xC", "piqa-rc").shape[0] == 1  # finals only for other benchmarks


def _checkpoints(steps: list[int]) -> list[LadderCheckpoint]:
    return [LadderCheckpoint("x", 1, s * 10, s, False, "", 2) for s in steps]


def test_thin_intermediates_unit() -> None:
    items = _checkpoints(list(range(1, 101)))  # tokens 10..1000, final at 1000
    kept = thin_intermediates(items, 1000, 8, 0.1)
    assert [c.step for c in kept] == [10, 23, 36, 49, 61, 74, 87, 100]
    assert thin_intermediates(items[:12], 1000, 8, 0.1) == items[9:12]
    assert [c.step for c in thin_intermediates(items, 1000, 1, 0.1)] == [100]


def test_finals_and_held_out_targets(imported: densing_data.Dataset) -> None:
    final = refs(imported, "190M-1xC").query("reference_model_final")
    assert len(final) == 10 and set(final["reference_model_checkpoint"]) == {"step7272"}
    assert set(final["reference_model_training_tokens"]) == {3812622336}
    assert set(final["reference_model_params_definition"]) == {
        "all parameters except the input embedding (OLMo ladder N)"
    }
    assert not final["notes"].fillna("").str.startswith(HELD_OUT_NOTE).any()
    seven = refs(imported, "7B-4T")
    assert seven["reference_model_final"].all() and len(seven) == 10  # intermediates left out
    assert seven["notes"].str.startswith(HELD_OUT_NOTE).all()
    thirteen = refs(imported, "13B-5T")
    assert thirteen["notes"].str.startswith(HELD_OUT_NOTE).all()
    window = thirteen.query("not reference_model_final")
    assert set(window["reference_model_checkpoint"]) == {"step595000", "step596000"}
    big = refs(imported, "1.3B-10xC", "mmlu-rc").query("reference_model_final").iloc[0]
    assert big["id"] == "olmo-ladder.1.3b-10xc.final.mmlu-rc"
    assert big["source_locator"].endswith("ladder-runs/1B-10xC.csv, step 162694")
    assert big["path"].endswith("references/olmo-ladder/1.3b-10xc.yaml")


def test_rerun_changes_nothing(records_dir: Path) -> None:
    import_ladder(FIXTURE, records_dir=records_dir)
    before = snapshot(records_dir)
    plan = import_ladder(FIXTURE, records_dir=records_dir)
    assert plan.empty and plan.unchanged["reference"] == 87 and plan.new["reference"] == 0
    assert snapshot(records_dir) == before


def test_changed_value_needs_a_correction_note(records_dir: Path, tmp_path: Path) -> None:
    import_ladder(FIXTURE, records_dir=records_dir)
    before = snapshot(records_dir)
    line = next(
        i
        for i, text in enumerate(FIXTURE.read_text().splitlines(), 1)
        if text.startswith("olmo-ladder,190M-1xC,190354176,3812622336,7272,1,piqa_val,rc_acc,")
    )
    changed = edited_fixture(tmp_path, line, lambda t: t.replace(",rc_acc,0.", ",rc_acc,0.1"))
    with pytest.raises(
        SyncError, match=r"1 stored record\(s\) differ .*olmo-ladder\.190m-1xc\.final\.piqa-rc"
    ):
        import_ladder(changed, records_dir=records_dir)
    assert snapshot(records_dir) == before
    plan = import_ladder(changed, records_dir=records_dir, correction_note="Source value re-read.")
    assert plan.corrected["reference"] == 1 and plan.new["reference"] == 0
    row = densing_data.load(records_dir).references.set_index("id").loc["olmo-ladder.190m-1xc.final.piqa-rc"]
    assert row["revision"] == 2 and row["correction_note"] == "Source value re-read."


@pytest.mark.parametrize(
    ("line", "edit", "message"),
    [
        (5, lambda t: t.replace(",rc_acc,0.", ",rc_acc,x0."), "column 'value' must be a number"),
        (5, lambda t: t.rstrip("\n") + ",extra\n", "expected 12 columns, got 13"),
        (6, lambda t: t.replace("mmlu_social_sciences_test", "mmlu_social"), "unknown RC task 'mmlu_social'"),
        (6, lambda t: t.replace(",0,mmlu", ",2,mmlu"), "column 'final' must be 0 or 1"),
        (6, lambda t: t.replace(",rc_bpb,", ",rc_loss,"), "unknown metric 'rc_loss'"),
        (5, lambda t: t.replace(",rc_acc,0.", ",rc_acc,1."), "rc_acc is a fraction in [0, 1]"),
        (1, lambda t: t.replace("tokens", "toks"), "expected the header"),
    ],
)
def test_bad_row_names_file_and_line(
    records_dir: Path, tmp_path: Path, line: int, edit, message: str
) -> None:
    bad = edited_fixture(tmp_path, line, edit)
    before = snapshot(records_dir)
    with pytest.raises(LadderCsvError) as info:
        import_ladder(bad, records_dir=records_dir)
    assert str(info.value).startswith(f"{bad}:{line}: ")
    assert message in str(info.value)
    assert snapshot(records_dir) == before


def test_missing_measurement_is_reported(records_dir: Path, tmp_path: Path) -> None:
    lines = FIXTURE.read_text().splitlines(keepends=True)
    path = tmp_path / "ladder.csv"
    path.write_text("".join(lines[:3] + lines[4:]))  # drop line 4: mmlu_humanities_test rc_bpb of step 200
    with pytest.raises(LadderCsvError, match=r":2: run '190M-1xC' step 200: missing 1 RC measurement"):
        import_ladder(path, records_dir=records_dir)


def test_cli(records_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(olmo_ladder.main, [str(FIXTURE), "--records", str(records_dir)])
    assert result.exit_code == 0, result.output
    assert "reference: appended 87 new" in result.output
    again = runner.invoke(olmo_ladder.main, [str(FIXTURE), "--records", str(records_dir)])
    assert again.exit_code == 0 and "reference: appended 0 new, 0 corrected; 87 unchanged" in again.output
    bad = edited_fixture(tmp_path, 9, lambda t: t.replace(",5,", ",0,"))
    failed = runner.invoke(olmo_ladder.main, [str(bad), "--records", str(records_dir)])
    assert failed.exit_code == 1, failed.output
    assert f"Error: {bad}:9: RC rows are 5-shot, got shots '0'" in failed.output
    assert "Traceback" not in failed.output


def test_without_a_default_ruler_the_store_refuses(tmp_path: Path) -> None:
    (tmp_path / "records").mkdir()
    result = CliRunner().invoke(olmo_ladder.main, [str(FIXTURE), "--records", str(tmp_path / "records")])
    assert result.exit_code == 1
    assert "exactly one current ruler must have default: true" in result.output
    assert not list((tmp_path / "records").rglob("*.yaml"))
