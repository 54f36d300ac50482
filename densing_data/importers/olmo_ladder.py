"""Import the OLMo model ladder (Bhagia et al. 2024) as the two-step ruler ``olmo-ladder``.

Run ``python -m densing_data.importers.olmo_ladder [SEED_DIR]``. It reads
``SEED_DIR/ladders/olmo_ladder_bhagia2024.csv`` (or a CSV file given directly) and appends, through the
store, the ten ``-rc`` benchmark records, the ruler record and the reference records:

* every run's final (learning-rate-annealed) checkpoint for every RC benchmark: step 1, L(N, D);
* thinned intermediate checkpoints of the 25 ladder runs for a few benchmarks: step 2, score vs loss
  (the first 10% of each run skipped, at most :data:`MAX_INTERMEDIATE_PER_RUN` evenly spaced per run);
* the held-out targets 7B-4T and 13B-5T (final checkpoints, plus the paper's 13B target window),
  whose ``notes`` start with :data:`HELD_OUT_NOTE` so fitters leave them out.

A second run on the same input appends nothing (see :mod:`densing_data.importers.sync`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from densing_data.importers.olmo_ladder_csv import LadderCheckpoint, LadderCsvError, read_ladder_csv
from densing_data.importers.olmo_ladder_tasks import BENCHMARKS_BY_ID, RC_BENCHMARKS, RcBenchmark
from densing_data.importers.sync import SyncError, SyncPlan, sync_records
from densing_data.record_files import slugify
from densing_data.store import StoreError

RULER_ID = "olmo-ladder"
CSV_IN_SEED_DIR = Path("ladders") / "olmo_ladder_bhagia2024.csv"
DEFAULT_SEED_DIR = Path("/work/shared/seed-data")
REPO_URL = "https://github.com/allenai/OLMo-ladder"
COMMIT = "67a3f440f787d020da35e3ca8eeae475fae754f5"
DATA_PATH = "src/scripts/paper/data/ladder-runs"
SOURCE_URL = f"{REPO_URL}/tree/{COMMIT}/{DATA_PATH}"
PAPER_URL = "https://arxiv.org/abs/2412.04403"
RECORDED = dt.date(2026, 11, 23)
PROVENANCE = {"kind": "third_party", "by": "AI2 OLMo ladder (Bhagia et al. 2024)"}
PARAMS_DEFINITION = "all parameters except the input embedding (OLMo ladder N)"
TOKENIZER = "allenai/dolma2-tokenizer"
SHOTS = 5

INTERMEDIATE_BENCHMARKS = ("mmlu-rc", "hellaswag-rc", "arc-challenge-rc")
"""Benchmarks recorded at intermediate checkpoints too (for the score-vs-loss fit)."""
MAX_INTERMEDIATE_PER_RUN = 8
"""At most this many intermediate checkpoints per ladder run, evenly spaced."""
SKIP_FRACTION = 0.1
"""Intermediate checkpoints before this fraction of a run's final tokens are skipped (as in the paper)."""

HELD_OUT_NOTE = "Held-out target (not used for fitting)"
"""Start of the notes of every target reference record."""
TARGET_WINDOW_NOTE = "paper target window"
"""CSV notes of the 13B checkpoints the paper evaluates its 13B prediction on."""
TARGETS = {
    "7B-4T": (
        "OLMo-2-1124-7B (peteish7): stage-1 pretraining cut at 928,646 steps, then a 50B-token anneal on a "
        "different data mix; row of peteish7_eval_anneal.csv, the paper's 7B prediction target."
    ),
    "13B-5T": (
        "OLMo-2 13B (peteish13): stage-1 pretraining to 5T tokens at the end of its cosine schedule; "
        "the paper's 13B prediction target."
    ),
}
"""Held-out target runs -> what they are."""
TARGET_FILES = {"7B-4T": "peteish7_eval_anneal.csv", "13B-5T": "peteish13_eval_final.csv"}
PAPER_FIT_RUNS = frozenset(
    f"{size}-{length}"
    for size in ("190M", "370M", "760M", "1.3B")
    for length in ("1xC", "2xC", "5xC", "10xC")
)
"""The ladder runs of the paper's main fit configuration (``src/scripts/paper/configs/final.json``)."""
LADDER_RUN = re.compile(r"^(190M|370M|760M|1\.3B|3\.2B)-(0\.5|1|2|5|10)xC$")
SOURCE_SIZE_NAMES = {"1.3B": "1B", "3.2B": "3B"}
"""Paper size label -> size label in the source file names."""

BPB_DEFINITION = (
    "rc_bpb: mean over questions of -log2 p(correct answer continuation | 5-shot RC prompt) divided by "
    "the answer's length in UTF-8 bytes."
)
MMLU_BPB_DEFINITION = BPB_DEFINITION + (
    " MMLU: weighted mean of the four category values (STEM 0.215, humanities 0.335, social sciences "
    "0.219, other 0.231), as the paper does."
)


