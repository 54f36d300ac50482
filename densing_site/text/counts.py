"""How many records of each kind the data hold, said the same way on every page that says it."""

from __future__ import annotations

from densing_site.sitedata import SiteData


def record_counts(data: SiteData) -> dict[str, int]:
    """Current records by kind, and how many rulers the fit could read scores with."""
    counts = {name: len(getattr(data.ds, name)) for name in ("models", "scores", "references", "benchmarks")}
    counts["rulers"] = len(data.ds.rulers)
    ids = set(data.ds.rulers["id"]) if "id" in data.ds.rulers else set()
    fitted = [
        r
        for r, fit in data.fit.rulers.items()
        if r in ids
        and isinstance(fit, dict)
        and any("error" not in b for b in (fit.get("benchmarks") or {}).values())
    ]
    counts["fitted_rulers"] = len(fitted)
    return counts


def counts_sentence(data: SiteData) -> str:
    """``171 models, 3,748 scores, ..., 4 rulers (3 fitted, 1 awaiting measurements)``."""
    c = record_counts(data)
    waiting = c["rulers"] - c["fitted_rulers"]
    rulers = f"{c['rulers']:,} rulers"
    if waiting > 0:
        rulers += f" ({c['fitted_rulers']:,} fitted, {waiting:,} not fitted yet: awaiting measurements)"
    return (
        f"{c['models']:,} models, {c['scores']:,} scores, {c['references']:,} reference measurements, "
        f"{c['benchmarks']:,} benchmarks, {rulers}"
    )
