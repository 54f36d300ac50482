"""``python -m densing_data.importers [SEED_DIR]``: import the published-score seed tables.

Reads ``SEED_DIR`` (default ``../shared/seed-data`` relative to the repository root), appends the new
benchmark, model, score and ruler records through the store, prints what it did and what it left
out, and writes that list to ``densing_data/importers/NOT_IMPORTED.md``. Exit status 1 on bad input
(the message names the file and line), on a refused append, or when stored records differ from the
seed and no ``--correction-note`` was given (the new records are still appended).
"""

from __future__ import annotations

from pathlib import Path

import click

from densing_data.importers.catalogs import RELEASE_DATES_CSV
from densing_data.importers.common import SeedError
from densing_data.importers.public_sources import RulesError
from densing_data.importers.seed_import import (
    KIND_ORDER,
    NOT_IMPORTED_MD,
    CatalogPaths,
    refresh_curated_left_out,
    render_not_imported,
    run_seed_import,
)
from densing_data.importers.sync import SyncError
from densing_data.paths import PACKAGE_DIR
from densing_data.store import StoreError

DEFAULT_SEED_DIR = PACKAGE_DIR.parent.parent / "shared" / "seed-data"
"""``../shared/seed-data`` relative to the repository root."""


@click.command()
@click.argument(
    "seed_dir", required=False, type=click.Path(path_type=Path, file_okay=False), default=DEFAULT_SEED_DIR
)
@click.option(
    "--records",
    "records_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Records directory to append to (default: the shipped records).",
)
@click.option("--dry-run", is_flag=True, help="Build and compare the records, append nothing.")
@click.option(
    "--correction-note",
    default=None,
    help="Append corrected revisions, carrying this note, of stored records that differ from the seed.",
)
@click.option(
    "--release-dates",
    "release_dates",
    type=click.Path(path_type=Path, dir_okay=False),
    default=RELEASE_DATES_CSV,
    show_default=True,
    help="Researched release dates (key,release_date,...).",
)
@click.option(
    "--not-imported",
    "not_imported",
    type=click.Path(path_type=Path, dir_okay=False),
    default=NOT_IMPORTED_MD,
    show_default=True,
    help="Where to write the list of items left out.",
)
@click.option(
    "--left-out-only",
    is_flag=True,
    help="Only rewrite the curated part of the left-out list from left_out/*.md; import nothing.",
)
def main(
    seed_dir: Path,
    records_dir: Path | None,
    dry_run: bool,
    correction_note: str | None,
    release_dates: Path,
    not_imported: Path,
    left_out_only: bool,
) -> None:
    """Import the seed tables (reported scores a/b and ObsScaling) as records."""
    if left_out_only:
        refresh_curated_left_out(not_imported)
        click.echo(f"wrote the curated part of {not_imported}")
        return
    try:
        plan, report = run_seed_import(
            seed_dir,
            records_dir=records_dir,
            dry_run=dry_run,
            correction_note=correction_note,
            paths=CatalogPaths(release_dates=release_dates),
        )
    except SeedError as err:
        raise click.ClickException(f"bad seed input: {err}") from None
    except RulesError as err:
        raise click.ClickException(f"bad public-sources rules: {err}") from None
    except (StoreError, SyncError) as err:
        raise click.ClickException(str(err)) from None
    for line in report.lines():
        click.echo(line)
    for kind in KIND_ORDER:
        click.echo(
            f"{kind}: {plan.new.get(kind, 0)} new, {plan.unchanged.get(kind, 0)} unchanged, "
            f"{plan.corrected.get(kind, 0)} corrected, {plan.retracted.get(kind, 0)} retracted (left alone)"
            + (" [dry run: nothing appended]" if dry_run else "")
        )
    if not dry_run:
        not_imported.write_text(render_not_imported(report, seed_dir), encoding="utf-8")
        click.echo(f"wrote {not_imported}")
    if plan.changed:
        for item in plan.changed:
            click.echo(
                f"needs a correction (stored record differs from the seed, left as is): {item}", err=True
            )
        raise SystemExit(1)


if __name__ == "__main__":
    main()
