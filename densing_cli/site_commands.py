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
@click.option(
    "--releases",
    "releases_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The folder of data releases, inside the repository (default: releases/).",
)
@click.option(
    "--frozen/--no-frozen",
    default=True,
    show_default=True,
    help="Also build the frozen copy of the data version (when it is a release) into OUT/v/VERSION/.",
)
def build(
    out: Path,
    records_dir: Path | None,
    fit_dir: Path | None,
    ruler: str | None,
    docs_dir: Path | None,
    strict: bool,
    commit: str | None,
    releases_dir: Path | None,
    frozen: bool,
) -> None:
    """Fit densities and render the whole site from the records into OUT (default site/), with the
    frozen pages of the data version under OUT/v/VERSION/ (older versions' frozen pages are built by
    `densing build-version` and kept by `densing keep-published`)."""
    from densing_data.loader import DataError
    from densing_site.build import build_site
    from densing_site.errors import SiteError
    from densing_site.paths import RELEASES_DIR, SITE_SRC

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
            releases_dir=releases_dir or RELEASES_DIR,
            frozen=frozen,
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


@click.command("build-version")
@click.argument("version")
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder for the frozen pages (replaced if it holds a frozen copy) [default: site/v/VERSION].",
)
@click.option(
    "--zip",
    "zip_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also pack the frozen pages into this reproducible zip (a release asset).",
)
@click.option(
    "--commit",
    default=None,
    metavar="SHA",
    help="Full hash of the commit building the pages, named by their banner when the release predates "
    "released fit outputs (default: git's HEAD).",
)
def build_version(version: str, out: Path | None, zip_path: Path | None, commit: str | None) -> None:
    """Build the frozen pages of released data VERSION (its leaderboards, densing-law page and model
    pages, with release.json, the fit outputs they show and SHA256SUMS) from the records of its
    release commit. Published frozen pages never change: the deploy keeps them (`densing
    keep-published`) instead of building them again."""
    from densing_site.errors import SiteError
    from densing_site.versions.catalog import FROZEN_ROOT
    from densing_site.versions.frozen import build_frozen, zip_frozen

    target = out if out is not None else Path("site") / FROZEN_ROOT / version
    try:
        result = build_frozen(version, target, commit=commit)
        if zip_path is not None:
            zip_frozen(target, version, zip_path)
    except SiteError as err:
        raise click.ClickException(str(err)) from None
    timing = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in result.seconds.items())
    click.echo(
        f"built the frozen pages of {version} into {target}: {result.files} files ({timing})", err=True
    )
    if zip_path is not None:
        click.echo(str(zip_path))


@click.command("keep-published")
@click.argument("url")
@click.option(
    "--site",
    "site_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=Path("site"),
    show_default=True,
    help="The built site whose v/VERSION/ folders are kept or filled.",
)
@click.option(
    "--commit",
    default=None,
    metavar="SHA",
    help="Full hash of the commit building the versions not published yet (default: git's HEAD).",
)
def keep_published(url: str, site_dir: Path, commit: str | None) -> None:
    """Keep the frozen pages the site at URL already publishes (e.g.
    https://densing-law.github.io/leaderboard/): for every released data version, download
    URL/v/VERSION/ (each file checked against its SHA256SUMS) into SITE/v/VERSION/ in place of any
    built copy, and build only the versions URL does not publish yet. Exit 1 when URL cannot be
    read or a published file does not match: published frozen pages never change."""
    from densing_site.errors import SiteError
    from densing_site.paths import RELEASES_DIR
    from densing_site.versions.frozen import build_frozen
    from densing_site.versions.publish import keep_published as keep

    versions = _released(RELEASES_DIR)
    try:
        kept = keep(site_dir, url, versions, lambda v, folder: build_frozen(v, folder, commit=commit))
    except SiteError as err:
        raise click.ClickException(str(err)) from None
    for item in kept:
        how = "kept as published" if item.how == "published" else "built here (not published yet)"
        click.echo(f"{item.version}: {item.files} files, {how}", err=True)


def _released(releases_dir: Path) -> list[str]:
    """Every released version, oldest first."""
    from densing_data.contrib.layout import RepoLayout
    from densing_data.contrib.release.files import release_versions

    return release_versions(RepoLayout(releases_dir.parent, releases=releases_dir.name))
