"""``densing density``: one model's effective size and density on every track, from its scores, before
any record is written (the command-line face of the site's density calculator).

The inputs are read and checked first (so a typo is reported before the fit starts), then every
track is fitted on the records as ``densing fit`` fits it, and the model is read on each through the
fit's own code path (:func:`densing_fit.calculator.read_model`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from densing_cli.options import records_option

SCORE_HELP = (
    "A score as BENCH=VALUE[:SHOTS[:COT]][@PROTOCOL], e.g. mmlu=65.1:5, bbh=70.2:3:cot, "
    "hellaswag=80.3:10@obsscaling (SHOTS and COT: ? when the source does not state them; COT: cot or "
    "nocot; PROTOCOL: the harness, obsscaling or olmes for the harness tracks). Repeat for each score; "
    "given twice on a benchmark, the first is preferred. Replaces the file's or model's scores on that "
    "benchmark."
)


@click.command()
@click.option("--score", "score_specs", multiple=True, metavar="SPEC", help=SCORE_HELP)
@click.option(
    "--scores-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="YAML or JSON file with params_total, release_date, optional params_active and kind, and scores: "
    "a list of {benchmark, value, shots, cot, protocol} or of SPEC strings.",
)
@click.option(
    "--from-model",
    "from_model",
    default=None,
    metavar="MODEL_ID",
    help="Start from a recorded model: its sizes, release date, kind and scores (the page's presets); "
    "the other options replace what they name. Its own reading is left out of the ranks.",
)
@click.option(
    "--as-model",
    "as_model",
    default=None,
    metavar="MODEL_ID",
    help="Read the inputs as recorded model MODEL_ID without taking its scores: its own reading is left out "
    "of the ranks, and it is flagged reference_model on a track whose ruler it belongs to (what the page's "
    "address says after a preset).",
)
@click.option(
    "--params-total", default=None, metavar="COUNT", help="Total parameters (7241732096, 7.24B, 300M, 2T)."
)
@click.option(
    "--params-active",
    default=None,
    metavar="COUNT",
    help="Active parameters per token, for a mixture of experts (default: the total).",
)
@click.option("--release-date", default=None, metavar="YYYY-MM-DD", help="Release date.")
@click.option(
    "--kind",
    default=None,
    metavar="KIND",
    help="base (default) or the kind of a derived model (instruct, chat, pruned, distilled, quantized, "
    "merged, other): not base is flagged not_base and neither ranked nor in the trend.",
)
@click.option(
    "--track", "track_ids", multiple=True, help="Only this track (repeat for several; default: all)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@records_option
def density(
    score_specs: tuple[str, ...],
    scores_file: Path | None,
    from_model: str | None,
    as_model: str | None,
    params_total: str | None,
    params_active: str | None,
    release_date: str | None,
    kind: str | None,
    track_ids: tuple[str, ...],
    as_json: bool,
    records_dir: Path | None,
) -> None:
    """Effective size and density of one model on every track, with 90% intervals, flags in words, the
    rank it would take among the citable readings and where it stands against each track's
    densing-law line at its release date: the same numbers as `densing fit` and the site's calculator."""
    from densing_data.loader import DataError, load
    from densing_fit.calculator import InputError, read_model
    from densing_fit.errors import FitError
    from densing_fit.pipeline import fit_all

    try:
        ds = load(records_dir)
    except DataError as err:
        click.echo(err.report.render(), err=True)
        raise click.ClickException(
            "the records are invalid; run `densing validate` for the full report"
        ) from None
    try:
        model = _inputs(
            ds,
            score_specs,
            scores_file,
            from_model,
            as_model,
            params_total,
            params_active,
            release_date,
            kind,
        )
    except InputError as err:
        raise click.ClickException(str(err)) from None
    try:
        result = fit_all(ds, sensitivity=False, compare_release=False)
    except FitError as err:
        raise click.ClickException(str(err)) from None
    known = [t.track.id for t in result.tracks]
    unknown = [t for t in track_ids if t not in known]
    if unknown:
        raise click.ClickException(
            f"unknown track(s) {', '.join(unknown)}; the tracks are: {', '.join(known)}"
        )
    outcomes = [o for o in read_model(ds, result, model) if not track_ids or o.track in track_ids]
    from densing_cli.density_text import outcome_document, outcome_lines

    if as_json:
        click.echo(
            json.dumps(outcome_document(model, outcomes, result.data_version), indent=2, sort_keys=True)
        )
        return
    for line in outcome_lines(model, outcomes, result.data_version, result.benchmark_info):
        click.echo(line)


def _inputs(
    ds: Any,
    score_specs: tuple[str, ...],
    scores_file: Path | None,
    from_model: str | None,
    as_model: str | None,
    params_total: str | None,
    params_active: str | None,
    release_date: str | None,
    kind: str | None,
) -> Any:
    """The checked inputs: the file's or the recorded model's, with the options' replacements."""
    from densing_fit.calculator.inputs import InputError, input_from_mapping, model_input, parse_score
    from densing_fit.calculator.presets import benchmarks_read, recorded_input

    maxima = benchmarks_read(ds)
    if scores_file is not None and from_model is not None:
        raise InputError("give --scores-file or --from-model, not both")
    if as_model is not None and from_model is not None and as_model != from_model:
        raise InputError(f"--as-model {as_model} and --from-model {from_model} name different models")
    if as_model is not None and as_model not in set(ds.models["id"].astype(str)):
        raise InputError(
            f"--as-model {as_model!r} is not a recorded model (data {ds.version}); give a model id"
        )
    base: dict[str, Any] = {"scores": ()}
    if scores_file is not None:
        model = input_from_mapping(_load_inputs_file(scores_file), maxima, str(scores_file))
        if model.model_id is not None and model.model_id not in set(ds.models["id"].astype(str)):
            raise InputError(
                f"{scores_file}: model {model.model_id!r} is not a recorded model (data {ds.version})"
            )
        base = vars(model).copy()
    elif from_model is not None:
        base = vars(recorded_input(ds, from_model, maxima)).copy()
    given = [parse_score(spec, maxima) for spec in score_specs]
    replaced = {s.benchmark for s in given}
    scores = [*given, *(s for s in base["scores"] if s.benchmark not in replaced)]
    total = params_total if params_total is not None else base.get("params_total")
    date = release_date if release_date is not None else base.get("release_date")
    if total is None or date is None:
        missing = [o for o, v in (("--params-total", total), ("--release-date", date)) if v is None]
        raise InputError(f"{' and '.join(missing)} missing (or give --scores-file or --from-model)")
    return model_input(
        params_total=total,
        params_active=params_active if params_active is not None else base.get("params_active"),
        release_date=date,
        kind=kind if kind is not None else base.get("kind", "base"),
        scores=scores,
        model_id=as_model or base.get("model_id"),
    )


def _load_inputs_file(path: Path) -> Any:
    """A YAML or JSON file's content (InputError naming the file and line when it cannot be read)."""
    from densing_fit.calculator.inputs import InputError

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot read it ({err.__class__.__name__}: {err})") from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(f"{path}:{err.lineno}: invalid JSON: {err.msg}") from None
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise InputError(f"{where}: invalid YAML: {getattr(err, 'problem', None) or err}") from None
