"""The seed import: published-score tables and ObsScaling -> benchmark, model, score and ruler records.

:func:`build_seed_records` turns the seed folder into records (as mappings) and an
:class:`ImportReport`; :func:`run_seed_import` compares them with the stored records and appends what
is new through the store, all kinds in one validated append. A second run on the same input appends
nothing; a stored record whose content differs is reported as needing a correction, never rewritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from densing_data.importers import benchmarks_catalog, catalogs
from densing_data.importers.common import ImportReport, SeedError
from densing_data.importers.models import ModelResolver, build_model, gather_evidence
from densing_data.importers.public_sources import RULES_YAML, load_rules, rewrite_record
from densing_data.importers.rulers import build_rulers
from densing_data.importers.scores import build_scores
from densing_data.importers.seed_obsscaling import read_obsscaling
from densing_data.importers.seed_reported import REPORTED_FILES, ScoreDraft, read_reported
from densing_data.importers.sync import SyncPlan, content, plan_sync
from densing_data.paths import RECORDS_DIR
from densing_data.store import StoreError, append_record_groups
from densing_data.validate import read_records_dir

KIND_ORDER = ("benchmark", "model", "score", "ruler")
NOT_IMPORTED_MD = Path(__file__).resolve().parent / "NOT_IMPORTED.md"


@dataclass(frozen=True)
class CatalogPaths:
    """The curated tables to read (tests point them at fixtures)."""

    benchmarks: Path = benchmarks_catalog.CATALOG_CSV
    sources: Path = catalogs.SOURCES_CSV
    models: Path = catalogs.MODELS_CSV
    release_dates: Path = catalogs.RELEASE_DATES_CSV
    public_sources: Path = RULES_YAML
    """Rules that rewrite internal wording about how a source was read (the seed's own text has some)."""

    @property
    def release_dates_unresolved(self) -> Path:
        """Models whose release date was researched and not found (beside ``release_dates``)."""
        return self.release_dates.with_name("release_dates_unresolved.csv")

    @property
    def obsscaling_transcribed(self) -> Path:
        """ObsScaling cells transcribed, not measured (beside ``release_dates``)."""
        return self.release_dates.with_name("obsscaling_transcribed.csv")


def build_seed_records(
    seed_dir: Path,
    paths: CatalogPaths = CatalogPaths(),
    stored_models: Mapping[str, dict[str, Any]] | None = None,
) -> tuple[dict[str, list[dict[str, Any]]], ImportReport]:
    """Records (kind -> mappings) built from ``seed_dir`` and the report of what was left out.

    ``stored_models`` (model id -> the stored record's content) lets the seed's scores attach to a
    model the seed cannot date but whose record was added by hand with a sourced date: that record is
    used as it is (never rebuilt or compared), and only the scores are imported."""
    bench_catalog = benchmarks_catalog.load_catalog(paths.benchmarks)
    sources = catalogs.load_sources(paths.sources)
    resolver = ModelResolver(catalogs.load_models(paths.models))
    dates = catalogs.load_release_dates(paths.release_dates)
    unresolved = catalogs.load_unresolved(paths.release_dates_unresolved)
    report = ImportReport()
    drafts: list[ScoreDraft] = []
    facts = []
    for name in REPORTED_FILES:
        file_drafts, file_facts = read_reported(seed_dir / name, bench_catalog, sources, report)
        drafts += file_drafts
        facts += file_facts
    obs_drafts, obs_facts = read_obsscaling(
        seed_dir / "obsscaling", bench_catalog, report, paths.obsscaling_transcribed
    )
    evidence = gather_evidence(resolver, facts, obs_facts)
    id_by_key = {f.name: resolver.reported_id(f) for f in facts} | {
        o.repo: resolver.obsscaling_id(o) for o in obs_facts
    }
    models: dict[str, dict[str, Any]] = {}
    kept: dict[str, dict[str, Any]] = {}
    for model_id in sorted(evidence):
        record, reason = build_model(evidence[model_id], dates, unresolved)
        if record is None and model_id in (stored_models or {}):
            kept[model_id] = dict((stored_models or {})[model_id])
            report.notes.append(
                f"model {model_id}: the seed gives no release date, but its record was added by hand "
                "with a sourced one, so the seed's scores attach to that record (left as it is)"
            )
        elif record is None:
            report.leave_out(f"model {model_id} ({', '.join(evidence[model_id].names()[:3])})", reason)
        else:
            models[model_id] = record
    scores = build_scores(drafts + obs_drafts, lambda d: id_by_key[d.model_key], models | kept, report)
    rulers = build_rulers(scores, report)
    used = {s["benchmark"] for s in scores} | {b for r in rulers for b in r["benchmarks"]}
    benchmarks = [b for b in bench_catalog.records if b["id"] in used]
    wanted = {"benchmark": benchmarks, "model": list(models.values()), "score": scores, "ruler": rulers}
    rules = load_rules(paths.public_sources)
    wanted = {kind: [rewrite_record(item, rules)[0] for item in items] for kind, items in wanted.items()}
    report.produced = {kind: len(wanted[kind]) for kind in KIND_ORDER}
    return wanted, report


def run_seed_import(
    seed_dir: Path,
    *,
    records_dir: Path | None = None,
    dry_run: bool = False,
    correction_note: str | None = None,
    paths: CatalogPaths = CatalogPaths(),
) -> tuple[SyncPlan, ImportReport]:
    """Build the seed records and append the new ones to ``records_dir`` (default: the shipped records).

    Stored records whose content differs are listed in ``plan.changed`` and left as they are, unless a
    ``correction_note`` is given: then a corrected revision carrying it is appended. Raises
    :class:`SeedError` for bad seed input and :class:`StoreError` when the store refuses the records.
    """
    root = Path(records_dir) if records_dir is not None else RECORDS_DIR
    existing, problems = read_records_dir(root)
    if not problems.ok:
        raise StoreError(problems)
    stored = {
        parsed.record.id: content(parsed.record)
        for parsed in existing.heads("model").values()
        if not parsed.record.retracted
    }
    wanted, report = build_seed_records(seed_dir, paths, stored)
    plan = plan_sync(existing, wanted, correction_note)
    to_append = {kind: plan.to_append.get(kind, []) for kind in KIND_ORDER}
    to_append = {kind: items for kind, items in to_append.items() if items}
    if to_append and not dry_run:
        append_record_groups(to_append, records_dir=root)
    return plan, report


def render_not_imported(report: ImportReport, seed_dir: Path) -> str:
    """NOT_IMPORTED.md: every seed item the import left out, with the reason."""
    lines = [
        "# Seed items not imported",
        "",
        "Generated by `python -m densing_data.importers` (do not edit by hand; rerun the importer). "
        f"Seed folder: `{seed_dir.name}`.",
        "",
        "| What | Why | Where |",
        "|---|---|---|",
    ]
    for what, reason, where in report.left_out:
        lines.append(f"| {_cell(what)} | {_cell(reason)} | {_cell(where)} |")
    if not report.left_out:
        lines.append("| (nothing) | | |")
    lines += ["", "## Other notes", ""] + [f"- {_cell(n)}" for n in report.notes]
    return "\n".join(lines) + "\n" + render_curated_left_out()


LEFT_OUT_DIR = Path(__file__).resolve().parent / "left_out"


def render_curated_left_out(folder: Path = LEFT_OUT_DIR) -> str:
    """The hand-curated lists of what later curation left out (``left_out/*.md``), in name order.

    Records added by hand since the seed (issue-driven curation) keep their own left-out lists in
    ``left_out/``; they are folded in here so NOT_IMPORTED.md stays the one list of everything left
    out, and rerunning the importer keeps them.
    """
    parts = sorted(folder.glob("*.md")) if folder.is_dir() else []
    if not parts:
        return ""
    lines = ["", "# Left out by later curation", ""]
    lines += [f"From `left_out/{part.name}` (edit that file, then rerun the importer)." for part in parts]
    text = "\n".join(lines) + "\n"
    for part in parts:
        body = part.read_text(encoding="utf-8").strip().splitlines()
        # every heading one level down: each list's title becomes a section of this page
        text += "\n" + "\n".join("#" + line if line.startswith("#") else line for line in body) + "\n"
    return text


CURATED_MARKER = "\n# Left out by later curation\n"
"""The heading that starts the curated part of NOT_IMPORTED.md (see :func:`render_curated_left_out`)."""


def refresh_curated_left_out(not_imported: Path = NOT_IMPORTED_MD, folder: Path = LEFT_OUT_DIR) -> None:
    """Rewrite only the curated part of ``not_imported`` from ``left_out/*.md``, keeping the seed
    import's part as it is (no seed files needed)."""
    text = not_imported.read_text(encoding="utf-8")
    head = text.split(CURATED_MARKER, 1)[0].rstrip("\n") + "\n"
    not_imported.write_text(head + render_curated_left_out(folder), encoding="utf-8")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


__all__ = [
    "CatalogPaths",
    "SeedError",
    "build_seed_records",
    "refresh_curated_left_out",
    "render_not_imported",
    "run_seed_import",
]
