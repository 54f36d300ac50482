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
    """Validate record files (default: the shipped records); exit 1 listing every problem."""
    from densing_data.validate_paths import validate_paths

    report = validate_paths(list(paths) or [RECORDS_DIR])
    if report.problems:
        click.echo(report.render(fmt))  # type: ignore[arg-type]
    if not report.ok:
        n = len(report.problems)
        click.echo(f"{n} problem{'s' if n != 1 else ''} found", err=True)
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
