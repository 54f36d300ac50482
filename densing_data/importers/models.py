"""Model records from the seed: one canonical id per real model across files a, b and ObsScaling.

A seed name or HF repo id is mapped to its canonical id by the model catalog (``seed_models.csv``);
ObsScaling-only models not in the catalog get an id from their repo name. Metadata comes, in order of
preference, from the catalog, from the model's own (not "comparison only") seed rows, and from
ObsScaling. The release date comes from ``release_dates.csv`` when it has the model, else from the
seed row with the catalog's source for it. A model without a sourced release date is left out, and
the report says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from densing_data.importers.catalogs import CatalogModel, ReleaseDate
from densing_data.importers.common import SeedError, clip
from densing_data.importers.seed_obsscaling import MAIN_FILE, ObsModelFacts, file_url
from densing_data.importers.seed_reported import ModelFacts
from densing_data.record_files import slugify

ORGANIZATION_BY_HF_ORG = {
    "meta-llama": "Meta",
    "huggyllama": "Meta",
    "facebook": "Meta",
    "codellama": "Meta",
    "Qwen": "Alibaba Cloud (Qwen team)",
    "mistralai": "Mistral AI",
    "deepseek-ai": "DeepSeek",
    "01-ai": "01.AI",
    "google": "Google DeepMind",
    "ai21labs": "AI21 Labs",
    "tiiuae": "Technology Innovation Institute (TII)",
    "microsoft": "Microsoft",
    "EleutherAI": "EleutherAI",
    "bigscience": "BigScience",
    "mosaicml": "MosaicML",
    "bigcode": "BigCode",
    "openlm-research": "OpenLM Research",
    "openai-community": "OpenAI",
    "internlm": "Shanghai AI Laboratory",
    "Deci": "Deci",
    "stabilityai": "Stability AI",
    "RWKV": "RWKV",
    "togethercomputer": "Together",
    "LLM360": "LLM360",
    "Salesforce": "Salesforce",
    "HuggingFaceTB": "Hugging Face",
    "cerebras": "Cerebras",
    "h2oai": "H2O.ai",
    "allenai": "Ai2",
    "TinyLlama": "TinyLlama project",
}
"""Hugging Face organization -> model organization, for ObsScaling-only models."""


@dataclass
class ModelEvidence:
    """Everything the seed and the catalogs say about one canonical model."""

    model_id: str
    catalog: CatalogModel | None = None
    reported: list[ModelFacts] = field(default_factory=list)
    obsscaling: list[ObsModelFacts] = field(default_factory=list)

    def home_facts(self) -> ModelFacts | None:
        """The first seed row that is about this model itself (not a comparison-only row)."""
        return next((f for f in self.reported if not f.comparison_only), None)

    def names(self) -> list[str]:
        """Every name this model goes by, catalog keys first."""
        names = list(self.catalog.keys) if self.catalog else []
        names += [f.name for f in self.reported] + [f.hf_repo for f in self.reported if f.hf_repo]
        names += [f.repo for f in self.obsscaling]
        return list(dict.fromkeys(n for n in names if n))


class ModelResolver:
    """Seed names and HF repo ids -> canonical model ids."""

    def __init__(self, catalog: dict[str, CatalogModel]) -> None:
        self._catalog = catalog
        self._catalog_ids = {m.id for m in catalog.values()}

    def catalog_entry(self, key: str) -> CatalogModel | None:
        """The catalog model denoted by ``key``, if any."""
        return self._catalog.get(key.casefold())

    def reported_id(self, facts: ModelFacts) -> str:
        """Id of a reported-scores model; every such model must be in the catalog."""
        entry = self.catalog_entry(facts.name)
        if entry is None:
            raise facts.row.error(
                f"model {facts.name!r} has no entry in seed_models.csv (add its id and metadata)"
            )
        return entry.id

    def obsscaling_id(self, facts: ObsModelFacts) -> str:
        """Id of an ObsScaling model: the catalog's, else a slug of the repo name."""
        entry = self.catalog_entry(facts.repo)
        if entry is not None:
            return entry.id
        model_id = slugify(re.sub(r"-hf$", "", facts.repo.split("/")[-1]).replace("_", "-"))
        if model_id in self._catalog_ids:
            raise facts.row.error(
                f"ObsScaling model {facts.repo!r} would get id {model_id!r}, which the catalog gives another "
                "model; add the repo id to that model's keys or give it its own catalog row"
            )
        return model_id


