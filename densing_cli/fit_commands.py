"""``densing fit``: fit rulers, densities and the densing-law trend; write the fit outputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from densing_cli.forecast_report import forecast_lines
from densing_cli.options import records_option


@click.command()
@click.option(
    "--ruler",
    "ruler_id",
    default=None,
    help="Main track by its ruler: the track reading that ruler, else one of its own "
    "(default: the default track).",
)
@click.option(
    "--track",
    "track_id",
    default=None,
    help="Main track by id: paper-settings (default), uniform-harness, loss-based.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("out/fit"),
    show_default=True,
    help="Directory for the main track's densities.csv, trend.json, ruler.json; rulers.json, "
    "sensitivity.csv, compression.csv; tracks.json, tracks/<id>/, densities_by_track.csv, "
    "agreement.csv/json, flags.json; capabilities.json/csv.",
)
@records_option
@click.option(
    "--include-mismatched",
    is_flag=True,
    help="Use scores a track refuses for their stated or unstated shots/CoT (they stay flagged "
    "protocol_mismatch or protocol_unstated and are not citable).",
)
@click.option(
    "--strict-protocol",
    is_flag=True,
    help="On a ruler no track reads (its own ruler-<id> track), refuse scores whose source states no "
    "shots, as the defined tracks always do.",
)
@click.option(
    "--d0-tokens",
    type=click.FloatRange(min=1.0),
    default=None,
    help="Training tokens D0 at which every two-step ruler reads effective sizes (default: each track's "
    "own: 5e12 on loss-based, as in the paper's journal version; else 1e12, as in its arXiv version).",
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
@click.option(
    "--no-capabilities",
    is_flag=True,
    help="Skip the densing law per capability group (capabilities.json, capabilities.csv).",
)
def fit(
    ruler_id: str | None,
    track_id: str | None,
    out_dir: Path,
    records_dir: Path | None,
    include_mismatched: bool,
    strict_protocol: bool,
    d0_tokens: float | None,
    min_benchmarks: int | None,
    resamples: int,
    seed: int,
    cut_date: dt.datetime,
    no_sensitivity: bool,
    no_capabilities: bool,
) -> None:
    """Fit every track (a ruler read with one protocol's scores): effective sizes, densities and the
    densing-law trend; compare the tracks; write everything to OUT."""
    from densing_cli.capability_lines import capability_lines
    from densing_data.loader import DataError, load
    from densing_fit.errors import FitError
    from densing_fit.options import FitOptions
    from densing_fit.outputs import write_outputs
    from densing_fit.pipeline import fit_all

    try:
        ds = load(records_dir)
    except DataError as err:
        click.echo(err.report.render(), err=True)
        raise click.ClickException(
            "the records are invalid; run `densing validate` for the full report"
        ) from None
    options = FitOptions(
        ruler_id=ruler_id,
        track_id=track_id,
        include_mismatched=include_mismatched,
        strict_protocol=strict_protocol,
        d0_tokens=d0_tokens,
        min_benchmarks=min_benchmarks,
        n_resamples=resamples,
        seed=seed,
        cut_date=cut_date.date(),
        sensitivity=not no_sensitivity,
        capabilities=not no_capabilities,
    )
    try:
        result = fit_all(ds, options)
    except FitError as err:
        raise click.ClickException(str(err)) from None
    written = write_outputs(result, out_dir)
    for line in summary_lines(result.trend, result.ruler, result.densities):
        click.echo(line)
    for line in track_lines(result):
        click.echo(line)
    for line in capability_lines(result.capabilities):
        click.echo(line)
    click.echo("wrote " + ", ".join(str(p) for p in written))


def _days(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _fit_line(label: str, fit: dict[str, Any] | None) -> str:
    if fit is None:
        return f"{label}: no models in the trend"
    if fit.get("error"):
        line = f"{label}: no fit ({fit['error']})"
    else:
        low, high = fit["doubling_days_ci"]
        line = (
            f"{label}: doubling time {_days(fit['doubling_days'])} days "
            f"({_days(fit.get('doubling_months'))} months), CI [{_days(low)}, {_days(high)}] days, "
            f"R² {fit['r2']:.3f}, {fit['n_frontier']} frontier of {fit['n_models']} models"
        )
    every = fit.get("all_models")
    if every and not every.get("error"):
        low, high = every["slope_per_day_ci"]
        line += (
            f"; all {every['n_models']} models: slope {every['slope_per_day']:.4f}/day "
            f"[{low:.4f}, {high:.4f}], " + _rate(every["slope_per_day"], low, high)
        )
    adjusted = fit.get("size_adjusted")
    if adjusted and not adjusted.get("error"):
        low, high = adjusted["slope_per_day_ci"]
        line += (
            f"; at equal size: slope {adjusted['slope_per_day']:.4f}/day [{low:.4f}, {high:.4f}], "
            + _rate(adjusted["slope_per_day"], low, high)
            + f", ln N coefficient {adjusted['log_params_coef']:.2f}"
        )
    return line


def track_lines(result: Any) -> list[str]:
    """One line per track and one sentence per pair of tracks."""
    lines = [f"tracks (default {result.default_track}, main {result.track_id}):"]
    for track in result.tracks:
        part = track.summary()
        low, high = part["doubling_days_ci"]
        before = part["before"] or {}
        lines.append(
            f"  {part['id']} (ruler {part['ruler']}): {part['n_models']} with a density, "
            f"{part['n_citable']} citable, {part['n_trend']} in the trend "
            f"from {part['first_release'] or 'n/a'}; "
            + (
                f"no trend ({part['error']})"
                if part["error"]
                else f"doubling {_days(part['doubling_days'])} days [{_days(low)}, {_days(high)}]"
            )
            + f"; before {part['cut_date']}: {before.get('n_models', 0)} models"
        )
        lines += _track_detail_lines(track.trend)
    lines += [f"  {pair['sentence']}" for pair in result.agreement]
    lines += backtest_lines(result.rulers)
    return lines


def _track_detail_lines(trend: dict[str, Any]) -> list[str]:
    """The verdict, the per-active-parameter fit and the fit with the ruler's own models."""
    out = []
    verdict = trend.get("verdict") or {}
    if verdict:
        window = verdict.get("window") or {}
        out.append(
            f"    verdict ({window.get('start')} to {window.get('end')}): {verdict['verdict']}, "
            f"{verdict['reason']}"
        )
        for label, key in (("earlier line", "earlier"), ("within the window", "recent")):
            part = verdict.get(key)
            if part:
                low, high = part["doubling_days_ci"]
                doubling = f"doubling {_days(part['doubling_days'])} days [{_days(low)}, {_days(high)}]"
                counts = f"{part['n_frontier']} frontier of {part['n_models']} models"
                out.append(f"      {label}: {doubling}, {counts}")
    out += forecast_lines(trend)
    active = trend.get("active_params")
    if active:
        out.append("    " + _fit_line("per active parameter", active))
    members = trend.get("with_reference_models")
    if members:
        out.append("    " + _fit_line(f"with the ruler's {len(members['added'])} own models", members))
    return out


def backtest_lines(rulers: dict[str, dict[str, Any]]) -> list[str]:
    """The extrapolation back-test of every ruler, by extrapolation factor."""
    lines = ["extrapolation back-test (ln N̂ - ln N of reference models left out of the fit):"]
    for ruler_id, ruler in sorted(rulers.items()):
        test = ruler.get("backtest")
        if not test or not (test["n_points"] or test["n_unreadable"]):
            continue
        bias = "n/a" if test["bias"] is None else f"{test['bias']:+.2f}"
        lines.append(
            f"  {ruler_id}: kappa {test['kappa']:.2f} per ln(factor), bias {bias}, "
            f"{test['n_points']} points, {test['n_unreadable']} unreadable"
        )
        for row in test["by_factor"]:
            high = "" if row["factor_high"] is None else f"{row['factor_high']:g}"
            rms = "n/a" if row["rms_error"] is None else f"{row['rms_error']:.2f}"
            typical = "n/a" if row["typical_factor"] is None else f"{row['typical_factor']:.2f}x"
            lines.append(
                f"    factor {row['factor_low']:g}-{high or '...'}: {row['n_points']} read, "
                f"{row['n_unreadable']} unreadable, RMS error {rms}, typical error {typical}"
            )
    return lines


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
    lines.append(_fit_line("  citable readings only", trend["citable_only"]))
    lines.append(_fit_line(f"  before {cut['date']}", cut["before"]))
    lines.append(_fit_line(f"  from {cut['date']}", cut["after"]))
    without = trend.get("without_added")
    if without is not None:
        label = f"  without the {len(without['added'])} added since release {without['release']}"
        lines.append(_fit_line(label, without))
    return lines


def _rate(slope: float, low: float | None, high: float | None) -> str:
    """A slope per day and its interval as a doubling (or halving) time in days with its interval,
    or, when the interval includes zero, the fastest doubling it allows."""
    from densing_fit.trend.law import doubling_days as days

    if low is None or high is None:
        return "no interval"
    if low > 0:
        return f"doubling {days(slope):.1f} days [{days(high):.1f}, {days(low):.1f}]"
    if high < 0:
        return f"halving {days(-slope):.1f} days [{days(-low):.1f}, {days(-high):.1f}]"
    fastest = f"doubling no faster than {days(high):.1f} days" if high > 0 else "no doubling"
    return f"growth not established (interval includes zero), {fastest}"
