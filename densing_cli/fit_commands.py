"""``densing fit``: fit rulers, densities and the densing-law trend; write the fit outputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from densing_cli.options import records_option


@click.command()
@click.option(
    "--ruler", "ruler_id", default=None, help="Ruler id (default: the ruler record marked default)."
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("out/fit"),
    show_default=True,
    help="Directory for densities.csv, trend.json, ruler.json, rulers.json, sensitivity.csv, "
    "compression.csv.",
)
@records_option
@click.option(
    "--include-mismatched",
    is_flag=True,
    help="Use scores whose shots/CoT differ from the ruler's (they stay flagged protocol_mismatch).",
)
@click.option(
    "--strict-protocol",
    is_flag=True,
    help="Treat scores whose source states no shots or CoT as protocol mismatches.",
)
@click.option(
    "--d0-tokens",
    type=click.FloatRange(min=1.0),
    default=1e12,
    show_default=True,
    help="Training tokens D0 at which a two-step ruler reads effective sizes (paper: 1e12; journal: 5e12).",
)
@click.option(
    "--min-benchmarks",
    type=click.IntRange(min=1),
    default=None,
    help="Fewest benchmarks for an aggregate effective size (default: half the set, rounded up).",
)
@click.option(
    "--resamples",
    type=click.IntRange(min=10),
    default=1000,
    show_default=True,
    help="Bootstrap resamples of the trend.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap.")
@click.option(
    "--cut-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default="2022-11-30",
    show_default=True,
    help="Date splitting the trend into before and after.",
)
@click.option("--no-sensitivity", is_flag=True, help="Skip the ruler × benchmark-set sensitivity table.")
def fit(
    ruler_id: str | None,
    out_dir: Path,
    records_dir: Path | None,
    include_mismatched: bool,
    strict_protocol: bool,
    d0_tokens: float,
    min_benchmarks: int | None,
    resamples: int,
    seed: int,
    cut_date: dt.datetime,
    no_sensitivity: bool,
) -> None:
    """Fit rulers, effective sizes, densities and the densing-law trend; write them to OUT."""
    from densing_data.loader import DataError, load
    from densing_fit.errors import FitError
    from densing_fit.outputs import write_outputs
    from densing_fit.pipeline import FitOptions, fit_all

    try:
        ds = load(records_dir)
    except DataError as err:
        click.echo(err.report.render(), err=True)
        raise click.ClickException(
            "the records are invalid; run `densing validate` for the full report"
        ) from None
    options = FitOptions(
        ruler_id=ruler_id,
        include_mismatched=include_mismatched,
        strict_protocol=strict_protocol,
        d0_tokens=d0_tokens,
        min_benchmarks=min_benchmarks,
        n_resamples=resamples,
        seed=seed,
        cut_date=cut_date.date(),
        sensitivity=not no_sensitivity,
    )
    try:
        result = fit_all(ds, options)
    except FitError as err:
        raise click.ClickException(str(err)) from None
    written = write_outputs(result, out_dir)
    for line in summary_lines(result.trend, result.ruler, result.densities):
        click.echo(line)
    click.echo("wrote " + ", ".join(str(p) for p in written))


def _days(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _fit_line(label: str, fit: dict[str, Any] | None) -> str:
    if fit is None:
        return f"{label}: no models in the trend"
    if fit.get("error"):
        return f"{label}: no fit ({fit['error']})"
    low, high = fit["doubling_days_ci"]
    return (
        f"{label}: doubling time {_days(fit['doubling_days'])} days "
        f"({_days(fit['doubling_months'])} months), CI [{_days(low)}, {_days(high)}] days, "
        f"R² {fit['r2']:.3f}, {fit['n_frontier']} frontier of {fit['n_models']} models"
    )


def summary_lines(trend: dict[str, Any], ruler: dict[str, Any], densities: Any) -> list[str]:
    """The short summary ``densing fit`` prints."""
    fitted = [b for b, part in ruler["benchmarks"].items() if "error" not in part]
    failed = [b for b, part in ruler["benchmarks"].items() if "error" in part]
    level = round(100 * trend["bootstrap"]["confidence"])
    n_sized = int(densities["effective_params"].notna().sum())
    n_trend = int(densities["in_trend"].sum())
    lines = [
        f"ruler {ruler['ruler']} ({ruler['kind']}), data {trend['data_version']}; "
        f"fitted on {', '.join(fitted) or 'no benchmark'}"
        + (f"; not fitted: {', '.join(failed)}" if failed else ""),
        f"models: {len(densities)}, with an effective size: {n_sized}, in the trend: {n_trend}",
        _fit_line(f"densing law ({level}% CI)", trend),
    ]
    cut = trend["cut"]
    lines.append(_fit_line(f"  before {cut['date']}", cut["before"]))
    lines.append(_fit_line(f"  from {cut['date']}", cut["after"]))
    return lines
