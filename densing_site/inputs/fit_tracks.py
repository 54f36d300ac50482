"""Read the per-track fit outputs (``tracks.json``, ``tracks/<id>/``, ``flags.json``, ``agreement.json``).

A *track* is one ruler read with scores from one protocol family; the fitter fits densities, trend and
frontier per track (the contract is in ``docs/dev/fit-outputs.md``). When a fit directory has no
``tracks.json`` (an older fitter), the site shows one track made of the top-level files, and derives
``citable`` and ``rank`` from the documented flags so the first view still shows only citable readings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from densing_site.errors import SiteError
from densing_site.inputs import output_files
from densing_site.text.formatting import is_missing, number

NOT_CITABLE_FLAGS = frozenset(
    {"below_ruler", "above_ruler", "protocol_mismatch", "protocol_unstated", "not_base", "too_few_benchmarks"}
)
"""Flags that make a reading one a careful reader would not cite (used only when densities.csv has no
``citable`` column, i.e. the fitter predates tracks)."""


class TrackOutputError(SiteError):
    """The per-track fit outputs do not follow the contract."""


@dataclass(frozen=True)
class Track:
    """One track as the site shows it."""

    id: str
    label: str
    ruler: str
    protocol: str
    description: str
    benchmarks: tuple[str, ...]
    densities: pd.DataFrame
    """densities.csv of the track, with ``citable`` (bool) and ``rank`` (float, NaN when unranked)."""
    trend: dict[str, Any]
    info: dict[str, Any] = field(default_factory=dict)
    """The track's entry in tracks.json as written (n_models, doubling_days, error, ...)."""
    bridges: tuple[dict[str, Any], ...] = ()
    """The track's fitted bridges (``bridges`` of its ruler.json: benchmark, source, slope, ...)."""

    @property
    def n_citable(self) -> int:
        """Rows a careful reader would cite."""
        return int(self.densities["citable"].sum())

    @property
    def error(self) -> str | None:
        """Why the track could not be fitted, if it could not."""
        err = self.info.get("error") or self.trend.get("error")
        return str(err) if err else None


def add_citable_and_rank(densities: pd.DataFrame) -> pd.DataFrame:
    """``densities`` with boolean ``citable``, numeric ``rank`` and its 90% range ``rank_low`` and
    ``rank_high``: taken from the file when the fitter wrote them, else derived (base model, inside
    the ruler's range, matched and stated protocol, with an interval; rank 1 = densest citable row;
    no range)."""
    frame = densities.copy()
    for column in ("citable", "rank"):  # a column of empty cells was not written: derive it
        if column in frame.columns and frame[column].map(is_missing).all():
            frame = frame.drop(columns=column)
    if "citable" in frame.columns:
        frame["citable"] = frame["citable"].map(_truthy).astype(bool)
    else:

        def citable(row: pd.Series) -> bool:
            flags = {f for f in str(row.get("flags") or "").split(";") if f}
            return (
                row.get("kind") == "base"
                and not (flags & NOT_CITABLE_FLAGS)
                and number(row.get("density")) is not None
                and number(row.get("density_low")) is not None
            )

        frame["citable"] = frame.apply(citable, axis=1).astype(bool) if len(frame) else []
    if "rank" in frame.columns:
        frame["rank"] = pd.to_numeric(frame["rank"], errors="coerce")
    else:
        dens = pd.to_numeric(frame["density"], errors="coerce").where(frame["citable"])
        frame["rank"] = dens.rank(ascending=False, method="min")
        frame = frame.drop(columns=["rank_low", "rank_high"], errors="ignore")  # ranges of another rank
    for column in ("rank_low", "rank_high"):  # the 90% rank range, when the fitter wrote one
        values = frame[column] if column in frame.columns else pd.Series(float("nan"), index=frame.index)
        frame[column] = pd.to_numeric(values, errors="coerce")
    return frame


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if is_missing(value):
        return False
    return str(value).strip().lower() in ("true", "1", "yes")


