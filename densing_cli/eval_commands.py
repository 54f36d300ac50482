"""``densing evaluate`` and ``densing import-lm-eval``.

torch and transformers are imported only inside ``evaluate``; ``import-lm-eval`` needs neither.
"""

from __future__ import annotations

from pathlib import Path

import click

from densing_cli.options import Count, records_option
from densing_data.record_files import slugify
from densing_data.schema.records import MAX_TOKENS
from evaluators.tasks.tasks import TASKS


def _fail(message: str) -> click.ClickException:
    return click.ClickException(message)


def _default_out(model: str, task: str) -> Path:
    return Path("densing-eval") / slugify(model) / f"{task}.json"


def _record_plan(
    ruler: str | None,
    reference_name: str | None,
    training_tokens: int | None,
    checkpoint: str | None,
    final: bool | None,
    as_score: bool,
    model_id: str | None,
    source_url: str | None,
    no_record: bool,
):
    from evaluators.records import ReferencePlan, ScorePlan

    chosen = [
        name for name, on in (("--ruler", ruler), ("--as-score", as_score), ("--no-record", no_record)) if on
    ]
    if len(chosen) != 1:
        raise _fail(
            "say what to record: --ruler RULER (a reference measurement), --as-score (a score record) or "
            f"--no-record (output file only); got {' and '.join(chosen) or 'none of them'}"
        )
    if ruler:
        missing = [
            flag
            for flag, value in (
                ("--reference-name", reference_name),
                ("--training-tokens", training_tokens),
                ("--final/--intermediate", final),
            )
            if value is None
        ]
        if missing:
            raise _fail(f"a reference measurement (--ruler) also needs {', '.join(missing)}")
        return ReferencePlan(ruler, reference_name, training_tokens, checkpoint, bool(final))  # type: ignore[arg-type]
    if as_score:
        missing = [
            flag for flag, value in (("--model-id", model_id), ("--source-url", source_url)) if not value
        ]
        if missing:
            raise _fail(f"a score record (--as-score) also needs {', '.join(missing)}")
        return ScorePlan(model_id, source_url)  # type: ignore[arg-type]
    return None


def _preflight(plan, task: str, shots: int | None, records_dir: Path | None) -> tuple[str, str] | None:
    """(kind, id) of the record to write, after checking it is new and its references exist."""
    from densing_data.store import StoreError
    from evaluators.records import ReferencePlan, preflight, reference_id, score_id

    if plan is None:
        return None
    spec = TASKS[task]
    effective_shots = spec.shots if shots is None else shots
    try:
        if isinstance(plan, ReferencePlan):
            kind, record_id = "reference", reference_id(plan, spec.benchmark)
            needs = {"ruler": plan.ruler, "benchmark": spec.benchmark}
        else:
            if not spec.multiple_choice:
                raise _fail(f"--as-score records accuracy, which task {task!r} (not multiple choice) has not")
            kind, record_id = "score", score_id(plan, spec.benchmark, effective_shots)
            needs = {"model": plan.model_id, "benchmark": spec.benchmark}
        new = preflight(kind, record_id, needs, records_dir)
    except StoreError as err:
        raise _fail(f"cannot record this run:\n{err.report.render()}") from None
    except ValueError as err:
        raise _fail(str(err)) from None
    if not new:
        click.echo(
            f"{kind} record {record_id!r} exists already: nothing to do (a correction needs a new revision)"
        )
        raise SystemExit(0)
    return kind, record_id


