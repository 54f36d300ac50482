"""``densing validate`` and ``densing export``."""

from __future__ import annotations

from pathlib import Path

import click

from densing_cli.options import records_option
from densing_data.paths import RECORDS_DIR


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text: path:line: message; json: a list of problems; github: workflow annotations.",
)
def validate(paths: tuple[Path, ...], fmt: str) -> None:
    """Validate record files (default: the shipped records); exit 1 listing every problem.

    A named file is checked against the whole records folder it lies in: its references must
    resolve and its ids must be new (a duplicate is blamed on the record that is not released).
    """
    from densing_data.contrib.integrity.standing import folder_standing
    from densing_data.validate_paths import validate_paths

    report = validate_paths(list(paths) or [RECORDS_DIR], folder_standing)
    if report.problems:
        click.echo(report.render(fmt))  # type: ignore[arg-type]
    if not report.ok:
        errors, warnings = report.counts()
        also = f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
        click.echo(f"{errors} problem{'s' if errors != 1 else ''}{also} found", err=True)
        raise SystemExit(1)
    if fmt == "text":
        click.echo("records valid", err=True)


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json", "parquet"]), default="csv", show_default=True
)
@click.option("--out", "out", type=click.Path(path_type=Path), required=True, help="Directory to write to.")
@records_option
def export(fmt: str, out: Path, records_dir: Path | None) -> None:
    """Write the tables and a Frictionless datapackage.json to OUT."""
    from densing_data.export import export_tables
    from densing_data.loader import DataError, load

    try:
        ds = load(records_dir)
    except DataError as err:
        click.echo(err.report.render(), err=True)
        raise SystemExit(1) from None
    written = export_tables(ds, out, fmt)  # type: ignore[arg-type]
    for path in written:
        click.echo(str(path))
