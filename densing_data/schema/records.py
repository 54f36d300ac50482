"""Pydantic models of the five record kinds: the contract every YAML record must meet.

Every record has an ``id`` and a ``revision``. A correction is a *new* record with the same ``id``,
``revision`` one higher and a ``correction_note``; the old revision stays in the file untouched. A
correction may set ``retracted: true`` to withdraw a record without deleting it. The loader keeps the
highest revision of each id as current.

Scores are percentages in ``[0, 100]`` as printed in the source (fractions are converted on import).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from densing_data.clock import today
from densing_data.schema.text import HttpUrl, ShortText, Text

SCHEMA_VERSION = 1

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9._+-]{0,118}[a-z0-9])?$"
HF_REPO_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
"""Lower-case identifier: letters, digits and ``. _ + -``; starts and ends alphanumeric; 1-120 chars."""

MAX_PARAMS = 10**15
"""Largest parameter count a record may hold (1,000T): far above any model, far below 2**63."""
MAX_TOKENS = 10**17
"""Largest token count a record may hold (100,000T tokens)."""
MAX_REVISION = 10_000
"""Largest revision number (a record corrected ten thousand times is a mistake)."""
MAX_ITEMS = 10**9
"""Largest item count of a measurement."""

Percent = Annotated[float, Field(ge=0.0, le=100.0)]
ParamCount = Annotated[int, Field(gt=0, le=MAX_PARAMS)]
"""A parameter count: 1 to :data:`MAX_PARAMS`."""
TokenCount = Annotated[int, Field(gt=0, le=MAX_TOKENS)]
"""A token count: 1 to :data:`MAX_TOKENS`."""
RecordDate = Annotated[dt.date, Field(ge=dt.date(2015, 1, 1), le=dt.date(2100, 1, 1))]


def _past_date(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError("must be a date (YYYY-MM-DD) without a time of day")
    now = today()
    if value > now:
        raise ValueError(
            f"{value.isoformat()} is after today ({now.isoformat()}): a record's dates are days that "
            "have happened (a release date is the day the model became public)"
        )
    return value


Date = Annotated[RecordDate, AfterValidator(_past_date)]
"""A calendar date from 2015-01-01 to today (:func:`densing_data.clock.today`)."""


class _Strict(BaseModel):
    """Base: unknown keys are refused, types are not coerced, NaN and infinities are refused."""

    model_config = ConfigDict(
        extra="forbid", strict=True, allow_inf_nan=False, frozen=True, use_attribute_docstrings=True
    )


class Source(_Strict):
    """Where a number was published."""

    url: HttpUrl
    """Page or document holding the number."""
    locator: Text | None = None
    """Where in that document, such as "Table 3" or "model card, Performance table"."""


class Link(_Strict):
    """A labelled link shown on a model's page."""

    label: ShortText
    url: HttpUrl


class ProvenanceKind(StrEnum):
    """Who produced a number."""

    developer = "developer"
    """Reported by the model's developers (technical report, model card, blog)."""
    third_party = "third_party"
    """Reported by someone else (another paper, a leaderboard, a re-evaluation)."""
    evaluator = "evaluator"
    """Measured by this project's evaluators."""


class Provenance(_Strict):
    """Who measured a number and, for our evaluator, how."""

    kind: Annotated[ProvenanceKind, Field(strict=False)]
    by: ShortText | None = None
    """Team or project that produced the number, such as "Qwen team" or "ObsScaling (Ruan et al. 2024)"."""
    evaluator_version: ShortText | None = None
    dtype: ShortText | None = None
    hardware: ShortText | None = None

    @model_validator(mode="after")
    def _evaluator_fields(self) -> Provenance:
        if self.kind is ProvenanceKind.evaluator:
            missing = [f for f in ("evaluator_version", "dtype", "hardware") if getattr(self, f) is None]
            if missing:
                raise ValueError(f"kind 'evaluator' needs {', '.join(missing)}")
        return self


class Contamination(_Strict):
    """Evidence that a benchmark leaked into a model's training data."""

    suspected: bool
    evidence_url: HttpUrl
    note: Text | None = None


