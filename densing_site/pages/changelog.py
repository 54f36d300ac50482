"""The changelog page: CHANGELOG.md (if present) and every correction recorded in the data."""

from __future__ import annotations

import posixpath
from typing import Any

from densing_data.contrib.release.changelog import GROUP_AT, noun
from densing_site.inputs.repo_docs import read_repo_doc
from densing_site.render import PageWriter
from densing_site.sitedata import SiteData
from densing_site.text.counts import counts_sentence
from densing_site.text.tables import rows

PAGE = "changelog.md"


def corrections(data: SiteData) -> list[dict[str, Any]]:
    """Every revision > 1 of every record (a correction or a retraction), by kind and id."""
    current = set(data.ds.models["id"])
    out = []
    for kind, frame in sorted(data.ds.history.items()):
        later = frame[frame["revision"] > 1].sort_values(["id", "revision"], kind="stable")
        for row in rows(later):
            model = row.get("model") if kind == "score" else row["id"] if kind == "model" else None
            model = model if model in current else None
            location = data.record_location(row["path"], row["line"])
            out.append(
                {
                    "kind": kind,
                    "id": row["id"],
                    "revision": row["revision"],
                    "retracted": row["retracted"],
                    "note": row["correction_note"],
                    "model": model,
                    "location": location,
                    "short_location": posixpath.basename(location),
                    "record_url": data.record_url(location),
                }
            )
    return out


def group_corrections(items: list[dict[str, Any]], group_at: int = GROUP_AT) -> list[dict[str, Any]]:
    """Corrections as table rows: records of one kind sharing their note and change (a scripted pass
    over many records) in one row from ``group_at`` records on, as in the CHANGELOG; others one each.

    Each row holds ``records`` (the corrections, in order), ``kind``, ``note``, ``retracted`` and,
    for a group, ``summary`` (``"445 scores of 51 models"``) and ``revisions`` (``"2"`` or ``"2–3"``).
    Rows keep the order of their first record.
    """
    groups: dict[tuple[str, str, bool], list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault((item["kind"], item["note"] or "", bool(item["retracted"])), []).append(item)
    out = []
    for (kind, note, retracted), records in groups.items():
        if len(records) < group_at:
            out += [{"kind": kind, "note": note, "retracted": retracted, "records": [r]} for r in records]
            continue
        models = {r["model"] for r in records if r["model"]}
        summary = noun(kind, len(records))
        if kind != "model" and models:
            summary += f" of {noun('model', len(models))}"
        low, high = min(r["revision"] for r in records), max(r["revision"] for r in records)
        out.append(
            {
                "kind": kind,
                "note": note,
                "retracted": retracted,
                "records": records,
                "summary": summary,
                "revisions": str(low) if low == high else f"{low}–{high}",
            }
        )
    return sorted(out, key=lambda row: items.index(row["records"][0]))


def write_changelog(writer: PageWriter, data: SiteData) -> None:
    """Write the changelog page."""
    text = read_repo_doc(data.repo_root, "CHANGELOG.md", PAGE, data.links, drop_title=True)
    writer.render_page(
        PAGE,
        "changelog.md.j2",
        title="Changelog",
        context={
            "changelog": text,
            "corrections": group_corrections(corrections(data)),
            "counts": counts_sentence(data),
            "version": data.ds.version,
        },
    )
