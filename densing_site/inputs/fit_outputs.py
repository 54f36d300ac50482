"""Read the fitter's output files (the contract in ``docs/dev/fit-outputs.md``) for the generator.

The site never refits: everything it shows about densities, the trend and the rulers comes from
these files. Missing files or columns raise :class:`FitOutputError` naming the file and the column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from densing_fit.outputs import FIXED_COLUMNS
from densing_fit.summaries.compression import COMPRESSION_COLUMNS as _COMPRESSION
from densing_fit.summaries.sensitivity import SENSITIVITY_COLUMNS as _SENSITIVITY
from densing_site.errors import SiteError
from densing_site.inputs.fit_tracks import Track, read_agreement, read_flag_texts, read_tracks
from densing_site.inputs.output_files import CONTRACT, read_csv_table, read_json_object

OPTIONAL_DENSITY_COLUMNS = ("rank_low", "rank_high")
"""densities.csv columns the site reads when present (fit outputs written before they were added lack
them; the site then shows ranks without their ranges)."""
DENSITY_COLUMNS = tuple(c for c in FIXED_COLUMNS if c not in OPTIONAL_DENSITY_COLUMNS)
"""densities.csv columns before the per-benchmark ones that must be there (the fitter's contract)."""
SENSITIVITY_COLUMNS = tuple(_SENSITIVITY)
COMPRESSION_COLUMNS = tuple(_COMPRESSION)
_TEXT_COLUMNS = (
    "model",
    "name",
    "family",
    "organization",
    "kind",
    "hf_repo",
    "flags",
    "ruler",
    "benchmark_set",
    "note",
    "parent",
    "parent_name",
    "method",
    "release_date",
    "track",
    "citable",
)


class FitOutputError(SiteError):
    """The fit outputs are missing or do not follow the contract."""


@dataclass(frozen=True)
class FitOutputs:
    """Everything the fitter wrote, as the generator reads it."""

    densities: pd.DataFrame
    """densities.csv: one row per model; ``frontier`` and ``in_trend`` as bool, ``flags`` as str."""
    trend: dict[str, Any]
    """trend.json: the densing-law fit of the default ruler."""
    ruler: dict[str, Any]
    """ruler.json: the default ruler's fitted curves."""
    rulers: dict[str, dict[str, Any]]
    """rulers.json: every ruler's fitted curves, keyed by ruler id."""
    sensitivity: pd.DataFrame
    """sensitivity.csv: doubling time per ruler x benchmark set."""
    compression: pd.DataFrame
    """compression.csv: compressed models against their parents."""
    tracks: tuple[Track, ...] = ()
    """Every track in display order (one made of the top-level files when there is no tracks.json)."""
    default_track: str = ""
    """Id of the default track (the one the leaderboard opens on)."""
    default_reason: str = ""
    """Why it is the default, in plain words."""
    flag_texts: dict[str, str] = field(default_factory=dict)
    """flags.json: flag id -> plain-words explanation (empty when the fitter wrote none)."""
    agreement: dict[str, Any] | None = None
    """agreement.json (tracks compared), or None."""

    def track(self, track_id: str | None = None) -> Track:
        """The track ``track_id`` (default: the default track)."""
        wanted = track_id or self.default_track
        return next(t for t in self.tracks if t.id == wanted)

    def flag_text(self, flag: str) -> str:
        """The explanation of ``flag`` from flags.json, or a plain note that the fit outputs give none."""
        return self.flag_texts.get(flag) or f"{flag}: no explanation in the fit outputs (flags.json)"

    @property
    def benchmarks(self) -> list[str]:
        """Benchmarks with per-benchmark columns in densities.csv (``B_score``...), in the ruler's order."""
        present = {c[: -len("_score")] for c in self.densities.columns if c.endswith("_score")}
        present = {b for b in present if f"{b}_effective_params" in self.densities.columns}
        order = [b for b in self.ruler.get("benchmarks", {}) if b in present]
        return order + sorted(present - set(order))

    @property
    def aggregate_benchmarks(self) -> list[str]:
        """Benchmarks whose effective sizes entered the aggregate density (trend.json ``benchmarks``)."""
        return list(self.trend.get("benchmarks") or [])


def read_fit_outputs(fit_dir: Path) -> FitOutputs:
    """Read and check the fit outputs in ``fit_dir``."""
    fit_dir = Path(fit_dir)
    if not fit_dir.is_dir():
        raise FitOutputError(f"{fit_dir}: fit output directory does not exist (run `densing fit --out DIR`)")
    densities = read_densities(fit_dir / "densities.csv")
    trend = _read_json(fit_dir / "trend.json", ("ruler", "benchmarks"))
    tracks, default, reason = read_tracks(fit_dir, densities, trend, read_densities)
    default_track = next(t for t in tracks if t.id == default)
    return FitOutputs(
        densities=default_track.densities,
        trend=default_track.trend or trend,
        tracks=tuple(tracks),
        default_track=default,
        default_reason=reason,
        flag_texts=read_flag_texts(fit_dir),
        agreement=read_agreement(fit_dir),
        ruler=_read_json(fit_dir / "ruler.json", ("ruler", "kind", "benchmarks")),
        rulers=_read_json(fit_dir / "rulers.json", ()),
        sensitivity=_read_csv(fit_dir / "sensitivity.csv", SENSITIVITY_COLUMNS),
        compression=_read_csv(fit_dir / "compression.csv", COMPRESSION_COLUMNS),
    )


def read_densities(path: Path) -> pd.DataFrame:
    """A densities.csv (top level or of one track): booleans parsed, flags as text, sorted by model."""
    densities = _read_csv(path, DENSITY_COLUMNS)
    for column in ("frontier", "in_trend", "frontier_active"):
        if column not in densities.columns:  # frontier_active: absent from older fit outputs
            continue
        try:
            densities[column] = densities[column].map(_as_bool).astype(bool)
        except ValueError as err:
            raise FitOutputError(f"{path}: column {column}: {err}") from None
    densities["flags"] = densities["flags"].fillna("").astype(str)
    return densities.sort_values("model", kind="stable").reset_index(drop=True)


def _read_csv(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    if not path.is_file():
        raise FitOutputError(f"{path}: missing (see {CONTRACT})")
    return read_csv_table(path, required, FitOutputError, _is_text)


def _is_text(column: str) -> bool:
    return column in _TEXT_COLUMNS or column.endswith(("_flag", "_score_id"))


def _read_json(path: Path, required: tuple[str, ...]) -> dict[str, Any]:
    if not path.is_file():
        raise FitOutputError(f"{path}: missing (see {CONTRACT})")
    return read_json_object(path, required, FitOutputError)


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return False
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no", ""):
        return False
    raise ValueError(f"expected true or false, got {value!r}")