class _Revisioned(_Strict):
    """Fields shared by every record: identity and append-only revision history."""

    id: Slug
    revision: Annotated[int, Field(gt=0, le=MAX_REVISION)] = 1
    """1 for the first record of an id; a correction appends revision n+1 with the same id."""
    correction_note: Text | None = None
    """Why this revision replaces the previous one (required when revision > 1)."""
    retracted: bool = False
    """A correction that withdraws the record altogether."""

    @model_validator(mode="after")
    def _correction_needs_note(self) -> _Revisioned:
        if self.revision > 1 and self.correction_note is None:
            raise ValueError("a correction (revision > 1) needs a correction_note saying why")
        if self.retracted and self.revision == 1:
            raise ValueError("only a correction (revision > 1) can retract a record")
        return self


class ModelKind(StrEnum):
    """How a model's weights came about."""

    base = "base"
    instruct = "instruct"
    chat = "chat"
    pruned = "pruned"
    distilled = "distilled"
    quantized = "quantized"
    merged = "merged"
    other = "other"


class DerivedFrom(_Strict):
    """Parent of a compressed or derived model."""

    model: Slug
    method: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9 +_-]{1,60}$")]
    """Method in lower case, such as "pruning + distillation"."""


class MetaSources(_Strict):
    """Sources of a model's metadata."""

    release_date: Source
    params: Source | None = None
    training_tokens: Source | None = None


class ModelRecord(_Revisioned):
    """A language model whose scores appear on the leaderboard."""

    name: ShortText
    family: ShortText
    organization: ShortText
    hf_repo: Annotated[str, StringConstraints(pattern=HF_REPO_PATTERN, max_length=200)] | None = None
    release_date: Date
    """First public release of the base weights (or of the model, for closed weights)."""
    params_total: ParamCount
    params_active: ParamCount | None = None
    """Parameters active per token, for mixture-of-experts models."""
    params_nominal: bool = False
    """True when params_total is the size in the model's name, not an exact count."""
    training_tokens: TokenCount | None = None
    kind: Annotated[ModelKind, Field(strict=False)]
    derived_from: DerivedFrom | None = None
    license: ShortText | None = None
    links: list[Link] = Field(default_factory=list, max_length=20)
    notes: Text | None = None
    sources: MetaSources

    @model_validator(mode="after")
    def _consistent(self) -> ModelRecord:
        if self.params_active is not None and self.params_active > self.params_total:
            raise ValueError("params_active cannot exceed params_total")
        if self.derived_from is not None and self.derived_from.model == self.id:
            raise ValueError("derived_from.model cannot be the model itself")
        return self


class ScoreRecord(_Revisioned):
    """One published or measured benchmark score of one model."""

    model: Slug
    benchmark: Slug
    value: Percent
    """Score in percent, as printed in the source."""
    metric: ShortText | None = None
    """Metric as the source names it (acc, acc_norm, pass@1, em...); null when unstated."""
    shots: Annotated[int, Field(ge=0, le=100)] | None = None
    """Number of in-context examples; null when the source does not state it."""
    cot: bool | None = None
    """Chain-of-thought prompting; null when the source does not state it."""
    protocol: Slug
    """One evaluation pipeline: scores sharing a protocol were measured the same way."""
    protocol_notes: Text | None = None
    source: Source
    provenance: Provenance
    recorded: Date
    """Date the record was added to this data package."""
    contamination: Contamination | None = None
    notes: Text | None = None


class LossUnit(StrEnum):
    """Unit of a conditional loss."""

    nats_per_token = "nats_per_token"
    bits_per_byte = "bits_per_byte"


class ReferenceModel(_Strict):
    """A reference model (one checkpoint) of a ruler."""

    name: ShortText
    params: ParamCount
    """N, as the ruler's source defines it (see params_definition)."""
    params_definition: ShortText
    training_tokens: TokenCount
    """D: tokens seen at this checkpoint."""
    checkpoint: ShortText | None = None
    final: bool
    """True when the checkpoint ends its training run (learning rate annealed): a well-trained model."""


