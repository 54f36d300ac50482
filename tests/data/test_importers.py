"""The seed importer: fixture rows (shaped exactly like the real seed files) become the expected records,
a rerun changes nothing, bad values are refused with file and line, and nothing is dropped silently."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from densing_data.importers.__main__ import main
from densing_data.importers.benchmarks_catalog import load_catalog
from densing_data.importers.common import ImportReport, SeedError
from densing_data.importers.rulers import DirectRulerSpec, build_rulers
from densing_data.importers.scores import _suffixes
from densing_data.importers.seed_import import CatalogPaths, render_not_imported, run_seed_import
from densing_data.loader import load
from densing_data.store import append_records
from tests.data.factories import benchmark, model

FIXTURES = Path(__file__).parent / "fixtures" / "seed"
PATHS = CatalogPaths(release_dates=FIXTURES / "release_dates.csv")
EXISTING_BENCHMARKS = ("mmlu", "bbh", "math", "humaneval", "mbpp")


@pytest.fixture
def records(tmp_path: Path) -> Path:
    """A records directory holding only the five benchmarks the data package starts with."""
    root = tmp_path / "records"
    append_records("benchmark", [benchmark(b, floor=0.0) for b in EXISTING_BENCHMARKS], records_dir=root)
    return root


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    """A writable copy of the fixture seed folder."""
    return Path(shutil.copytree(FIXTURES, tmp_path / "seed"))


def _snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def _replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_rows_become_expected_records(records: Path) -> None:
    run_seed_import(FIXTURES, records_dir=records, paths=PATHS)
    ds = load(records)
    scores = ds.scores.set_index("id")

    mmlu = scores.loc["llama-2-7b.mmlu.5shot.llama2-paper"]
    assert (mmlu.value, mmlu.shots, mmlu.metric, mmlu.protocol) == (45.3, 5, "acc", "llama2-paper")
    assert (mmlu.provenance_kind, mmlu.provenance_by) == ("developer", "Meta (Llama 2 paper)")
    assert mmlu.source_url == "https://arxiv.org/abs/2307.09288"
    assert mmlu.recorded == dt.datetime(2026, 11, 23)
    assert "|| meta" not in scores.loc["llama-2-7b.agieval.llama2-paper"].notes

    agieval = scores.loc["llama-2-7b.agieval.llama2-paper"]
    assert agieval.shots is pd_na() and "3-5 shots" in agieval.protocol_notes

    # two metrics of one table get readable suffixes; disagreeing values are both kept
    assert scores.loc["llama-1-7b.math.llama1-paper.maj1-1"].value == 2.9
    assert scores.loc["llama-1-7b.math.llama1-paper.maj1-k-k-256"].value == 6.9
    assert scores.loc["qwen2.5-7b.mbpp.0shot.qwen2.5-blog"].value == 74.9
    assert scores.loc["qwen2.5-7b.mbpp.3shot.qwen3-report"].value == 63.4
    assert "0-shot" in scores.loc["qwen2.5-7b.mbpp.0shot.qwen2.5-blog"].protocol_notes

    # the comparison-only "Mistral-7B" is the canonical mistral-7b-v0.1; Gemma Table 7 is Hugging Face's run
    h6 = scores.loc["mistral-7b-v0.1.arc-challenge.open-llm-leaderboard-v1"]
    assert (h6.value, h6.provenance_kind) == (60.0, "third_party")

    # ObsScaling: fractions become percent, one protocol per file, shots from the stated settings
    obs = scores.loc["llama-2-7b.mmlu.5shot.obsscaling"]
    assert obs.value == pytest.approx(43.796096) and obs.provenance_kind == "third_party"
    assert scores.loc["llama-2-7b.math-hard.obsscaling-leaderboard-v2"].value == pytest.approx(1.208459)
    assert scores.loc["pythia-70m-deduped.gsm8k.5shot.obsscaling"].value == 0.0
    assert "llama-2-7b.humaneval.obsscaling" in scores.index

    models = ds.models.set_index("id")
    llama = models.loc["llama-2-7b"]
    assert llama.hf_repo == "meta-llama/Llama-2-7b-hf"
    assert llama.release_date == dt.datetime(2023, 7, 18)
    assert llama.sources_release_date_url == "https://arxiv.org/abs/2307.09288"
    assert (llama.params_total, bool(llama.params_nominal), llama.kind) == (7_000_000_000, True, "base")
    pythia = models.loc["pythia-70m-deduped"]
    assert (pythia.params_total, bool(pythia.params_nominal), pythia.organization) == (
        70_000_000,
        True,
        "EleutherAI",
    )
    assert "ObsScaling" in pythia.sources_params_locator
    assert set(ds.benchmarks.id) >= {
        "agieval",
        "arc-challenge",
        "winogrande",
        "xwinograd",
        "math-hard",
        "musr",
    }
    assert not any(b.endswith("-rc") for b in ds.benchmarks.id)


def pd_na() -> object:
    import pandas as pd

    return pd.NA


def test_rerun_changes_nothing(records: Path) -> None:
    first, _ = run_seed_import(FIXTURES, records_dir=records, paths=PATHS)
    assert first.new["score"] > 0
    before = _snapshot(records)
    second, _ = run_seed_import(FIXTURES, records_dir=records, paths=PATHS)
    assert second.empty and not second.changed
    assert second.unchanged == first.new
    assert _snapshot(records) == before


def test_changed_seed_value_is_reported_not_overwritten(records: Path, seed: Path) -> None:
    run_seed_import(seed, records_dir=records, paths=PATHS)
    before = _snapshot(records)
    _replace_in(seed / "reported_scores_a.csv", ",MMLU,45.3,", ",MMLU,45.4,")
    plan, _ = run_seed_import(seed, records_dir=records, paths=PATHS)
    assert plan.changed == ("score llama-2-7b.mmlu.5shot.llama2-paper",)
    assert _snapshot(records) == before
    plan, _ = run_seed_import(
        seed, records_dir=records, paths=PATHS, correction_note="Seed value fixed: 45.4."
    )
    assert plan.corrected == {"benchmark": 0, "model": 0, "score": 1, "ruler": 0}
    assert load(records).scores.set_index("id").loc["llama-2-7b.mmlu.5shot.llama2-paper"].value == 45.4


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "reported_scores_a.csv",
            ",MMLU,45.3,",
            ",MMLU,45.3x,",
            "reported_scores_a.csv:2: column 'score': expected a number, got '45.3x'",
        ),
        (
            "reported_scores_a.csv",
            ",MMLU,45.3,",
            ",MMLU,145.3,",
            "reported_scores_a.csv:2: column 'score': 145.3 is outside [0.0, 100.0]",
        ),
        (
            "reported_scores_a.csv",
            ",AGIEval,29.3,3-5,",
            ",AGIEval,29.3,five,",
            "reported_scores_a.csv:3: column 'shots'",
        ),
        (
            "reported_scores_b.csv",
            "Qwen2.5-7B,",
            "Qwen9-7B,",
            "reported_scores_b.csv:2: model 'Qwen9-7B' has no entry in seed_models.csv",
        ),
        (
            "reported_scores_b.csv",
            ",MBPP,74.9,",
            ",MBPPX,74.9,",
            "reported_scores_b.csv:2: column 'benchmark': unknown benchmark 'MBPPX'",
        ),
        (
            "obsscaling/base_llm_benchmark_eval.csv",
            "0.4379609636092418",
            "43.79609636092418",
            "base_llm_benchmark_eval.csv:2: column 'MMLU': 43.79609636092418 is outside [0.0, 1.0]",
        ),
        (
            "obsscaling/base_llm_benchmark_eval_sub_10b.csv",
            "0.2526050703920223",
            "0.2626050703920223",
            "base_llm_benchmark_eval_sub_10b.csv:3: column 'MMLU'",
        ),
    ],
)
def test_bad_value_names_file_and_line(
    records: Path, seed: Path, file: str, old: str, new: str, expected: str
) -> None:
    _replace_in(seed / file, old, new)
    before = _snapshot(records)
    with pytest.raises(SeedError) as info:
        run_seed_import(seed, records_dir=records, paths=PATHS)
    assert expected in str(info.value)
    assert _snapshot(records) == before


def test_bad_value_cli_exit_code(records: Path, seed: Path, tmp_path: Path) -> None:
    _replace_in(seed / "reported_scores_a.csv", ",MMLU,45.3,", ",MMLU,abc,")
    result = CliRunner().invoke(
        main,
        [
            str(seed),
            "--records",
            str(records),
            "--release-dates",
            str(PATHS.release_dates),
            "--not-imported",
            str(tmp_path / "ni.md"),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "reported_scores_a.csv:2: column 'score': expected a number, got 'abc'" in result.output
    assert "Traceback" not in result.output


def test_models_without_source_are_reported_not_dropped(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "NOT_IMPORTED.md"
    result = CliRunner().invoke(
        main,
        [
            str(FIXTURES),
            "--records",
            str(records),
            "--release-dates",
            str(PATHS.release_dates),
            "--not-imported",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "model falcon-7b (Falcon-7B, tiiuae/falcon-7b): no sourced release date" in result.output
    assert "release-date research: released in the week of 2023-05-22" in result.output
    assert "model llama-3-8b" in result.output and "no parameter count" in result.output
    assert "ChineseQA" in result.output
    text = out.read_text(encoding="utf-8")
    assert "falcon-7b" in text and "ChineseQA" in text and "score row(s) of model 'falcon-7b'" in text
    ids = set(load(records).models.id)
    assert "falcon-7b" not in ids and "llama-3-8b" not in ids


def test_report_renders_every_left_out_item() -> None:
    report = ImportReport()
    report.leave_out("model x", "no date | none", "a.csv:3")
    text = render_not_imported(report, FIXTURES)
    assert "| model x | no date \\| none | a.csv:3 |" in text


def test_score_id_suffixes() -> None:
    assert _suffixes([("maj1@1", "", ""), ("maj1@k (k=256)", "", "")]) == ["maj1-1", "maj1-k-k-256"]
    assert _suffixes([("", "", "table4"), ("", "", "table8")]) == ["table4", "table8"]
    assert _suffixes([("", "", ""), ("", "cot", "")]) == ["", "cot"]
    assert _suffixes([("", "", ""), ("", "", "")]) == ["", "2"]


def test_ruler_keeps_only_models_with_every_benchmark() -> None:
    spec = DirectRulerSpec(
        "r", "R", "p", ("a", "b", "c", "d"), ("mmlu", "bbh"), True, "Test.", {"url": "https://x.org"}
    )
    scores = [{"model": m, "benchmark": b, "protocol": "p"} for m in "abcd" for b in ("mmlu", "bbh")]
    scores = [s for s in scores if not (s["model"] == "d" and s["benchmark"] == "bbh")]
    report = ImportReport()
    (ruler,) = build_rulers(scores, report, [spec])
    assert ruler["fitted_from_scores"] == {"protocol": "p", "models": ["a", "b", "c"]}
    assert "d (no bbh)" in ruler["description"] and ruler["default"] is True
    assert build_rulers(scores[:4], report, [spec]) == []
    assert report.left_out[0][0] == "ruler r"


def test_benchmark_catalog_refuses_duplicates(tmp_path: Path) -> None:
    catalog = load_catalog()
    assert catalog.ids_by_seed_name["Winogrande"] == catalog.ids_by_seed_name["WinoGrande"] == "winogrande"
    assert all(r["citation"]["url"].startswith("https://") for r in catalog.records)
    path = tmp_path / "benchmarks.csv"
    text = (FIXTURES.parents[3] / "densing_data" / "importers" / "data" / "seed_benchmarks.csv").read_text()
    lines = text.splitlines()
    path.write_text("\n".join([*lines, lines[-1]]) + "\n")
    with pytest.raises(SeedError, match=r"benchmarks.csv:\d+: benchmark id .* listed twice"):
        load_catalog(path)


def test_seed_date_with_catalog_source_when_no_researched_date(records: Path, tmp_path: Path) -> None:
    paths = CatalogPaths(release_dates=tmp_path / "absent.csv")
    _, report = run_seed_import(FIXTURES, records_dir=records, paths=paths)
    llama = load(records).models.set_index("id").loc["llama-2-7b"]
    assert llama.release_date == dt.datetime(2023, 7, 18)
    assert llama.sources_release_date_url == "https://github.com/meta-llama/llama"
    assert "6d4c0c2" in llama.sources_release_date_locator
    # ObsScaling-only models have no seed date: reported, not imported
    assert any(what.startswith("model pythia-70m-deduped") for what, _, _ in report.left_out)


def test_the_curated_left_out_part_is_refreshed_without_touching_the_seed_part(tmp_path: Path) -> None:
    from densing_data.importers.seed_import import CURATED_MARKER, refresh_curated_left_out

    folder = tmp_path / "left_out"
    folder.mkdir()
    (folder / "b.md").write_text("# Left out by b\n\n| x | y | z |\n", encoding="utf-8")
    target = tmp_path / "NOT_IMPORTED.md"
    seed_part = "# Not imported\n\n| seed row | why | where |\n"
    target.write_text(seed_part + CURATED_MARKER + "\nstale text of an old curation\n", encoding="utf-8")
    refresh_curated_left_out(target, folder)
    (folder / "a.md").write_text("# Left out by a\n", encoding="utf-8")
    refresh_curated_left_out(target, folder)
    text = target.read_text(encoding="utf-8")
    assert text.startswith(seed_part)
    assert "stale text" not in text and text.count(CURATED_MARKER.strip()) == 1
    assert text.index("## Left out by a") < text.index("## Left out by b")


TRANSCRIBED_HEADER = "model,column,reclassified,why\n"
LLAMA_MMLU_TRANSCRIBED = "meta-llama/Llama-2-7b-hf,MMLU,2026-11-30,copied from the developer's paper\n"


def test_transcribed_cell_keeps_its_id_under_its_own_protocol(records: Path, seed: Path) -> None:
    (seed / "obsscaling_transcribed.csv").write_text(TRANSCRIBED_HEADER + LLAMA_MMLU_TRANSCRIBED)
    paths = CatalogPaths(release_dates=seed / "release_dates.csv")
    run_seed_import(seed, records_dir=records, paths=paths)
    scores = load(records).scores.set_index("id")
    cell = scores.loc["llama-2-7b.mmlu.5shot.obsscaling"]
    assert (cell.protocol, cell.recorded) == ("obsscaling-transcribed", dt.datetime(2026, 11, 30))
    assert "transcribed" in cell.protocol_notes
    assert scores.loc["llama-2-7b.arc-challenge.25shot.obsscaling"].protocol == "obsscaling"
    again, _ = run_seed_import(seed, records_dir=records, paths=paths)
    assert again.empty and not again.changed


def test_listing_a_stored_cell_as_transcribed_asks_for_a_correction(records: Path, seed: Path) -> None:
    paths = CatalogPaths(release_dates=seed / "release_dates.csv")
    run_seed_import(seed, records_dir=records, paths=paths)
    (seed / "obsscaling_transcribed.csv").write_text(TRANSCRIBED_HEADER + LLAMA_MMLU_TRANSCRIBED)
    plan, _ = run_seed_import(seed, records_dir=records, paths=paths)
    assert plan.changed == ("score llama-2-7b.mmlu.5shot.obsscaling",)
    run_seed_import(seed, records_dir=records, paths=paths, correction_note="Transcribed, not measured.")
    history = load(records).scores
    revisions = history[history["id"] == "llama-2-7b.mmlu.5shot.obsscaling"]
    assert revisions["protocol"].tolist()[-1] == "obsscaling-transcribed"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (LLAMA_MMLU_TRANSCRIBED * 2, ":3: meta-llama/Llama-2-7b-hf / MMLU is listed twice"),
        ("meta-llama/Llama-2-7b-hf,XWinograd,2026-11-30,x\n", ":2: column 'XWinograd'"),
        ("google/gemma-9,MMLU,2026-11-30,x\n", ":2: model 'google/gemma-9' is not in"),
        ("meta-llama/Llama-2-7b-hf,MMLU,,x\n", ":2: columns 'reclassified'"),
    ],
)
def test_bad_transcribed_row_names_file_and_line(records: Path, seed: Path, rows: str, expected: str) -> None:
    (seed / "obsscaling_transcribed.csv").write_text(TRANSCRIBED_HEADER + rows)
    paths = CatalogPaths(release_dates=seed / "release_dates.csv")
    with pytest.raises(SeedError) as info:
        run_seed_import(seed, records_dir=records, paths=paths)
    assert f"obsscaling_transcribed.csv{expected}" in str(info.value)
    assert not list(records.rglob("scores/*.yaml"))


def test_scores_attach_to_a_hand_added_model_the_seed_cannot_date(records: Path, tmp_path: Path) -> None:
    paths = CatalogPaths(release_dates=tmp_path / "absent.csv")
    hand = model("pythia-70m-deduped", 70_000_000, name="Pythia 70M (deduped)", family="Pythia")
    append_records("model", [hand], records_dir=records)
    before = (records / "models" / "pythia-70m-deduped.yaml").read_bytes()
    plan, report = run_seed_import(FIXTURES, records_dir=records, paths=paths)
    ds = load(records)
    assert "pythia-70m-deduped.gsm8k.5shot.obsscaling" in set(ds.scores["id"])
    assert (records / "models" / "pythia-70m-deduped.yaml").read_bytes() == before  # left as it is
    assert not any(what.startswith("model pythia-70m-deduped") for what, _, _ in report.left_out)
    assert any("pythia-70m-deduped" in note and "added by hand" in note for note in report.notes)
    assert not plan.changed
