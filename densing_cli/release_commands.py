"""``densing release`` and ``densing verify-release``: freeze a data version, and prove a release
(and every released record) is what its manifest says."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from densing_cli.contrib_commands import DATE, FORMAT_OPTION, render_report, repo_layout, summary_line
from densing_cli.options import repo_option

if TYPE_CHECKING:
    from densing_data.contrib.release.build import ReleaseFit


def release_fit() -> ReleaseFit:
    """How a release's fit outputs are computed: by ``densing_fit.release_fit`` with the code of the
    release's own commit (the working tree's when the release is cut)."""
    from densing_data.contrib.release.build import ReleaseFit
    from densing_fit.release_fit import PACKAGES, ReleaseFitError, fit_release

    return ReleaseFit(run=fit_release, sources=PACKAGES, errors=(ReleaseFitError,))


@click.command()
@click.argument("version")
@click.option(
    "--date",
    "date_",
    type=DATE,
    default=None,
    metavar="YYYY-MM-DD",
    help="Release date, YYYY-MM-DD (default: today).",
)
@repo_option
def release(version: str, date_: dt.date | None, repo: Path | None) -> None:
    """Release data VERSION (CalVer YYYY.MM.N, named for the year and month of the release date):
    freeze the exports and the fit outputs (fit/: densities per track, trend, tracks, ...) under
    releases/VERSION/ with checksums, add it to releases/index.json, write the CHANGELOG entry from
    the record diff, and set the version in DATA_VERSION, CITATION.cff and .zenodo.json. A released
    version never changes."""
    from densing_data.contrib.release.cut import ReleaseError, cut_release

    layout = repo_layout(repo)
    date = date_ or dt.date.today()
    try:
        result = cut_release(layout, version, date, release_fit())
    except ReleaseError as err:
        render_report(err.report, "text")
        raise click.ClickException(str(err)) from None
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(
        f"released {version} ({date.isoformat()}): {layout.releases}/{version}/ (manifest.json and "
        "SHA256SUMS; the exports and fit outputs are rebuilt from the records by `densing verify-release`)"
    )
    for path in result.written:
        click.echo(f"updated {path.relative_to(layout.root).as_posix()}")
    click.echo(
        f"next: commit these in a pull request; once merged, tag the merge commit: "
        f"git tag data-v{version} && git push origin data-v{version} (the release workflow then builds "
        "the exports from the tagged records, checks them against the manifest and attaches them)"
    )


@click.command("verify-release")
@click.argument("version", required=False)
@click.option(
    "--exports",
    type=click.Path(path_type=Path),
    default=None,
    help="A folder of downloaded exports of VERSION (the release's csv/ json/ parquet/ release.json, or "
    "the GitHub release's zips, zipped or unpacked): each file found must equal the release's.",
)
@click.option(
    "--assets",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write the GitHub-release assets of VERSION (zips, release.json, SHA256SUMS) here, built "
    "from the records (fit outputs by the fitter of the release's commit) and checked against the "
    "manifest.",
)
@click.option(
    "--notes",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write VERSION's CHANGELOG entry to this file (release notes).",
)
@click.option(
    "--rebuild/--no-rebuild",
    default=True,
    show_default=True,
    help="Rebuild the exports (and fit outputs, for releases that list them) from each release's records "
    "commit and compare them with its manifest.",
)
@repo_option
@FORMAT_OPTION
def verify_release(
    version: str | None,
    exports: Path | None,
    assets: Path | None,
    notes: Path | None,
    rebuild: bool,
    repo: Path | None,
    fmt: str,
) -> None:
    """Check release VERSION (default: every release) and that the records still hold every released
    record revision unchanged (the content hashes in each release's manifest).

    A release is intact when its manifest, SHA256SUMS and releases/index.json entry agree and the
    exports rebuilt from its records commit hash to the manifest, and so do its fit outputs (from
    2026.12.4 on), computed again by the fitter of that commit; with --exports, downloaded files are
    compared too. Exit 1 naming the record, the release and the field when a released record changed.
    """
    import tempfile

    from densing_data.contrib.release import changelog
    from densing_data.contrib.release.assets import build_assets
    from densing_data.contrib.release.files import release_versions
    from densing_data.contrib.release.verify import verify_frozen
    from densing_data.contrib.release.verify import verify_release as run_verify
    from densing_data.report import Report

    layout = repo_layout(repo)
    versions = [version] if version else release_versions(layout)
    if (exports or assets or notes) and not version:
        raise click.UsageError("--exports, --assets and --notes need a VERSION")
    report = Report()
    checked = verify_frozen(layout, report).checked
    if not versions and report.ok:
        raise click.ClickException(f"no release yet ({layout.releases}/ holds none)")
    lines = [f"records: {checked:,} released record revisions unchanged"] if report.ok else []
    with tempfile.TemporaryDirectory(prefix="densing-assets-") as tmp:
        for name in versions:
            out = Path(tmp) / name if assets is not None else None
            result = run_verify(
                layout, name, rebuild_exports=rebuild, exports=exports, out=out, fit=release_fit()
            )
            report.problems.extend(result.report.problems)
            if result.report.ok:
                warned = any(p.severity == "warning" for p in result.report.problems)
                how = "manifest ok"
                if result.rebuilt_from:
                    verdict = "match"
                    if warned:
                        verdict = "were built with other library versions (see the warnings)"
                    what = f"exports and {result.fit_files} fit outputs" if result.fit_files else "exports"
                    how = f"{what} rebuilt from {result.rebuilt_from} {verdict}"
                got = f"; {result.downloaded} downloaded file(s) match" if exports is not None else ""
                lines.append(f"release {name}: {how}{got}")
        render_report(report, fmt)
        if not report.ok:
            raise click.ClickException(summary_line("verify-release", report))
        for line in lines:
            click.echo(line, err=True)
        if assets is not None and version is not None:
            for path in build_assets(Path(tmp) / version, version, assets):
                click.echo(str(path))
    if notes is not None:
        log = layout.path(layout.changelog)
        section = changelog.sections(log.read_text(encoding="utf-8")).get(version) if log.exists() else None
        if section is None:
            raise click.ClickException(f"{layout.changelog} has no entry for {version}")
        notes.write_text(section, encoding="utf-8")