def gather_evidence(
    resolver: ModelResolver, reported: Iterable[ModelFacts], obsscaling: Iterable[ObsModelFacts]
) -> dict[str, ModelEvidence]:
    """Canonical id -> evidence; home rows of one model that disagree raise ``SeedError``."""
    evidence: dict[str, ModelEvidence] = {}
    for facts in reported:
        model_id = resolver.reported_id(facts)
        item = evidence.setdefault(model_id, ModelEvidence(model_id, resolver.catalog_entry(facts.name)))
        home = item.home_facts()
        if not facts.comparison_only and home is not None and home.metadata() != facts.metadata():
            raise facts.row.error(
                f"model {facts.name!r}: metadata {facts.metadata()} disagrees with "
                f"{home.row.path.name}:{home.row.line} {home.metadata()}"
            )
        item.reported.append(facts)
    for obs in obsscaling:
        model_id = resolver.obsscaling_id(obs)
        item = evidence.setdefault(model_id, ModelEvidence(model_id, resolver.catalog_entry(obs.repo)))
        item.obsscaling.append(obs)
    return evidence


def release_date_of(item: ModelEvidence, dates: dict[str, ReleaseDate]) -> tuple[ReleaseDate | None, str]:
    """The researched release date of a model (None if none) and the key it was found under."""
    found: list[tuple[str, ReleaseDate]] = [
        (k, dates[k.casefold()]) for k in item.names() if k.casefold() in dates
    ]
    if not found:
        return None, ""
    key, first = found[0]
    for other_key, other in found[1:]:
        if other.date != first.date:
            raise SeedError(
                "release_dates.csv",
                other.line,
                f"{other_key!r} ({other.date}) and {key!r} (line {first.line}, {first.date}) are the same "
                f"model {item.model_id!r} but have different release dates",
            )
    return first, key


def build_model(
    item: ModelEvidence, dates: dict[str, ReleaseDate], unresolved: dict[str, str] | None = None
) -> tuple[dict[str, Any] | None, str]:
    """(model record, '') or (None, reason it cannot be imported); ``unresolved`` explains missing dates."""
    cat = item.catalog
    home = item.home_facts()
    obs = item.obsscaling[0] if item.obsscaling else None
    date_source, date_note = _release_date(item, dates, home)
    if date_source is None:
        why = [unresolved[k.casefold()] for k in item.names() if unresolved and k.casefold() in unresolved]
        return None, date_note + (f"; release-date research: {why[0]}" if why else "")
    params, params_source = _params(cat, home, obs)
    if params is None:
        return None, "no parameter count in the seed, ObsScaling or the catalog"
    record: dict[str, Any] = {
        "id": item.model_id,
        "name": _first(cat and cat.get("name"), home and home.name, obs and obs.repo.split("/")[-1]),
        "family": _first(cat and cat.get("family"), home and home.family, obs and obs.family),
        "organization": _organization(cat, obs),
        "hf_repo": _first(cat and cat.get("hf_repo"), home and home.hf_repo, obs and obs.repo) or None,
        "release_date": date_source[0],
        "params_total": params,
        "params_active": _int(cat, "params_active") or (home.params_active if home else None),
        "params_nominal": _nominal(cat, obs, params),
        "kind": (cat.get("kind") if cat else "") or "base",
        "license": (cat.get("license") if cat else "") or None,
        "derived_from": _derived_from(cat),
        "sources": {"release_date": date_source[1], "params": params_source},
    }
    tokens, tokens_source = _tokens(cat, home, obs)
    record["training_tokens"] = tokens
    record["sources"]["training_tokens"] = tokens_source
    if record["hf_repo"]:
        record["links"] = [{"label": "Hugging Face", "url": f"https://huggingface.co/{record['hf_repo']}"}]
    record["notes"] = _notes(cat, home, date_note)
    return _drop_none(record), ""


