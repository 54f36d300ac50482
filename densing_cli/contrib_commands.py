"""``densing check-pr`` and ``densing add model|score|report``, with the option types they share."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from densing_cli.options import Count, records_option, repo_option
from densing_data.contrib.layout import RepoLayout
from densing_data.paths import RECORDS_DIR
from densing_data.schema.records import MAX_PARAMS, MAX_TOKENS

FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text: path:line: message; json: a list of problems; github: workflow annotations.",
)


class IsoDate(click.ParamType):
    """A calendar date written ``YYYY-MM-DD``; a well-formed but impossible date is called that."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            self.fail(f"{value!r} is not a date written YYYY-MM-DD", param, ctx)
        try:
            return dt.date.fromisoformat(text)
        except ValueError as err:
            self.fail(f"{text} is an impossible date ({err})", param, ctx)


DATE = IsoDate()


def repo_layout(repo: Path | None) -> RepoLayout:
    """The layout of the repository ``repo`` (default: the one holding the current directory)."""
    from densing_data.contrib.gittree import GitError, repo_root

    try:
        return RepoLayout(root=repo_root(repo if repo is not None else Path.cwd()))
    except GitError as err:
        raise click.ClickException(str(err)) from None


def render_report(report: Any, fmt: str) -> None:
    """Print the problems of ``report`` (when there are any) in ``fmt``."""
    if report.problems:
        click.echo(report.render(fmt))


@click.command("check-pr")
@click.argument("base_ref")
@click.option(
    "--head", "head_ref", default=None, metavar="REF", help="Check this commit instead of the working tree."
)
@repo_option
@FORMAT_OPTION
def check_pr(base_ref: str, head_ref: str | None, repo: Path | None, fmt: str) -> None:
    """Check the data rules of a pull request against BASE_REF (e.g. origin/main); exit 1 on a violation.

    Records on the base are never edited, moved or deleted, only appended to (a correction is revision
    n+1 of the same id); the head's records validate; the data version changes only with a release
    made by `densing release`; released files never change.
    """
    from densing_cli.release_commands import release_fit
    from densing_data.contrib.gittree import GitError
    from densing_data.contrib.pr.check_pr import check_pr as run_check

    layout = repo_layout(repo)
    try:
        result = run_check(layout, base_ref, head_ref, release_fit())
    except GitError as err:
        raise click.ClickException(str(err)) from None
    render_report(result.report, fmt)
    where = f"{result.base_commit[:12]} -> {result.head if head_ref is None else result.head[:12]}"
    if not result.report.ok:
        click.echo(f"{summary_line('check-pr', result.report)} ({where})", err=True)
        raise SystemExit(1)
    warned = result.report.counts()[1]
    note = f", {warned} warning{'s' if warned != 1 else ''}" if warned else ""
    click.echo(f"check-pr: data rules kept ({where}){note}", err=True)


def _compose(*decorators: Callable) -> Callable:
    def apply(func: Callable) -> Callable:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


CORRECTION_OPTIONS = _compose(
    click.option(
        "--supersedes",
        metavar="ID",
        default=None,
        help="Append a correction of record ID (revision n+1) changing only the options given.",
    ),
    click.option("--correction-note", default=None, help="Why the correction replaces the current revision."),
    click.option("--retract", is_flag=True, help="With --supersedes: withdraw the record."),
    records_option,
)


@click.group()
def add() -> None:
    """Append a record built from command-line options (no prompts), through the validating store.

    A new record needs every required option. --supersedes ID --correction-note TEXT appends a
    correction instead: the current revision of ID with the options given changed.
    """


@add.command("model")
@click.option("--id", "id_", default=None, help="Model id: a lower-case slug, e.g. qwen2.5-7b.")
@click.option("--name", default=None, help="Display name, e.g. 'Qwen2.5-7B'.")
@click.option("--family", default=None)
@click.option("--organization", default=None)
@click.option("--hf-repo", default=None, help="Hugging Face repository, e.g. Qwen/Qwen2.5-7B.")
@click.option(
    "--release-date", type=DATE, default=None, metavar="YYYY-MM-DD", help="First public release, YYYY-MM-DD."
)
@click.option("--release-date-source-url", default=None, help="Page showing the release date.")
@click.option("--release-date-source-locator", default=None)
@click.option(
    "--params-total", type=Count(MAX_PARAMS), default=None, help="All parameters (7241732096 or 7.24B)."
)
@click.option(
    "--params-active", type=Count(MAX_PARAMS), default=None, help="Active per token (mixture of experts)."
)
@click.option(
    "--params-nominal/--params-exact",
    default=None,
    help="params-total is the size in the name, not an exact count.",
)
@click.option("--params-source-url", default=None)
@click.option("--params-source-locator", default=None)
@click.option(
    "--training-tokens", type=Count(MAX_TOKENS), default=None, help="Pre-training tokens (e.g. 18T)."
)
@click.option("--training-tokens-source-url", default=None)
@click.option("--training-tokens-source-locator", default=None)
@click.option(
    "--kind",
    type=click.Choice(["base", "instruct", "chat", "pruned", "distilled", "quantized", "merged", "other"]),
    default=None,
)
@click.option("--derived-from", default=None, metavar="MODEL_ID", help="Parent of a compressed model.")
@click.option("--derived-method", default=None, help="E.g. 'pruning + distillation'.")
@click.option("--license", default=None)
@click.option("--link", "links", multiple=True, metavar="LABEL=URL", help="A link for the model page.")
@click.option("--notes", default=None)
@CORRECTION_OPTIONS
def add_model(id_: str | None, links: tuple[str, ...], **options: Any) -> None:
    """Append a model record."""
    _add("model", {"id": id_, **options}, _links(links))


