"""``densing build``: fit and render the whole site from the records."""

from __future__ import annotations

from pathlib import Path

import click

from densing_cli.options import records_option


@click.command()
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("site"),
    show_default=True,
    help="Directory to write the built site to (replaced).",
)
@records_option
@click.option(
    "--fit-dir",
    "fit_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Use the outputs of `densing fit --out DIR` instead of fitting again.",
)
@click.option("--ruler", default=None, help="Ruler id to fit with (default: the default ruler).")
@click.option(
    "--src",
    "docs_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where to generate the pages (default: site_src/).",
)
@click.option("--strict", is_flag=True, help="Fail on any mkdocs warning (broken links, missing pages).")
@click.option(
    "--commit",
    default=None,
    metavar="SHA",
    help="Full hash of the commit these files come from, for links to record files (default: git's "
    "HEAD; needed when building outside a git checkout).",
)
def build(
    out: Path,
    records_dir: Path | None,
    fit_dir: Path | None,
    ruler: str | None,
    docs_dir: Path | None,
    strict: bool,
    commit: str | None,
) -> None:
    """Fit densities and render the whole site from the records into OUT (default site/)."""
    from densing_data.loader import DataError
    from densing_site.build import build_site
    from densing_site.errors import SiteError
    from densing_site.paths import SITE_SRC

    if ruler is not None and fit_dir is not None:
        raise click.UsageError("--ruler chooses the ruler to fit with; it has no effect with --fit-dir")
    try:
        result = build_site(
            records_dir=records_dir,
            out_dir=out,
            fit_dir=fit_dir,
            docs_dir=docs_dir or SITE_SRC,
            ruler=ruler,
            strict=strict,
            commit=commit,
        )
    except DataError as err:
        click.echo(err.report.render(), err=True)
        raise SystemExit(1) from None
    except SiteError as err:
        raise click.ClickException(str(err)) from None
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    timing = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in result.seconds.items())
    click.echo(f"built {len(result.generated.models)} model pages into {result.out_dir} ({timing})", err=True)