def thin_intermediates(
    intermediates: Sequence[LadderCheckpoint], final_tokens: int, max_count: int, skip_fraction: float
) -> list[LadderCheckpoint]:
    """Skip checkpoints before ``skip_fraction`` of ``final_tokens``; keep ``max_count`` evenly spaced.

    The first and last remaining checkpoints are always kept when ``max_count`` >= 2.
    """
    eligible = sorted(
        (c for c in intermediates if c.tokens >= skip_fraction * final_tokens), key=lambda c: c.tokens
    )
    if len(eligible) <= max_count:
        return eligible
    if max_count == 1:
        return [eligible[-1]]
    last = len(eligible) - 1
    return [eligible[(2 * i * last + max_count - 1) // (2 * (max_count - 1))] for i in range(max_count)]


def select_checkpoints(
    checkpoints: Sequence[LadderCheckpoint], csv_path: Path, max_intermediate: int = MAX_INTERMEDIATE_PER_RUN
) -> list[tuple[LadderCheckpoint, tuple[str, ...]]]:
    """The checkpoints to record, each with the benchmark ids to record it for."""
    all_ids = tuple(b.id for b in RC_BENCHMARKS)
    by_run: dict[str, list[LadderCheckpoint]] = {}
    for checkpoint in checkpoints:
        by_run.setdefault(checkpoint.run, []).append(checkpoint)
    chosen: list[tuple[LadderCheckpoint, tuple[str, ...]]] = []
    for run, items in by_run.items():
        final = next(c for c in items if c.final)
        if run in TARGETS:
            window = [c for c in items if not c.final and c.notes.startswith(TARGET_WINDOW_NOTE)]
            chosen += [(c, all_ids) for c in [*sorted(window, key=lambda c: c.tokens), final]]
            continue
        if not LADDER_RUN.match(run):
            raise LadderCsvError(
                csv_path,
                items[0].line,
                f"unknown run {run!r}: expected a ladder run such as '190M-1xC' or one of {sorted(TARGETS)}",
            )
        if final.tokens <= 0:
            raise LadderCsvError(csv_path, final.line, f"run {run!r}: the final checkpoint has 0 tokens")
        thinned = thin_intermediates(
            [c for c in items if not c.final], final.tokens, max_intermediate, SKIP_FRACTION
        )
        chosen += [(c, INTERMEDIATE_BENCHMARKS) for c in thinned]
        chosen.append((final, all_ids))
    return chosen


def _sig7(value: float) -> float:
    """``value`` to 7 significant digits (the precision of the source)."""
    return float(f"{value:.7g}")


def weighted(checkpoint: LadderCheckpoint, benchmark: RcBenchmark, metric: str) -> float:
    """The benchmark's ``metric`` at ``checkpoint``: the weighted mean over its CSV tasks."""
    total = sum(weight for _, weight in benchmark.parts)
    return sum(checkpoint.values[(task, metric)] * weight for task, weight in benchmark.parts) / total


def reference_id(checkpoint: LadderCheckpoint, benchmark_id: str) -> str:
    """Deterministic id: ``olmo-ladder.<run>.<final | step N>.<benchmark>``."""
    where = "final" if checkpoint.final else f"step{checkpoint.step}"
    return f"{RULER_ID}.{slugify(checkpoint.run)}.{where}.{benchmark_id}"


def _source_file(run: str) -> str:
    if run in TARGET_FILES:
        return TARGET_FILES[run]
    size, length = run.split("-", 1)
    return f"{SOURCE_SIZE_NAMES.get(size, size)}-{length}.csv"


def _checkpoint_label(checkpoint: LadderCheckpoint) -> str:
    return f"step{checkpoint.step}" if checkpoint.step is not None else "after anneal (step not logged)"


def _notes(checkpoint: LadderCheckpoint) -> str | None:
    run = checkpoint.run
    if run in TARGETS:
        note = f"{HELD_OUT_NOTE}: {TARGETS[run]}"
        if not checkpoint.final:
            note += " Checkpoint of the paper's 13B target window (steps >= 557,000), not the final one."
        return note
    parts = []
    if not checkpoint.final:
        parts.append("Intermediate checkpoint (learning rate not annealed): for score vs loss only.")
    if run not in PAPER_FIT_RUNS:
        parts.append("Not in the paper's main fit configuration (190M-1.3B at 1xC-10xC).")
    return " ".join(parts) or None


def reference_record(checkpoint: LadderCheckpoint, benchmark: RcBenchmark) -> dict[str, Any]:
    """The reference record of ``benchmark`` at ``checkpoint``."""
    record: dict[str, Any] = {
        "id": reference_id(checkpoint, benchmark.id),
        "ruler": RULER_ID,
        "reference_model": {
            "name": checkpoint.run,
            "params": checkpoint.params,
            "params_definition": PARAMS_DEFINITION,
            "training_tokens": checkpoint.tokens,
            "checkpoint": _checkpoint_label(checkpoint),
            "final": checkpoint.final,
        },
        "benchmark": benchmark.id,
        "loss": _sig7(weighted(checkpoint, benchmark, "rc_bpb")),
        "loss_unit": "bits_per_byte",
        "loss_definition": MMLU_BPB_DEFINITION if benchmark.id == "mmlu-rc" else BPB_DEFINITION,
        "score": _sig7(100 * weighted(checkpoint, benchmark, "rc_acc")),
        "tokenizer": TOKENIZER,
        "shots": SHOTS,
        "source": {
            "url": SOURCE_URL,
            "locator": f"{DATA_PATH}/{_source_file(checkpoint.run)}, {_step_locator(checkpoint)}",
        },
        "provenance": PROVENANCE,
        # A fresh date object per record: YAML would write one object shared by many records as an alias.
        "recorded": dt.date.fromordinal(RECORDED.toordinal()),
    }
    notes = _notes(checkpoint)
    if notes is not None:
        record["notes"] = notes
    return record


def _step_locator(checkpoint: LadderCheckpoint) -> str:
    return f"step {checkpoint.step}" if checkpoint.step is not None else "the one row (after the anneal)"


def ruler_record() -> dict[str, Any]:
    """The two-step ruler record ``olmo-ladder``."""
    description = (
        "AI2's OLMo model ladder (Bhagia et al. 2024, arXiv 2412.04403): 25 runs, 5 sizes (190M, 370M, "
        "760M, 1.3B, 3.2B) x 5 lengths (0.5xC-10xC, xC = 20 N tokens), each its own learning-rate schedule; "
        "plus the held-out targets 7B-4T (OLMo-2 7B) and 13B-5T (OLMo-2 13B). "
        "N = all parameters except the input token embedding (the untied output head counts). "
        "D = training tokens at the checkpoint. "
        "Loss = bits per byte of the correct answer continuation under a 5-shot RC (cloze) prompt "
        "(rc_bpb); score = RC accuracy (per-character length-normalised; BoolQ raw). MMLU = the paper's "
        "weighted mean of its four categories. Step 1, L(N, D), uses the final (annealed) checkpoints; "
        "step 2, score vs loss, may add the recorded intermediate checkpoints (first 10% of each run "
        "skipped, thinned). The paper's main fit uses 190M-1.3B at 1xC-10xC; reference records whose notes "
        f"start with '{HELD_OUT_NOTE}' are for validation only. Source: {SOURCE_URL} "
        f"(Apache-2.0; paper {PAPER_URL})."
    )
    return {
        "id": RULER_ID,
        "name": "OLMo model ladder (Bhagia et al. 2024)",
        "kind": "two-step",
        "description": description,
        "benchmarks": [b.id for b in RC_BENCHMARKS],
        "default": False,
        "source": {
            "url": SOURCE_URL,
            "locator": "ladder-runs/*.csv; fit configuration src/scripts/paper/configs/final.json",
        },
    }


def build_records(
    csv_path: Path, max_intermediate: int = MAX_INTERMEDIATE_PER_RUN
) -> dict[str, list[dict[str, Any]]]:
    """Every record of the import (kind -> records), read from the ladder CSV at ``csv_path``."""
    checkpoints = read_ladder_csv(csv_path)
    references = [
        reference_record(checkpoint, BENCHMARKS_BY_ID[bench_id])
        for checkpoint, bench_ids in select_checkpoints(checkpoints, csv_path, max_intermediate)
        for bench_id in bench_ids
    ]
    return {
        "benchmark": [b.benchmark_record() for b in RC_BENCHMARKS],
        "ruler": [ruler_record()],
        "reference": references,
    }


def import_ladder(
    csv_path: Path,
    *,
    records_dir: Path | None = None,
    correction_note: str | None = None,
    dry_run: bool = False,
) -> SyncPlan:
    """Append the ladder's records that are not stored yet; return what was (or would be) done."""
    return sync_records(
        build_records(csv_path), records_dir=records_dir, correction_note=correction_note, dry_run=dry_run
    )


def _csv_path(seed: Path) -> Path:
    return seed if seed.is_file() else seed / CSV_IN_SEED_DIR


@click.command()
@click.argument("seed_dir", required=False, type=click.Path(path_type=Path), default=DEFAULT_SEED_DIR)
@click.option(
    "--records",
    "records_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Records directory to append to (default: the shipped records).",
)
@click.option(
    "--correction-note",
    default=None,
    help="Append corrected revisions, with this note, of stored records whose content changed.",
)
@click.option("--dry-run", is_flag=True, help="Say what would be appended; write nothing.")
def main(seed_dir: Path, records_dir: Path | None, correction_note: str | None, dry_run: bool) -> None:
    """Import the OLMo ladder CSV (SEED_DIR/ladders/olmo_ladder_bhagia2024.csv, or a CSV file)."""
    try:
        plan = import_ladder(
            _csv_path(seed_dir), records_dir=records_dir, correction_note=correction_note, dry_run=dry_run
        )
    except (LadderCsvError, SyncError) as err:
        raise click.ClickException(str(err)) from None
    except StoreError as err:
        raise click.ClickException("the store refused the records:\n" + err.report.render()) from None
    verb = "would append" if dry_run else "appended"
    for kind in plan.to_append:
        click.echo(
            f"{kind}: {verb} {plan.new[kind]} new, {plan.corrected[kind]} corrected; "
            f"{plan.unchanged[kind]} unchanged, {plan.retracted[kind]} retracted (left alone)"
        )


if __name__ == "__main__":
    main()
