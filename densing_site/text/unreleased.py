"""Whether the records the site is built from are exactly the newest data release, and if not, what
they hold beyond it (shown next to the data version, so nobody cites numbers a release lacks)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from densing_data import Dataset
from densing_data.contrib.pr.unreleased import UnreleasedError, unreleased_revisions
from densing_data.contrib.release.changelog import noun
from densing_site.errors import SiteError


def unreleased_summary(ds: Dataset, releases_dir: Path) -> dict[str, Any] | None:
    """None when there is no release or the records ``ds`` are exactly the newest one; else the
    newest release, the number of unreleased record revisions, a phrase counting them per kind, and
    the models they touch (id and name, sorted by name)."""
    try:
        found = unreleased_revisions(ds.history, releases_dir)
    except UnreleasedError as err:
        raise SiteError(f"cannot tell which records are unreleased: {err}") from None
    if found is None or found.count == 0:
        return None
    models = set(found.ids("model"))
    scores = ds.history.get("score")
    if scores is not None and not scores.empty:
        touched = set(found.ids("score"))
        models |= set(scores.loc[scores["id"].isin(touched), "model"].dropna().astype(str))
    names = dict(zip(ds.models["id"], ds.models["name"], strict=True))
    return {
        "release": found.latest,
        "count": found.count,
        "phrase": ", ".join(noun(kind, len(items)) for kind, items in found.revisions.items()),
        "models": sorted(
            ({"id": m, "name": names.get(m, m)} for m in models if m in names),
            key=lambda m: str(m["name"]).casefold(),
        ),
    }