def read_json(path: Path) -> Any:
    """A JSON file, or a :class:`TrackOutputError` naming the file and line."""
    return output_files.read_json(path, TrackOutputError)


def read_flag_texts(fit_dir: Path) -> dict[str, str]:
    """flags.json: flag id -> one plain-words line (empty when the fitter wrote none)."""
    path = Path(fit_dir) / "flags.json"
    if not path.is_file():
        return {}
    data = read_json(path)
    if isinstance(data, dict) and isinstance(data.get("flags"), dict):
        data = data["flags"]
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise TrackOutputError(f"{path}: expected an object mapping each flag to a sentence")
    return {str(k): v for k, v in data.items()}


def read_agreement(fit_dir: Path) -> dict[str, Any] | None:
    """agreement.json, or ``None`` when the fitter wrote none."""
    path = Path(fit_dir) / "agreement.json"
    if not path.is_file():
        return None
    data = read_json(path)
    if not isinstance(data, dict):
        raise TrackOutputError(f"{path}: expected a JSON object")
    return data


def read_bridges(path: Path) -> tuple[dict[str, Any], ...]:
    """The ``bridges`` of a track's ruler.json (none when the file or the key is absent)."""
    if not path.is_file():
        return ()
    data = read_json(path)
    bridges = data.get("bridges") if isinstance(data, dict) else None
    if bridges is None:
        return ()
    if not isinstance(bridges, list) or not all(isinstance(b, dict) for b in bridges):
        raise TrackOutputError(f"{path}: 'bridges' must be a list of objects")
    return tuple(bridges)


def read_tracks(
    fit_dir: Path, densities: pd.DataFrame, trend: dict[str, Any], read_csv: Any
) -> tuple[list[Track], str, str]:
    """Every track in display order, the default track's id and the reason it is the default.

    ``densities``/``trend`` are the top-level files (used as the one track when ``tracks.json`` is
    absent); ``read_csv(path, required)`` reads a densities.csv the way the top-level one is read."""
    fit_dir = Path(fit_dir)
    index = fit_dir / "tracks.json"
    if not index.is_file():
        ruler = str(trend.get("ruler") or "default")
        track = Track(
            id=ruler,
            label=f"Ruler {ruler}",
            ruler=ruler,
            protocol="scores as recorded, read with the default ruler",
            description="",
            benchmarks=tuple(trend.get("benchmarks") or ()),
            densities=add_citable_and_rank(densities),
            trend=trend,
        )
        return [track], track.id, "It is the only track in these fit outputs."
    meta = read_json(index)
    if not isinstance(meta, dict) or not isinstance(meta.get("tracks"), list) or not meta["tracks"]:
        raise TrackOutputError(f"{index}: expected {{'default': id, 'tracks': [...]}} with one track or more")
    tracks = []
    for entry in meta["tracks"]:
        if not isinstance(entry, dict) or not entry.get("id"):
            raise TrackOutputError(f"{index}: every track needs an 'id'")
        tid = str(entry["id"])
        folder = fit_dir / "tracks" / tid
        frame = read_csv(folder / "densities.csv")
        tracks.append(
            Track(
                id=tid,
                label=str(entry.get("label") or tid),
                ruler=str(entry.get("ruler") or ""),
                protocol=str(entry.get("protocol") or ""),
                description=str(entry.get("description") or ""),
                benchmarks=tuple(entry.get("benchmarks") or ()),
                densities=add_citable_and_rank(frame),
                trend=read_json(folder / "trend.json") if (folder / "trend.json").is_file() else {},
                info=entry,
                bridges=read_bridges(folder / "ruler.json"),
            )
        )
    ids = [t.id for t in tracks]
    default = str(meta.get("default") or ids[0])
    if default not in ids:
        raise TrackOutputError(f"{index}: default track {default!r} is not one of {ids}")
    return tracks, default, str(meta.get("default_reason") or "")
