"""The capability registry against the shipped records and the method page: every benchmark record is
in one group or listed as ungrouped with a reason, never both, and docs/method.md shows the grouping."""

from __future__ import annotations

from pathlib import Path

from densing_data import load
from densing_fit.capabilities.registry import GROUPS, LEFT_OUT_ON_TRACK, UNGROUPED, registry_markdown
from densing_fit.tracks import TRACKS

ROOT = Path(__file__).resolve().parents[2]


def test_every_benchmark_record_is_grouped_once_or_listed_as_ungrouped() -> None:
    shipped = set(load().benchmarks["id"].astype(str))
    grouped = [b for g in GROUPS for b in g.benchmarks]
    assert len(grouped) == len(set(grouped)), "a benchmark is in two groups"
    assert set(grouped) <= shipped, f"unknown benchmark ids: {sorted(set(grouped) - shipped)}"
    assert set(UNGROUPED) <= shipped, f"unknown benchmark ids: {sorted(set(UNGROUPED) - shipped)}"
    assert not set(grouped) & set(UNGROUPED), sorted(set(grouped) & set(UNGROUPED))
    assert shipped == set(grouped) | set(UNGROUPED), (
        f"not placed: {sorted(shipped - set(grouped) - set(UNGROUPED))}"
    )
    assert all(reason.strip() for reason in UNGROUPED.values())
    assert all(g.sources and all(s.url.startswith("https://") for s in g.sources) for g in GROUPS)


def test_benchmarks_left_out_on_a_track_are_its_rulers_and_grouped() -> None:
    rulers = {r["id"]: set(r["benchmarks"]) for r in load().rulers.to_dict("records")}
    tracks = {t.id: t for t in TRACKS}
    grouped = {b for g in GROUPS for b in g.benchmarks}
    for track_id, benches in LEFT_OUT_ON_TRACK.items():
        assert track_id in tracks
        assert set(benches) <= rulers[tracks[track_id].ruler] & grouped, track_id


def test_the_method_page_shows_the_grouping() -> None:
    method = (ROOT / "docs" / "method.md").read_text(encoding="utf-8")
    assert registry_markdown() in method, (
        "regenerate the table with densing_fit.capabilities.registry.registry_markdown()"
    )
