"""``densing pr-summary``: the Markdown comment on a pull request."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from densing_data.contrib.layout import RepoLayout
from densing_data.store import append_records
from tests.contrib.conftest import commit_all, git, run_cli, shown
from tests.data.factories import model, score


def test_summary_lists_added_models_scores_and_corrections_escaped(repo: RepoLayout) -> None:
    git(repo.root, "checkout", "-q", "-b", "pr")
    evil = model("evil-8b", 8 * 10**9, name="Evil | <img src=x> @everyone *8B*")
    append_records("model", [evil], records_dir=repo.records_dir)
    append_records("score", [score("evil-8b.mmlu", "evil-8b", 75.5, cot=False)], records_dir=repo.records_dir)
    fixed = score("tiny-1b.mmlu", value=40.5, revision=2, correction_note="Table 1 prints 40.5 [see](x)")
    append_records("score", [fixed], records_dir=repo.records_dir)
    commit_all(repo.root, "pr")
    result = run_cli("pr-summary", "main", "--repo", str(repo.root))
    assert result.exit_code == 0, shown(result)
    text = result.stdout
    assert text.startswith("<!-- densing-pr-summary -->\n## Leaderboard changes")
    assert "**1 model, 1 score added**; 1 superseded, 0 retracted." in text
    assert (
        "| `evil-8b` | Evil \\| &lt;img src=x&gt; &#64;everyone \\*8B\\* | Example Lab | 2024-01-01 "
        "| 8B | base |" in text
    )
    assert (
        "| `evil-8b` | `mmlu` | 75.5 | 5 | no | `example-report` | developer "
        "| [Table 1](<https://example.org/report>) |" in text
    )
    assert "- score `tiny-1b.mmlu` superseded: revision 1 → 2: Table 1 prints 40.5 \\[see\\](x)" in text
    assert "<img" not in text and "@everyone" not in text
    assert "### Densities and doubling time" in text


def test_summary_of_a_pr_without_record_changes(repo: RepoLayout, tmp_path: Path) -> None:
    out = tmp_path / "summary.md"
    result = run_cli("pr-summary", "main", "--repo", str(repo.root), "--out", str(out))
    assert result.exit_code == 0, shown(result)
    text = out.read_text()
    assert "**no model or score added**; 0 superseded, 0 retracted." in text
    assert "This pull request changes no records." in text


def _ruler_repo(repo: RepoLayout) -> None:
    """Replace the fixture's records on a new main commit with a ruler the fitter can fit: six sizes
    of a reference family on a known curve, and three dated base models read off it."""
    import math
    import shutil

    shutil.rmtree(repo.records_dir)
    sizes = [0.1, 0.3, 1, 3, 10, 30]

    def on_curve(billions: float) -> float:  # S(N) = 25 + 60 / (1 + exp(-(ln N - ln 3e9)))
        return round(25 + 60 / (1 + math.exp(-(math.log(billions * 1e9) - math.log(3e9)))), 4)

    refs = [model(f"ref-{s}b", int(s * 1e9), family="Ref", kind="base") for s in sizes]
    targets = [  # name, size (B), effective size (B), release date
        ("old-2b", 2, 1, dt.date(2023, 1, 1)),
        ("mid-2b", 2, 2, dt.date(2023, 7, 1)),
        ("new-2b", 2, 4, dt.date(2024, 1, 1)),
    ]
    models = refs + [model(n, p * 10**9, release_date=d) for n, p, _, d in targets]
    scores = [
        score(f"{m['id']}.mmlu", m["id"], on_curve(s), protocol="ref")
        for m, s in zip(refs, sizes, strict=True)
    ]
    scores += [score(f"{n}.mmlu", n, on_curve(e), protocol="ref") for n, _, e, _ in targets]
    from densing_data.store import append_record_groups
    from tests.data.factories import benchmark, ruler

    ruler_record = ruler(
        "ref-direct",
        models=[m["id"] for m in refs],
        fitted_from_scores={"protocol": "ref", "models": [m["id"] for m in refs]},
    )
    append_record_groups(
        {"benchmark": [benchmark()], "model": models, "score": scores, "ruler": [ruler_record]},
        records_dir=repo.records_dir,
    )
    commit_all(repo.root, "records with a fittable ruler")


def test_summary_shows_densities_and_doubling_time_that_move(repo: RepoLayout) -> None:
    _ruler_repo(repo)
    git(repo.root, "checkout", "-q", "-b", "pr")
    late = model("late-2b", 2 * 10**9, release_date=dt.date(2024, 7, 1))
    append_records("model", [late], records_dir=repo.records_dir)
    # on the curve at an effective size of 8B: density 4 half a year after new-2b's 2
    import math

    value = round(25 + 60 / (1 + math.exp(-(math.log(8e9) - math.log(3e9)))), 4)
    append_records(
        "score", [score("late-2b.mmlu", "late-2b", value, protocol="ref")], records_dir=repo.records_dir
    )
    result = run_cli("pr-summary", "main", "--repo", str(repo.root))
    assert result.exit_code == 0, shown(result)
    text = result.stdout
    assert "Ruler `ref-direct`, benchmarks `mmlu`." in text, text
    (base_line,) = [line for line in text.splitlines() if line.startswith("| Doubling time |")]
    # frontier densities 0.5, 1, 2 six months apart: doubling in ~6 months; 4.0 at 18 months keeps it
    before, after = (float(cell.split(" months")[0]) for cell in base_line.split("|")[2:4])
    assert before == pytest.approx(181 / 30.44, rel=0.05) and after == pytest.approx(before, rel=0.05), text
    assert "| Models in the trend | 3 | 4 |" in text  # the six reference models are not in the trend
    assert "1 density moves:" in text
    (row,) = [
        line for line in text.split("1 density moves:")[1].splitlines() if line.startswith("| `late-2b`")
    ]
    cells = [c.strip() for c in row.split("|")[1:-1]]
    assert cells[1] == "–" and float(cells[2]) == pytest.approx(4.0, rel=0.02) and cells[3] == "new"
    assert cells[4] == "yes"


def test_unchanged_records_move_no_density(repo: RepoLayout) -> None:
    _ruler_repo(repo)
    git(repo.root, "checkout", "-q", "-b", "pr")
    append_records("model", [model("undated-2b", 2 * 10**9)], records_dir=repo.records_dir)  # no score
    result = run_cli("pr-summary", "main", "--repo", str(repo.root))
    assert result.exit_code == 0, shown(result)
    assert "| Models in the trend | 3 | 3 |" in result.stdout
    assert "No density moves." in result.stdout, result.stdout
