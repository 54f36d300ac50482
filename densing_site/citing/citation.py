""" "Cite this": a plain-text citation and a BibTeX entry for one number the site shows.

Every box names the number, its 90% interval (or that it is a bound, or that it has none), the track,
the ruler and the data version, the page to cite and the data's DOI. Title and authors come from
``CITATION.cff``; the DOI from ``.zenodo.json`` or ``CITATION.cff`` once the data are archived (until
then the box says it is assigned on publication). Record text reaches a citation only through
:func:`bibtex_text` (for BibTeX) and jinja2's autoescape (for HTML), so each is escaped exactly once.
The address to cite comes from :func:`cite_url`, the one place that knows about frozen per-version
pages.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from densing_site.citing.links import SITE_URL
from densing_site.errors import SiteError

FROZEN_PAGES = False
"""Whether the site publishes a frozen copy of each released data version's pages under
``v/<version>/``; while it does not, citations point to the live page and name the data version."""
FALLBACK_TITLE = "Densing Law leaderboard: capacity density of large language models"
FALLBACK_AUTHOR = "Densing Law leaderboard contributors"
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


class CitationError(SiteError):
    """CITATION.cff or .zenodo.json cannot be read as citation metadata."""


@dataclass(frozen=True)
class CiteMeta:
    """What every citation of the data shares."""

    title: str
    authors: tuple[str, ...]
    """Each author as BibTeX wants it: ``Family, Given`` or an organisation's name."""
    doi: str | None
    """The data's DOI (``10.x/...``), None until it is assigned."""


@dataclass(frozen=True)
class Citation:
    """One "Cite this" box."""

    key: str
    """BibTeX key (letters, digits, ``_``, ``-``, ``:``)."""
    number: str
    """The number in words, with its interval, track, ruler and data version (plain text)."""
    text: str
    """The whole citation as plain text."""
    bibtex: str
    """The BibTeX entry (record text escaped for BibTeX, not for HTML)."""
    url: str
    """The page to cite."""
    doi: str | None


def frozen_page_url(version: str, page: str) -> str:
    """Address of ``page`` (a site path such as ``models/x/``) frozen at data ``version``."""
    return f"{SITE_URL}v/{version}/{page}"


def cite_url(page: str, version: str, *, released: bool) -> str:
    """The address a citation gives for ``page``: its frozen copy at ``version`` when frozen pages are
    published and ``version`` is a release the site shows exactly, else the live page."""
    if FROZEN_PAGES and released:
        return frozen_page_url(version, page)
    return f"{SITE_URL}{page}"


def bibtex_text(value: Any) -> str:
    """``value`` as BibTeX field text: one line, TeX's special characters escaped, an en dash as
    ``--``."""
    text = " ".join(str(value).split())
    return "".join(_BIBTEX_SPECIALS.get(ch, ch) for ch in text).replace("–", "--")


def read_cite_meta(repo_root: Path) -> CiteMeta:
    """Title, authors and DOI of the data from ``CITATION.cff`` and ``.zenodo.json`` in
    ``repo_root`` (either may be absent)."""
    cff = _read_cff(repo_root / "CITATION.cff")
    zenodo = _read_zenodo(repo_root / ".zenodo.json")
    authors = tuple(_author(a) for a in cff.get("authors") or [] if isinstance(a, dict)) or (FALLBACK_AUTHOR,)
    doi = zenodo.get("doi") or cff.get("doi") or _cff_identifier_doi(cff)
    if doi is not None and not _DOI.match(str(doi)):
        raise CitationError(
            f"{repo_root}: DOI {doi!r} is not of the form 10.NNNN/suffix (fix CITATION.cff or .zenodo.json)"
        )
    return CiteMeta(title=str(cff.get("title") or FALLBACK_TITLE), authors=authors, doi=doi and str(doi))


def _read_cff(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise CitationError(f"{path}{line}: not valid YAML: {getattr(err, 'problem', err)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CitationError(f"{path}: expected a mapping of CFF keys, got {type(data).__name__}")
    return data


def _read_zenodo(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise CitationError(f"{path}:{err.lineno}: invalid JSON: {err.msg}") from None
    if not isinstance(data, dict):
        raise CitationError(f"{path}: expected a JSON object, got {type(data).__name__}")
    return data


def _author(entry: dict[str, Any]) -> str:
    if entry.get("name"):
        return str(entry["name"])
    family, given = str(entry.get("family-names") or ""), str(entry.get("given-names") or "")
    return f"{family}, {given}".strip(", ")


def _cff_identifier_doi(cff: dict[str, Any]) -> str | None:
    """The first ``identifiers`` entry of type doi at the top level (not the paper's)."""
    for item in cff.get("identifiers") or []:
        if isinstance(item, dict) and item.get("type") == "doi" and item.get("value"):
            return str(item["value"])
    return None


def _key(*parts: str) -> str:
    raw = "_".join(p for p in parts if p)
    return re.sub(r"[^A-Za-z0-9_:-]+", "-", raw).strip("-")


def make_citation(
    meta: CiteMeta, *, what: str, number: str, version: str, url: str, key_parts: tuple[str, ...]
) -> Citation:
    """A citation of ``number`` (plain words that already name its interval, track, ruler and data
    version) about ``what`` (a short subject, such as a model's name), on the page at ``url``."""
    year = version.split(".")[0]
    doi_words = f"DOI: {meta.doi}" if meta.doi else "DOI: assigned on publication"
    people = "; ".join(meta.authors)
    text = f"{people} ({year}). {meta.title}, data version {version}. {what}: {number}. {url}. {doi_words}."
    fields = [
        ("title", bibtex_text(meta.title)),
        ("author", " and ".join(_bibtex_author(a) for a in meta.authors)),
        ("year", year),
        ("version", version),
        ("url", url),
    ]
    if meta.doi:
        fields.append(("doi", meta.doi))
    fields.append(("note", f"{bibtex_text(what)}: {bibtex_text(number)}"))
    body = ",\n".join(f"  {name:<7} = {{{value}}}" for name, value in fields)
    key = _key("densing", version.replace(".", "_"), *key_parts)
    return Citation(
        key=key, number=number, text=text, bibtex=f"@misc{{{key},\n{body}\n}}", url=url, doi=meta.doi
    )


def _bibtex_author(name: str) -> str:
    """A person (``Family, Given``) as is; an organisation braced, so BibTeX keeps it whole."""
    text = bibtex_text(name)
    return text if "," in name else f"{{{text}}}"