class ReferenceRecord(_Revisioned):
    """A reference measurement: conditional loss and/or score of one reference checkpoint."""

    ruler: Slug
    reference_model: ReferenceModel
    benchmark: Slug
    loss: Annotated[float, Field(gt=0.0, le=100.0)] | None = None
    """Conditional loss -log P(answer | instruction), averaged as loss_definition says."""
    loss_unit: Annotated[LossUnit, Field(strict=False)] | None = None
    loss_definition: Text | None = None
    score: Percent | None = None
    item_count: Annotated[int, Field(gt=0, le=MAX_ITEMS)] | None = None
    tokenizer: ShortText | None = None
    shots: Annotated[int, Field(ge=0, le=100)] | None = None
    source: Source | None = None
    provenance: Provenance
    recorded: Date
    notes: Text | None = None

    @model_validator(mode="after")
    def _has_measurement(self) -> ReferenceRecord:
        if self.loss is None and self.score is None:
            raise ValueError("a reference measurement needs a loss, a score, or both")
        if (self.loss is None) != (self.loss_unit is None):
            raise ValueError("loss and loss_unit go together")
        if self.provenance.kind is not ProvenanceKind.evaluator and self.source is None:
            raise ValueError("a reference measurement not made by our evaluator needs a source")
        return self


class Citation(_Strict):
    """A reference to a paper or page."""

    title: ShortText
    url: HttpUrl


class BenchmarkRecord(_Revisioned):
    """A benchmark and its scale."""

    name: ShortText
    floor: Percent
    """Random-guess score in percent (0 for generative tasks)."""
    maximum: Percent = 100.0
    default_shots: Annotated[int, Field(ge=0, le=100)] | None = None
    default_cot: bool | None = None
    metric: ShortText
    description: Text | None = None
    citation: Citation

    @model_validator(mode="after")
    def _floor_below_max(self) -> BenchmarkRecord:
        if self.floor >= self.maximum:
            raise ValueError("floor must be below maximum")
        return self


class RulerKind(StrEnum):
    """How a ruler maps scores to effective sizes."""

    two_step = "two-step"
    """Loss L(N, D) from reference measurements, then score from loss (the paper's method)."""
    direct = "direct"
    """Score as a function of N fitted on one same-protocol model family."""


class ScoreSelection(_Strict):
    """Which score records a direct ruler is fitted on."""

    protocol: Slug
    models: Annotated[list[Slug], Field(min_length=3, max_length=100)]


class ChainRung(_Strict):
    """A newer reference family chained onto a direct ruler (see docs/method.md, "Chained rulers")."""

    protocol: Slug
    """Protocol slug of the rung's score records (the same pipeline as the ruler's own family)."""
    models: Annotated[list[Slug], Field(min_length=3, max_length=100)]
    """The rung's models; mixtures of experts among them are left out of its curve."""
    description: Text
    """What the rung is and why it is linked, in plain words."""


class RulerRecord(_Revisioned):
    """A ruler: the reference data effective sizes are measured against."""

    name: ShortText
    kind: Annotated[RulerKind, Field(strict=False)]
    description: Text
    benchmarks: Annotated[list[Slug], Field(min_length=1, max_length=50)]
    fitted_from_scores: ScoreSelection | None = None
    """Direct rulers: the family's score records. Two-step rulers use the reference records
    whose ``ruler`` field names this ruler."""
    chain: Annotated[list[ChainRung], Field(max_length=5)] | None = None
    """Direct rulers only: newer families chained onto this one, in order (its units are kept)."""
    default: bool = False
    source: Source | None = None

    @model_validator(mode="after")
    def _fitted_from(self) -> RulerRecord:
        if self.kind is RulerKind.direct and self.fitted_from_scores is None:
            raise ValueError("a direct ruler needs fitted_from_scores (protocol and models)")
        if self.kind is RulerKind.two_step and self.fitted_from_scores is not None:
            raise ValueError("a two-step ruler is fitted from reference records, not scores")
        if self.kind is RulerKind.two_step and self.chain:
            raise ValueError("only a direct ruler can have a chain of newer families")
        return self


RecordKind = Literal["model", "score", "reference", "benchmark", "ruler"]

RECORD_MODELS: dict[str, type[_Revisioned]] = {
    "model": ModelRecord,
    "score": ScoreRecord,
    "reference": ReferenceRecord,
    "benchmark": BenchmarkRecord,
    "ruler": RulerRecord,
}
"""Record kind -> pydantic model."""

KIND_FOLDERS: dict[str, str] = {
    "model": "models",
    "score": "scores",
    "reference": "references",
    "benchmark": "benchmarks",
    "ruler": "rulers",
}
"""Record kind -> folder under ``records/``."""