def _release_date(
    item: ModelEvidence, dates: dict[str, ReleaseDate], home: ModelFacts | None
) -> tuple[tuple[Any, dict[str, str]] | None, str]:
    researched, key = release_date_of(item, dates)
    seed_date = home.release_date if home else None
    if researched is not None:
        source = {"url": researched.url, "locator": researched.locator or None}
        note = f"Release date from release_dates.csv (key {key!r})" + (
            f": {researched.note}" if researched.note else ""
        )
        if seed_date is not None and seed_date != researched.date:
            note += f" The seed gave {seed_date}."
        return (researched.date, _drop_none(source)), note
    if seed_date is not None and item.catalog is not None and item.catalog.get("date_url"):
        source = {"url": item.catalog.get("date_url"), "locator": item.catalog.get("date_locator") or None}
        return (seed_date, _drop_none(source)), ""
    if seed_date is not None:
        return (
            None,
            f"the seed gives {seed_date} but names no source URL for it, and release_dates.csv has no entry",
        )
    return None, f"no sourced release date (none in the seed or in release_dates.csv for {item.names()})"


def _params(
    cat: CatalogModel | None, home: ModelFacts | None, obs: ObsModelFacts | None
) -> tuple[int | None, Any]:
    source = _source(cat, "params_url", "params_locator")
    if _int(cat, "params_total"):
        return _int(cat, "params_total"), source
    if home is not None and home.params_total:
        return home.params_total, source
    if obs is not None and obs.params_total:
        return obs.params_total, source or _obs_source(obs, "Model Size (B)")
    return None, None


def _tokens(
    cat: CatalogModel | None, home: ModelFacts | None, obs: ObsModelFacts | None
) -> tuple[int | None, Any]:
    source = _source(cat, "tokens_url", "tokens_locator")
    if _int(cat, "training_tokens"):
        return _int(cat, "training_tokens"), source
    if home is not None:
        return (home.training_tokens, source) if home.training_tokens else (None, None)
    if obs is not None and obs.training_tokens:
        return obs.training_tokens, source or _obs_source(obs, "Pretraining Data Size (T)")
    return None, None


def _nominal(cat: CatalogModel | None, obs: ObsModelFacts | None, params: int) -> bool:
    if cat is not None and cat.get("params_nominal"):
        return cat.get("params_nominal") == "true"
    if obs is None:
        return False
    match = re.search(r"(\d+(?:\.\d+)?)([bm])(?![a-z])", obs.repo.split("/")[-1].lower())
    if match is None:
        return False
    named = float(match.group(1)) * (1e9 if match.group(2) == "b" else 1e6)
    return abs(named - params) <= 0.01 * named


def _organization(cat: CatalogModel | None, obs: ObsModelFacts | None) -> str:
    if cat is not None and cat.get("organization"):
        return cat.get("organization")
    assert obs is not None
    org = ORGANIZATION_BY_HF_ORG.get(obs.repo.split("/")[0])
    if org is None:
        raise obs.row.error(
            f"unknown organization for {obs.repo!r}; add it to ORGANIZATION_BY_HF_ORG or the catalog"
        )
    return org


def _derived_from(cat: CatalogModel | None) -> dict[str, str] | None:
    if cat is None or not cat.get("derived_from"):
        return None
    parent, _, method = cat.get("derived_from").partition("|")
    return {"model": parent, "method": method}


def _notes(cat: CatalogModel | None, home: ModelFacts | None, date_note: str) -> str | None:
    parts = [
        cat.get("notes") if cat else "",
        f"Seed metadata note: {home.meta}" if home and home.meta else "",
        date_note,
    ]
    sentences = [p.strip() if p.strip().endswith(".") else p.strip() + "." for p in parts if p and p.strip()]
    return clip(" ".join(sentences)) if sentences else None


def _source(cat: CatalogModel | None, url: str, locator: str) -> dict[str, str] | None:
    if cat is None or not cat.get(url):
        return None
    return _drop_none({"url": cat.get(url), "locator": cat.get(locator) or None})


def _obs_source(obs: ObsModelFacts, column: str) -> dict[str, str]:
    return {"url": file_url(MAIN_FILE), "locator": f"row '{obs.repo}', column '{column}' (ObsScaling)"}


def _int(cat: CatalogModel | None, column: str) -> int | None:
    if cat is None or not cat.get(column):
        return None
    text = cat.get(column)
    if not text.isdigit():
        raise cat.row.error(f"column {column!r}: expected an integer count, got {text!r}")
    return int(text)


def _first(*values: Any) -> Any:
    return next((v for v in values if v), "")


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}
