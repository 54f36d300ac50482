"""The changelog page: CHANGELOG.md (if present) and every correction recorded in the data."""

from __future__ import annotations

import posixpath
from typing import Any

from densing_data.contrib.release.changelog import note_groups, noun
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


def group_corrections(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Corrections as table rows: records of one kind sharing their note and change (a scripted pass
    over many records) in one row, as in the CHANGELOG (:func:`note_groups`); others one each.

    Each row holds ``records`` (the corrections, in order), ``kind``, ``note``, ``retracted`` and,
    for a group, ``summary`` (``"445 scores of 51 models"``) and ``revisions`` (``"2"`` or ``"2–3"``).
    Rows keep the order of their first record.
    """
    rows = []
    for records in note_groups(items, lambda r: (r["kind"], r["note"] or "", bool(r["retracted"]))):
        first = records[0]
        row = {"kind": first["kind"], "note": first["note"] or "", "retracted": bool(first["retracted"])}
        if len(records) > 1:
            models = {r["model"] for r in records if r["model"]}
            summary = noun(first["kind"], len(records))
            if first["kind"] != "model" and models:
                summary += f" of {noun('model', len(models))}"
            low, high = min(r["revision"] for r in records), max(r["revision"] for r in records)
            row |= {"summary": summary, "revisions": str(low) if low == high else f"{low}–{high}"}
        rows.append(row | {"records": records})
    return rows


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
