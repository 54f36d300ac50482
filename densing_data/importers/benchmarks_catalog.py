"""The benchmarks the seed tables use: seed spelling -> benchmark id, and the benchmark records to create.

The catalog lives in ``data/seed_benchmarks.csv`` (one row per benchmark id; ``seed_names`` lists every
spelling used by the seed files and ObsScaling's columns, separated by ``|``). Rows with ``create=no``
name benchmarks that already exist in the data package (mmlu, bbh, math, humaneval, mbpp): they map
spellings but are never re-created. Spellings in :data:`NOT_IMPORTED` are left out with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from densing_data.importers.common import DATA_DIR, CsvRow, parse_number, read_csv

CATALOG_CSV = DATA_DIR / "seed_benchmarks.csv"

NOT_IMPORTED: dict[str, str] = {
    "ChineseQA": (
        "DeepSeek's in-house Chinese QA benchmark: its composition, size and answer format are not "
        "published in the sources read, so no honest benchmark record (floor, citation) can be written"
    ),
}
"""Seed benchmark spellings deliberately not imported -> reason."""

_COLUMNS = (
    "id",
    "seed_names",
    "name",
    "floor",
    "default_shots",
    "default_cot",
    "metric",
    "citation_title",
    "citation_url",
    "description",
    "create",
)


@dataclass(frozen=True)
class BenchmarkCatalog:
    """Seed spellings mapped to benchmark ids, and the benchmark records to create."""

    ids_by_seed_name: dict[str, str]
    """Seed or ObsScaling benchmark name -> benchmark id."""
    records: tuple[dict[str, Any], ...]
    """Benchmark records (as mappings) the import creates."""

    def benchmark_id(self, seed_name: str) -> str | None:
        """The id for ``seed_name``, None when it is deliberately not imported; KeyError when unknown."""
        if seed_name in NOT_IMPORTED:
            return None
        return self.ids_by_seed_name[seed_name]


def load_catalog(path: Path = CATALOG_CSV) -> BenchmarkCatalog:
    """Read and check the benchmark catalog; duplicate ids or spellings are refused loudly."""
    ids: dict[str, int] = {}
    by_name: dict[str, str] = {}
    records = []
    for row in read_csv(path, _COLUMNS):
        bench_id = row.get("id")
        if bench_id in ids:
            raise row.error(f"benchmark id {bench_id!r} listed twice (first at line {ids[bench_id]})")
        if bench_id.endswith("-rc"):
            raise row.error(f"benchmark id {bench_id!r}: -rc ids belong to the OLMo ladder importer")
        ids[bench_id] = row.line
        for name in row.get("seed_names").split("|"):
            if name in by_name:
                raise row.error(f"seed name {name!r} already maps to {by_name[name]!r}")
            by_name[name] = bench_id
        create = row.get("create")
        if create not in ("yes", "no"):
            raise row.error(f"column 'create': expected yes or no, got {create!r}")
        if create == "yes":
            records.append(_record(row))
    return BenchmarkCatalog(ids_by_seed_name=by_name, records=tuple(records))


def _record(row: CsvRow) -> dict[str, Any]:
    floor = parse_number(row, "floor", lo=0.0, hi=100.0)
    if floor is None:
        raise row.error("column 'floor': a created benchmark needs its random-guess floor in percent")
    shots = row.get("default_shots")
    if shots and not shots.isdigit():
        raise row.error(f"column 'default_shots': expected an integer, got {shots!r}")
    cot = row.get("default_cot")
    if cot not in ("", "true", "false"):
        raise row.error(f"column 'default_cot': expected true, false or empty, got {cot!r}")
    record: dict[str, Any] = {
        "id": row.get("id"),
        "name": row.get("name"),
        "floor": floor,
        "default_shots": int(shots) if shots else None,
        "default_cot": None if cot == "" else cot == "true",
        "metric": row.get("metric"),
        "description": row.get("description"),
        "citation": {"title": row.get("citation_title"), "url": row.get("citation_url")},
    }
    return {k: v for k, v in record.items() if v is not None}
