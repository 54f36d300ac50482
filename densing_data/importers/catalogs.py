"""Curated tables the seed importers read besides the seed itself.

* ``data/seed_sources.csv``: each source document (URL as the seed writes it) -> protocol slug, who
  produced the numbers (``by``) and that producer's organization (a score is ``developer``-reported
  when it equals the model's organization). Where one document prints numbers from another pipeline
  (the Gemma report's Table 7 is Hugging Face's Open LLM Leaderboard run), a second row with
  ``locator_contains`` set gives that part its own protocol.
* ``data/seed_models.csv``: one row per canonical model: its id, the seed names and Hugging Face repo
  ids that denote it (``keys``, ``|``-separated), and metadata the seed lacks or states only in prose
  (organization, kind, license, exact parameter counts, and the URLs behind the seed's ``|| meta:``
  notes). Empty cells mean "take it from the seed".
* ``data/release_dates.csv`` (researched separately): key (HF repo id or seed name) -> release date with
  its source. Preferred over the seed's own date whenever it has an entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from densing_data.importers.common import DATA_DIR, CsvRow, SeedError, parse_date, read_csv

SOURCES_CSV = DATA_DIR / "seed_sources.csv"
MODELS_CSV = DATA_DIR / "seed_models.csv"
RELEASE_DATES_CSV = DATA_DIR / "release_dates.csv"


@dataclass(frozen=True)
class SourceInfo:
    """A source document of published scores."""

    protocol: str
    """Slug of the evaluation pipeline (the document, for developer reports)."""
    by: str
    """Who produced the numbers in it."""
    organization: str
    """Organization of ``by``; equal to a model's organization when the developer reports its own model."""


@dataclass(frozen=True)
class CatalogModel:
    """One curated model row; empty strings mean 'take it from the seed'."""

    keys: tuple[str, ...]
    """Seed names and Hugging Face repo ids that denote this model."""
    row: CsvRow
    """The catalog row (for every other column and for error locations)."""

    @property
    def id(self) -> str:
        """Canonical model id."""
        return self.row.get("id")

    def get(self, column: str) -> str:
        """A catalog cell ('' when empty)."""
        return self.row.get(column)


@dataclass(frozen=True)
class ReleaseDate:
    """A sourced release date from ``release_dates.csv``."""

    date: dt.date
    url: str
    locator: str
    note: str
    line: int


def load_sources(path: Path = SOURCES_CSV) -> SourceCatalog:
    """The source catalog; a (URL, locator_contains) pair listed twice is refused."""
    entries: dict[tuple[str, str], SourceInfo] = {}
    for row in read_csv(path, ("url", "locator_contains", "protocol", "by", "organization")):
        key = (row.get("url"), row.get("locator_contains"))
        if key in entries:
            raise row.error(f"source {key[0]!r} (locator_contains {key[1]!r}) listed twice")
        entries[key] = SourceInfo(row.get("protocol"), row.get("by"), row.get("organization"))
    return SourceCatalog(entries)


@dataclass(frozen=True)
class SourceCatalog:
    """Source URL (and, where one document holds several pipelines, a locator fragment) -> source."""

    entries: dict[tuple[str, str], SourceInfo]

    def find(self, url: str, locator: str) -> SourceInfo | None:
        """The entry whose ``locator_contains`` occurs in ``locator``, else the URL's general entry."""
        specific = [info for (u, part), info in self.entries.items() if u == url and part and part in locator]
        return specific[0] if specific else self.entries.get((url, ""))


def load_models(path: Path = MODELS_CSV) -> dict[str, CatalogModel]:
    """Key (casefolded seed name or HF repo id) -> :class:`CatalogModel`; clashes are refused."""
    columns = ("keys", "id", "name", "family", "organization", "hf_repo", "kind")
    by_key: dict[str, CatalogModel] = {}
    ids: dict[str, int] = {}
    for row in read_csv(path, columns):
        model = CatalogModel(keys=tuple(k for k in row.get("keys").split("|") if k), row=row)
        if model.id in ids:
            raise row.error(f"model id {model.id!r} listed twice (first at line {ids[model.id]})")
        ids[model.id] = row.line
        for key in model.keys:
            held = by_key.get(key.casefold())
            if held is not None:
                raise row.error(f"key {key!r} already denotes model {held.id!r}")
            by_key[key.casefold()] = model
    return by_key


def load_release_dates(path: Path = RELEASE_DATES_CSV) -> dict[str, ReleaseDate]:
    """Key (casefolded) -> :class:`ReleaseDate`; an empty dict when the file does not exist yet."""
    if not path.exists():
        return {}
    dates: dict[str, ReleaseDate] = {}
    for row in read_csv(path, ("key", "release_date", "source_url", "source_locator", "note")):
        date = parse_date(row, "release_date")
        if date is None or not row.get("source_url"):
            raise row.error("a release date row needs release_date and source_url")
        entry = ReleaseDate(date, row.get("source_url"), row.get("source_locator"), row.get("note"), row.line)
        held = dates.get(row.get("key").casefold())
        if held is not None and (held.date, held.url) != (entry.date, entry.url):
            raise SeedError(
                path, row.line, f"key {row.get('key')!r} has two different dates (line {held.line})"
            )
        dates.setdefault(row.get("key").casefold(), entry)
    return dates


def load_unresolved(path: Path) -> dict[str, str]:
    """Key (casefolded) -> why the release-date research found no date; empty when there is no file."""
    if not path.exists():
        return {}
    return {row.get("key").casefold(): row.get("reason") for row in read_csv(path, ("key", "reason"))}
