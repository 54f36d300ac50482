"""``densing pr-summary BASE_REF``: what a pull request changes in the leaderboard, as Markdown.

Posted by the pull-request workflow as a sticky comment and to the job summary. Lists the records
added, superseded and retracted (against the merge base of BASE_REF, as ``check-pr`` compares), then
the densities and the doubling time that move, from the densing-law fit of both states
(:mod:`densing_cli.pr_fit_changes`). Every value taken from records is escaped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from densing_cli.options import repo_option

MARKER = "<!-- densing-pr-summary -->"
"""First line of the comment, so the workflow finds and updates its own comment."""
MAX_ROWS = 60


def _models_table(diff: Any) -> list[str]:
    from densing_data.contrib.pr.markdown import md_code, md_text

    added = diff.added.get("model", [])
    if not added:
        return []
    lines = [
        "### Models added",
        "",
        "| Model | Name | Organization | Released | Parameters | Kind |",
        "|---|---|---|---|---:|---|",
    ]
    for parsed in added[:MAX_ROWS]:
        r = parsed.record
        lines.append(
            f"| {md_code(r.id)} | {md_text(r.name)} | {md_text(r.organization)} | "
            f"{r.release_date.isoformat()} | {r.params_total / 1e9:.3g}B | {r.kind.value} |"
        )
    return [*lines, *_more(len(added)), ""]


def _scores_table(diff: Any) -> list[str]:
    from densing_data.contrib.pr.markdown import md_code, md_text

    added = diff.added.get("score", [])
    if not added:
        return []
    lines = [
        "### Scores added",
        "",
        "| Model | Benchmark | Score | Shots | CoT | Protocol | Provenance | Source |",
        "|---|---|---:|---:|---|---|---|---|",
    ]
    for parsed in added[:MAX_ROWS]:
        r = parsed.record
        shots = "?" if r.shots is None else str(r.shots)
        cot = "?" if r.cot is None else ("yes" if r.cot else "no")
        source = md_text(r.source.locator or "source", 60)
        lines.append(
            f"| {md_code(r.model)} | {md_code(r.benchmark)} | {r.value:g} | {shots} | {cot} | "
            f"{md_code(r.protocol)} | {r.provenance.kind.value} | [{source}](<{_url(r.source.url)}>) |"
        )
    return [*lines, *_more(len(added)), ""]


def _url(url: str) -> str:
    """A URL inside ``<...>`` link syntax (the schema already refused spaces, quotes and ``<``)."""
    return url.replace(">", "%3E").replace("|", "%7C")


def _more(total: int) -> list[str]:
    return ["", f"… and {total - MAX_ROWS} more."] if total > MAX_ROWS else []


def _corrections(diff: Any) -> list[str]:
    from densing_data.contrib.pr.markdown import md_code, md_text

    if not diff.superseded:
        return []
    lines = ["### Corrections", ""]
    for item in diff.superseded[:MAX_ROWS]:
        what = "retracted" if item.retracted else "superseded"
        lines.append(
            f"- {item.kind} {md_code(item.head.record.id)} {what}: revision {item.old_revision} → "
            f"{item.head.record.revision}: {md_text(item.head.record.correction_note or '')}"
        )
    return [*lines, *_more(len(diff.superseded)), ""]


def _other_added(diff: Any) -> list[str]:
    from densing_data.contrib.pr.markdown import md_code
    from densing_data.contrib.release.changelog import noun

    lines = []
    for kind in ("benchmark", "ruler", "reference"):
        added = diff.added.get(kind, [])
        if added:
            ids = ", ".join(md_code(p.record.id) for p in added[:MAX_ROWS])
            lines.append(f"- {noun(kind, len(added))} added: {ids}")
    return [*lines, ""] if lines else []


def _version(layout: Any) -> str:
    path = layout.path(layout.version_file)
    return path.read_text(encoding="utf-8").strip() if path.is_file() else "unversioned"


def render_summary(base_commit: str, base_ref: str, diff: Any, fit_lines: list[str]) -> str:
    """The Markdown comment for a pull request's record diff."""
    from densing_data.contrib.pr.markdown import md_text
    from densing_data.contrib.release.changelog import noun

    counts = [noun(k, diff.added_count(k)) for k in ("model", "score") if diff.added_count(k)]
    superseded = sum(1 for s in diff.superseded if not s.retracted)
    retracted = sum(1 for s in diff.superseded if s.retracted)
    headline = ", ".join(counts) + " added" if counts else "no model or score added"
    lines = [
        MARKER,
        "## Leaderboard changes",
        "",
        f"Compared with `{base_commit[:12]}` (where this branch left {md_text(base_ref, 80)}).",
        "",
        f"**{headline}**; {superseded} superseded, {retracted} retracted.",
        "",
    ]
    if diff.empty:
        lines += ["This pull request changes no records.", ""]
    lines += _models_table(diff) + _scores_table(diff) + _other_added(diff) + _corrections(diff)
    missing = [f"{k} {i}" for k, ids in diff.missing.items() for i in ids]
    if missing:
        lines += [f"**Records removed (not allowed, see check-pr):** {md_text(', '.join(missing))}", ""]
    return "\n".join(lines + fit_lines).rstrip("\n") + "\n"


def summarise(layout: Any, base_ref: str, head_ref: str | None = None) -> str:
    """The summary Markdown of the changes between ``base_ref`` and the working tree (or ``head_ref``)."""
    from densing_cli.pr_fit_changes import fit_side, render_fit_changes
    from densing_data.contrib.pr.check_pr import compared_trees
    from densing_data.contrib.pr.diff import diff_records, record_keys
    from densing_data.validate import read_records_dir

    with compared_trees(layout, base_ref, head_ref) as (base_commit, _, base, head):
        fits = []
        records = []
        for side in (base, head):
            side_records, report = read_records_dir(side.records_dir)
            records.append(side_records)
            ok = report.ok
            fits.append(fit_side(side_records, _version(side)) if ok else "the records do not validate")
        diff = diff_records(record_keys(records[0]), records[1])
    return render_summary(base_commit, base_ref, diff, render_fit_changes(*fits))


@click.command("pr-summary")
@click.argument("base_ref")
@click.option(
    "--head", "head_ref", default=None, metavar="REF", help="Summarise this commit, not the working tree."
)
@repo_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the Markdown here instead of printing it.",
)
def pr_summary(base_ref: str, head_ref: str | None, repo: Path | None, out: Path | None) -> None:
    """Summarise in Markdown what the pull request changes against BASE_REF: models and scores added,
    corrections, and the densities and doubling time that move."""
    from densing_cli.contrib_commands import repo_layout
    from densing_data.contrib.gittree import GitError

    try:
        text = summarise(repo_layout(repo), base_ref, head_ref)
    except GitError as err:
        raise click.ClickException(str(err)) from None
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