@add.command("score")
@click.option("--id", "id_", default=None, help="Score id (default: <model>.<benchmark>.<protocol>[-n]).")
@click.option("--model", default=None, help="Model id (a model record must exist).")
@click.option("--benchmark", default=None, help="Benchmark id, e.g. mmlu.")
@click.option("--value", type=float, default=None, help="Score in percent as printed, e.g. 74.2.")
@click.option("--fraction", is_flag=True, help="--value is a fraction in [0, 1] (lm-eval output): x100.")
@click.option("--metric", default=None, help="Metric as the source names it (acc, acc_norm, pass@1, ...).")
@click.option("--shots", type=click.IntRange(0, 100), default=None, help="In-context examples.")
@click.option("--cot/--no-cot", default=None, help="Chain-of-thought prompting (leave out when unstated).")
@click.option("--protocol", default=None, help="Evaluation pipeline slug, e.g. qwen2.5-report.")
@click.option("--protocol-notes", default=None)
@click.option("--source-url", default=None, help="Document holding the number.")
@click.option("--source-locator", default=None, help="Where in it, e.g. 'Table 3'.")
@click.option(
    "--provenance",
    type=click.Choice(["developer", "third_party"]),
    default=None,
    help="developer: the model's developers reported it; third_party: anyone else.",
)
@click.option("--provenance-by", default=None, help="Who produced the number, e.g. 'Qwen team'.")
@click.option(
    "--recorded", type=DATE, default=None, metavar="YYYY-MM-DD", help="Date added (default: today)."
)
@click.option("--contamination-evidence-url", default=None, help="Evidence the benchmark leaked.")
@click.option("--contamination-note", default=None)
@click.option("--notes", default=None)
@CORRECTION_OPTIONS
def add_score(id_: str | None, fraction: bool, **options: Any) -> None:
    """Append a score record."""
    if fraction and options["value"] is not None:
        if not 0.0 <= options["value"] <= 1.0:
            raise click.BadParameter(f"{options['value']} is not a fraction in [0, 1]", param_hint="--value")
        options["value"] = round(options["value"] * 100.0, 10)
    _add("score", {"id": id_, **options}, [])


@add.command("report")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and print the records; write nothing.")
@records_option
def add_report(path: Path, dry_run: bool, records_dir: Path | None) -> None:
    """Append a model and its scores from one report, described in the YAML file PATH.

    One source URL, one protocol slug and provenance for every score, a model block (or the id of a
    recorded model) and a table of scores: [benchmark, value, shots, cot, locator] rows. Template:
    docs/templates/new-model.yaml. All records are validated together and appended as one group.
    """
    import yaml

    from densing_data.contrib.report_template import TemplateError
    from densing_data.contrib.report_template import add_report as run_add
    from densing_data.store import StoreError

    try:
        made = run_add(path, records_dir, dry_run=dry_run)
    except (TemplateError, StoreError) as err:
        click.echo(err.report.render(), err=True)
        click.echo(f"nothing added from {path}", err=True)
        raise SystemExit(1) from None
    if dry_run:
        records = ([{"model": made.model}] if made.model else []) + [{"score": s} for s in made.scores]
        click.echo(yaml.safe_dump(records, sort_keys=False, allow_unicode=True), nl=False)
    verb = "would add" if dry_run else "added"
    model = f"model {made.model_id!r} and " if made.model else ""
    click.echo(f"{verb} {model}{len(made.scores)} score(s) for {made.model_id!r} from {path}", err=True)


def _links(values: tuple[str, ...]) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        label, sep, url = value.partition("=")
        if not sep or not label or not url:
            raise click.BadParameter(f"{value!r} is not LABEL=URL", param_hint="--link")
        pairs.append((label, url))
    return pairs


def _add(kind: str, options: dict[str, Any], links: list[tuple[str, str]]) -> None:
    from densing_data.contrib.add import AddError, add_record, build_record, supersede_record
    from densing_data.store import StoreError

    supersedes = options.pop("supersedes")
    note = options.pop("correction_note")
    retract = options.pop("retract")
    records_dir = options.pop("records_dir")
    try:
        if supersedes is None:
            if note is not None or retract:
                raise AddError("--correction-note and --retract go with --supersedes ID")
            record = build_record(kind, options, links)
        else:
            if links:
                raise AddError("--link cannot be combined with --supersedes")
            record = supersede_record(
                kind, supersedes, options, note, retract=retract, records_dir=records_dir
            )
        result = add_record(kind, record, records_dir=records_dir)
    except AddError as err:
        raise click.UsageError(str(err)) from None
    except StoreError as err:
        click.echo(err.report.render(), err=True)
        click.echo(f"{kind} not added", err=True)
        raise SystemExit(1) from None
    shown = result.path.resolve()
    for base in (Path.cwd().resolve(), (records_dir or RECORDS_DIR).resolve().parent):
        if shown.is_relative_to(base):
            shown = shown.relative_to(base)
            break
    click.echo(f"added {kind} {result.record_id!r} revision {result.revision} to {shown}")


def summary_line(command: str, report: Any) -> str:
    """``"3 problems, 1 warning"``: errors and warnings counted apart."""
    errors, warnings = report.counts()
    parts = [f"{errors} problem{'s' if errors != 1 else ''}"]
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return f"{command}: {', '.join(parts)}"
