"""``python -m densing_data.importers.public_sources``: cite public places instead of internal tooling.

Appends, through the store, a corrected revision of every current record whose text names internal
tooling, rewritten by the rules file (see :mod:`densing_data.importers.public_sources`). Prints how
many records of each kind got a revision; lists text no rule covers (``file:line: ...``) and exits 1
then (the records the rules do cover are still revised). A second run appends nothing.
"""

from __future__ import annotations

from pathlib import Path

import click

from densing_data.importers.public_sources.revise import run_public_sources
from densing_data.importers.public_sources.rules import RULES_YAML, RulesError, load_rules
from densing_data.store import StoreError


@click.command()
@click.option(
    "--records",
    "records_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Records directory to correct (default: the shipped records).",
)
@click.option(
    "--rules",
    "rules_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=RULES_YAML,
    show_default=True,
    help="The reviewed rewrite rules.",
)
@click.option("--dry-run", is_flag=True, help="Say what would be revised; append nothing.")
def main(records_dir: Path | None, rules_path: Path, dry_run: bool) -> None:
    """Append corrected revisions whose sources name public places only."""
    try:
        rules = load_rules(rules_path)
        plan = run_public_sources(rules, records_dir=records_dir, dry_run=dry_run)
    except RulesError as err:
        raise click.ClickException(str(err)) from None
    except StoreError as err:
        raise click.ClickException(str(err)) from None
    for kind, items in plan.to_append.items():
        click.echo(
            f"{kind}: {len(items)} record(s) revised" + (" [dry run: nothing appended]" if dry_run else "")
        )
    if not plan.to_append:
        click.echo("nothing to revise: no current record names internal tooling that a rule covers")
    for leftover in plan.leftovers:
        click.echo(leftover.as_text(), err=True)
    if plan.leftovers:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
