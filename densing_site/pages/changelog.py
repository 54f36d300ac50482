"""The changelog page: CHANGELOG.md (if present) and every correction recorded in the data."""

from __future__ import annotations

import posixpath
from typing import Any

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


def write_changelog(writer: PageWriter, data: SiteData) -> None:
    """Write the changelog page."""
    text = read_repo_doc(data.repo_root, "CHANGELOG.md", PAGE, data.links, drop_title=True)
    writer.render_page(
        PAGE,
        "changelog.md.j2",
        title="Changelog",
        context={
            "changelog": text,
            "corrections": corrections(data),
            "counts": counts_sentence(data),
            "version": data.ds.version,
        },
    )