@click.command()
@click.option("--model", "model", required=True, help="Hugging Face model id or local path.")
@click.option("--task", "task", required=True, type=click.Choice(sorted(TASKS)), help="Task to evaluate.")
@click.option(
    "--data",
    "data",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="JSONL task file or ScalingBench snapshot folder (default: the public set).",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Score only the first N items.")
@click.option(
    "--shots",
    type=click.IntRange(min=0, max=100),
    default=None,
    help="Few-shot exemplars (default: the task's: mmlu 5, bbh 3, math 4, mbpp 3, humaneval 0).",
)
@click.option(
    "--dtype",
    type=click.Choice(["bf16", "fp32"]),
    default=None,
    help="Weights and activations (default: bf16 on GPU, fp32 on CPU).",
)
@click.option(
    "--batch-tokens",
    type=click.IntRange(min=1),
    default=None,
    help="Padded tokens per forward pass (default: 32768 on GPU, 4096 on CPU).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Per-item results JSON (default: densing-eval/<model>/<task>.json); cache next to it.",
)
@click.option("--ruler", default=None, help="Write a reference measurement for this ruler id.")
@click.option(
    "--reference-name", default=None, help="Reference model (checkpoint) name, e.g. 'DensingLaw s3'."
)
@click.option(
    "--training-tokens",
    type=Count(MAX_TOKENS),
    default=None,
    help="Tokens seen by this checkpoint (e.g. 20000000000 or 20B).",
)
@click.option("--checkpoint", default=None, help="Checkpoint label (step or revision).")
@click.option(
    "--final/--intermediate",
    "final",
    default=None,
    help="Whether the checkpoint ends its training run (required with --ruler).",
)
@click.option("--as-score", is_flag=True, help="Write a score record (accuracy; multiple-choice tasks).")
@click.option("--model-id", default=None, help="Model record id for --as-score.")
@click.option("--source-url", default=None, help="Where the results are published (for --as-score).")
@click.option("--no-record", is_flag=True, help="Write only the output file.")
@records_option
@click.option(
    "--device-map",
    type=click.Choice(["auto"]),
    default=None,
    help="Spread a model too large for one GPU over all GPUs (single process).",
)
@click.option("--revision", default=None, help="Model revision on the Hub.")
@click.option("--trust-remote-code", is_flag=True, help="Allow the model repository's own code.")
@click.option(
    "--max-length", type=click.IntRange(min=2), default=None, help="Override the model's maximum length."
)
@click.option("--no-prefix-reuse", is_flag=True, help="Run each few-shot prefix in full for every item.")
@click.option(
    "--compile/--no-compile",
    "compile_body",
    default=None,
    help="Compile the decoder's MLPs and norms with torch.compile (default: on with CUDA).",
)
@click.option("--no-progress", is_flag=True, help="Hide the progress bar.")
def evaluate(**opts) -> None:
    """Conditional loss (and multiple-choice accuracy) of a model on one task; writes a record.

    Resumable: rerun the same command after an interruption and it continues where it stopped.
    Scale out with torchrun: torchrun --nproc_per_node 8 -m densing_cli.main evaluate ...
    """
    plan = _record_plan(
        opts["ruler"],
        opts["reference_name"],
        opts["training_tokens"],
        opts["checkpoint"],
        opts["final"],
        opts["as_score"],
        opts["model_id"],
        opts["source_url"],
        opts["no_record"],
    )
    target = _preflight(plan, opts["task"], opts["shots"], opts["records_dir"])
    _run_and_record(opts, plan, target)


def _settings(opts: dict, require_accuracy: bool):
    from evaluators.runner import RunSettings

    return RunSettings(
        model=opts["model"],
        task=opts["task"],
        out=opts["out"] or _default_out(opts["model"], opts["task"]),
        data=opts["data"],
        limit=opts["limit"],
        shots=opts["shots"],
        dtype=opts["dtype"],
        batch_tokens=opts["batch_tokens"],
        device_map=opts["device_map"],
        revision=opts["revision"],
        trust_remote_code=opts["trust_remote_code"],
        max_length=opts["max_length"],
        prefix_reuse=not opts["no_prefix_reuse"],
        progress=not opts["no_progress"],
        compile=opts["compile_body"],
        require_accuracy=require_accuracy,
    )


def _run_and_record(opts: dict, plan, target: tuple[str, str] | None) -> None:
    from evaluators.engine.cache import CacheError, ResultCache, cache_dir_for
    from evaluators.engine.distributed import rank_info, setup, teardown
    from evaluators.engine.modeling import ModelLoadError
    from evaluators.runner import OutputError, run_evaluation, summary_line
    from evaluators.tasks.items import TaskDataError
    from evaluators.tasks.requests import RequestError
    from evaluators.tasks.sources import MissingExtraError

    settings = _settings(opts, require_accuracy=bool(opts["as_score"]))
    info = rank_info()
    if info.world > 1 and settings.device_map:
        raise _fail(
            "--device-map auto spreads one model over all GPUs: run it as a single process, not torchrun"
        )
    device = setup(info)
    try:
        outcome = run_evaluation(settings, info, device)
    except (TaskDataError, RequestError, CacheError, MissingExtraError, ModelLoadError, OutputError) as err:
        raise _fail(str(err)) from None
    except OSError as err:
        where = f"{err.filename}: " if err.filename else ""
        raise _fail(f"evaluation of {settings.model!r} stopped: {where}{err.strerror or err}") from None
    if outcome is not None:
        click.echo(summary_line(outcome.measurement.summary))
        click.echo(f"per-item results: {outcome.out}")
        if target is not None:
            _write(plan, outcome, target, opts["records_dir"])
        ResultCache(cache_dir_for(settings.out)).remove()
    teardown(info)


def _write(plan, outcome, target: tuple[str, str], records_dir: Path | None) -> None:
    from densing_data.store import StoreError
    from evaluators.records import ReferencePlan, reference_record, score_record, write_record

    kind, record_id = target
    try:
        if isinstance(plan, ReferencePlan):
            record = reference_record(plan, outcome.measurement)
        else:
            record = score_record(plan, outcome.measurement)
        paths = write_record(kind, record, records_dir)
    except StoreError as err:
        raise _fail(f"record {record_id!r} not written:\n{err.report.render()}") from None
    except ValueError as err:
        raise _fail(str(err)) from None
    click.echo(f"{kind} record {record_id!r} appended to {paths[0]}")


@click.command("import-lm-eval")
@click.argument("results", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--model", "model_id", required=True, help="Model record id the results belong to.")
@click.option(
    "--source-url", required=True, help="Where the results file is published (e.g. the pull request)."
)
@click.option(
    "--task-map",
    multiple=True,
    metavar="TASK=BENCHMARK",
    help="Map an lm-eval task to a benchmark id (repeatable; overrides the built-in map).",
)
@click.option("--skip", multiple=True, metavar="TASK", help="Leave this task out on purpose (repeatable).")
@click.option(
    "--metric", multiple=True, metavar="TASK=KEY", help="Metric key to use for a task, e.g. mmlu=acc,none."
)
@click.option("--protocol", default=None, help="Protocol slug (default: lm-eval-<version>).")
@records_option
@click.option("--dry-run", is_flag=True, help="Print the records as YAML instead of writing them.")
def import_lm_eval(
    results: Path,
    model_id: str,
    source_url: str,
    task_map: tuple[str, ...],
    skip: tuple[str, ...],
    metric: tuple[str, ...],
    protocol: str | None,
    records_dir: Path | None,
    dry_run: bool,
) -> None:
    """Turn an lm-evaluation-harness results JSON into score records (fractions become percent)."""
    from densing_data.store import StoreError, append_records
    from evaluators.lm_eval_import import (
        ImportOptions,
        LmEvalImportError,
        check_model_name,
        parse_pairs,
        read_results,
        score_records,
    )

    try:
        data = read_results(results)
        check_model_name(results, data, model_id, _hf_repo(model_id, records_dir))
        options = ImportOptions(
            model_id=model_id,
            source_url=source_url,
            task_map=parse_pairs(task_map, "--task-map"),
            skip=frozenset(skip),
            metrics=parse_pairs(metric, "--metric"),
            protocol=protocol,
        )
        records = score_records(results, data, options)
    except LmEvalImportError as err:
        raise _fail(str(err)) from None
    if dry_run:
        _print_records(records)
        return
    try:
        paths = append_records("score", records, records_dir=records_dir)
    except StoreError as err:
        raise _fail(f"scores not written:\n{err.report.render()}") from None
    click.echo(f"{len(records)} score records appended to {', '.join(str(p) for p in paths)}")


def _print_records(records: list[dict]) -> None:
    from pydantic import ValidationError

    from densing_data.schema.records import ScoreRecord
    from densing_data.store import record_to_yaml_dict
    from densing_data.strict_yaml import dump_records_yaml

    try:
        valid = [record_to_yaml_dict(ScoreRecord.model_validate(r)) for r in records]
    except ValidationError as err:
        raise _fail(f"a score record would be invalid: {err}") from None
    click.echo(dump_records_yaml(valid), nl=False)


def _hf_repo(model_id: str, records_dir: Path | None) -> str | None:
    from densing_data.paths import RECORDS_DIR
    from densing_data.validate import read_records_dir

    records, _ = read_records_dir(records_dir if records_dir is not None else RECORDS_DIR)
    found = [p.record for p in records.current("model") if p.record.id == model_id]
    return found[0].hf_repo if found else None
