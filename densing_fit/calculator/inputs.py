"""What the density calculator reads: one model's sizes, release date, kind and scores with settings.

The same inputs come from ``densing density``'s flags, from a YAML or JSON file, from a recorded
model, and from the site's calculator page (whose URL holds them in the same score syntax). Every
check names the input, the value, what was expected and how to fix it (:class:`InputError`).

Score syntax (``--score`` and the page's URL): ``BENCH=VALUE[:SHOTS[:COT]][@PROTOCOL]``, e.g.
``mmlu=65.1:5``, ``bbh=70.2:3:cot``, ``hellaswag=80.3:10@obsscaling``. SHOTS is a count or ``?``
(not stated); COT is ``cot``, ``nocot`` or ``?`` (not stated); PROTOCOL is the evaluation pipeline's
slug (``obsscaling`` and ``olmes`` name the two harness families the tracks read; anything else is a
report).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from densing_data.contrib.add import parse_count
from densing_data.schema.records import MAX_PARAMS, SLUG_PATTERN, ModelKind

DATE_RANGE = (dt.date(2018, 1, 1), dt.date(2030, 12, 31))
"""Release dates the calculator accepts: from before the oldest recorded model (GPT-2, 2019) to a
few years past the newest; beyond them a densing-law line says nothing."""
MAX_SHOTS = 100
"""Most in-context examples a score may state (as a score record)."""
SCORE_SPEC = re.compile(
    r"^(?P<bench>[a-z0-9][a-z0-9._+-]*)=(?P<value>[^:@]*)(?::(?P<shots>[^:@]*))?(?::(?P<cot>[^:@]*))?"
    r"(?:@(?P<protocol>.*))?$"
)
COT_WORDS = {"cot": True, "nocot": False, "?": None, "": None}
"""The COT field of a score spec."""


class InputError(ValueError):
    """Calculator input that cannot be read: the message names the input, the value and what was
    expected."""


@dataclass(frozen=True)
class ScoreInput:
    """One score of the model, with the setting its source states."""

    benchmark: str
    """Benchmark id (as in ``records/benchmarks/``)."""
    value: float
    """Score in percent."""
    shots: int | None = None
    """In-context examples; None when the source does not state them."""
    cot: bool | None = None
    """Chain-of-thought prompting; None when the source does not say."""
    protocol: str = ""
    """Evaluation pipeline slug (``obsscaling``, ``olmes``, ...); empty: a report naming none."""

    def spec(self) -> str:
        """The score in the ``BENCH=VALUE:SHOTS:COT@PROTOCOL`` syntax (what ``--score`` reads)."""
        shots = "?" if self.shots is None else str(self.shots)
        cot = "?" if self.cot is None else ("cot" if self.cot else "nocot")
        text = f"{self.benchmark}={plain_number(self.value)}:{shots}:{cot}"
        return f"{text}@{self.protocol}" if self.protocol else text


@dataclass(frozen=True)
class ModelInput:
    """A model as the calculator reads it."""

    params_total: int
    """Total parameter count N (density divides by it)."""
    release_date: dt.date
    """Release date (placed against each track's densing-law line)."""
    scores: tuple[ScoreInput, ...]
    """Its scores, most preferred first where several are on one benchmark."""
    params_active: int | None = None
    """Active parameters per token (mixtures of experts); None: equal to the total."""
    kind: str = "base"
    """``base`` or another model kind (``instruct``, ``pruned`` ...: flagged ``not_base``)."""
    model_id: str | None = None
    """A recorded model these inputs start from: its own reading is left out of the ranks, and it is
    flagged ``reference_model`` on a track whose ruler it belongs to."""


def plain_number(value: float) -> str:
    """The shortest text that reads back as ``value`` (``65`` for 65.0, ``65.1``), as JavaScript's
    ``String(number)`` writes scores (the page and the command write the same score specs)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def parse_score(text: str, maxima: Mapping[str, float]) -> ScoreInput:
    """One ``BENCH=VALUE[:SHOTS[:COT]][@PROTOCOL]`` score; ``maxima``: benchmark id -> its maximum
    score (the benchmarks the tracks read)."""
    match = SCORE_SPEC.match(text.strip())
    if match is None:
        raise InputError(
            f"score {text!r}: expected BENCH=VALUE[:SHOTS[:COT]][@PROTOCOL], e.g. mmlu=65.1:5, "
            "bbh=70.2:3:cot or hellaswag=80.3:10@obsscaling"
        )
    cot_text = (match["cot"] or "").strip().lower()
    if cot_text not in COT_WORDS:
        raise InputError(f"score {text!r}: chain-of-thought {cot_text!r} is not cot, nocot or ? (not stated)")
    return check_score(
        match["bench"],
        match["value"],
        None if (match["shots"] or "").strip() in ("", "?") else match["shots"],
        COT_WORDS[cot_text],
        (match["protocol"] or "").strip(),
        maxima,
        where=f"score {text!r}",
    )


def check_score(
    benchmark: Any,
    value: Any,
    shots: Any,
    cot: Any,
    protocol: Any,
    maxima: Mapping[str, float],
    where: str,
) -> ScoreInput:
    """A :class:`ScoreInput` from loose values (flags, a file's mapping), checked; ``where`` names the
    input in messages."""
    bench = str(benchmark or "").strip()
    if bench not in maxima:
        known = ", ".join(sorted(maxima))
        raise InputError(f"{where}: benchmark {bench!r} is not read by any track; expected one of {known}")
    number = _number(value, f"{where}: the score")
    if not 0 <= number <= maxima[bench]:
        raise InputError(f"{where}: score {number:g} is outside [0, {maxima[bench]:g}] for {bench}")
    return ScoreInput(bench, number, _shots(shots, where), _cot(cot, where), _protocol(protocol, where))


NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
"""A decimal number as the page accepts one too (no hex, no underscores, no words)."""


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool):
        raise InputError(f"{what} {value!r} is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    elif NUMBER.fullmatch(str(value).strip()):
        number = float(str(value).strip())
    else:
        raise InputError(f"{what} {value!r} is not a number (e.g. 65.1)")
    if not math.isfinite(number):
        raise InputError(f"{what} {value!r} is not a finite number")
    return number


def _shots(value: Any, where: str) -> int | None:
    if value is None or (isinstance(value, str) and value.strip() in ("", "?")):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not re.fullmatch(r"\d{1,3}", text) or int(text) > MAX_SHOTS:
        raise InputError(
            f"{where}: shots {value!r} is not a count from 0 to {MAX_SHOTS} (or ? when not stated)"
        )
    return int(text)


def _cot(value: Any, where: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in COT_WORDS:
        return COT_WORDS[text]
    raise InputError(f"{where}: chain-of-thought {value!r} is not true/false, cot/nocot or ? (not stated)")


def _protocol(value: Any, where: str) -> str:
    text = "" if value is None else str(value).strip()
    if text and not re.fullmatch(SLUG_PATTERN, text):
        raise InputError(
            f"{where}: protocol {text!r} is not a slug (lower-case letters, digits and . _ + -), "
            "e.g. obsscaling"
        )
    return text


def parse_params(value: Any, what: str) -> int:
    """A parameter count (``7241732096``, ``7.24B``, ``300M``) from 1 to 10^15."""
    try:
        return parse_count(value, MAX_PARAMS)
    except ValueError as err:
        raise InputError(f"{what}: {err}") from None


def parse_date(value: Any, what: str = "release date") -> dt.date:
    """An ISO date within :data:`DATE_RANGE`."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise InputError(f"{what} {value!r} is not a date (expected YYYY-MM-DD)") from None
    low, high = DATE_RANGE
    if not low <= value <= high:
        raise InputError(f"{what} {value.isoformat()} is outside {low.isoformat()} to {high.isoformat()}")
    return value


def check_kind(value: Any) -> str:
    """A model kind of the records' schema (``base``, ``instruct``, ``pruned`` ...)."""
    kind = str(value or "base").strip()
    if kind not in {k.value for k in ModelKind}:
        raise InputError(f"kind {kind!r}: expected one of {', '.join(k.value for k in ModelKind)}")
    return kind


def model_input(
    *,
    params_total: Any,
    release_date: Any,
    scores: Sequence[ScoreInput],
    params_active: Any = None,
    kind: Any = "base",
    model_id: str | None = None,
) -> ModelInput:
    """A checked :class:`ModelInput` (sizes parsed, active ≤ total, date in range, at least one score)."""
    total = parse_params(params_total, "total parameters")
    active = None if params_active in (None, "") else parse_params(params_active, "active parameters")
    if active is not None and active > total:
        raise InputError(f"active parameters {active:,} exceed the total {total:,}; give active ≤ total")
    if not scores:
        raise InputError("no scores given: add at least one (e.g. --score mmlu=65.1:5)")
    return ModelInput(
        params_total=total,
        release_date=parse_date(release_date),
        scores=tuple(scores),
        params_active=active,
        kind=check_kind(kind),
        model_id=model_id,
    )


def input_from_mapping(data: Any, maxima: Mapping[str, float], where: str) -> ModelInput:
    """A :class:`ModelInput` from a YAML/JSON file's mapping: ``params_total``, ``release_date``,
    optional ``params_active``, ``kind``, and ``scores``: a list of ``{benchmark, value, shots, cot,
    protocol}`` mappings or ``BENCH=VALUE...`` strings."""
    if not isinstance(data, Mapping):
        raise InputError(f"{where}: expected a mapping with params_total, release_date and scores")
    known = {"params_total", "params_active", "release_date", "kind", "scores", "model"}
    unknown = sorted(str(k) for k in data if k not in known)
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(known))}")
    items = data.get("scores")
    if not isinstance(items, list):
        raise InputError(f"{where}: scores must be a list (of mappings or BENCH=VALUE:SHOTS:COT strings)")
    scores = [_score_item(item, maxima, f"{where}: scores[{i}]") for i, item in enumerate(items)]
    for key in ("params_total", "release_date"):
        if data.get(key) is None:
            raise InputError(f"{where}: {key} is missing")
    return model_input(
        params_total=data["params_total"],
        params_active=data.get("params_active"),
        release_date=data["release_date"],
        kind=data.get("kind", "base"),
        scores=scores,
        model_id=None if data.get("model") is None else str(data["model"]),
    )


def _score_item(item: Any, maxima: Mapping[str, float], where: str) -> ScoreInput:
    if isinstance(item, str):
        try:
            return parse_score(item, maxima)
        except InputError as err:
            raise InputError(f"{where}: {err}") from None
    if not isinstance(item, Mapping):
        raise InputError(
            f"{where}: expected a mapping {{benchmark, value, shots, cot, protocol}} or a string"
        )
    unknown = sorted(str(k) for k in item if k not in {"benchmark", "value", "shots", "cot", "protocol"})
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(unknown)}")
    if item.get("value") is None:
        raise InputError(f"{where}: value is missing")
    return check_score(
        item.get("benchmark"),
        item["value"],
        item.get("shots"),
        item.get("cot"),
        item.get("protocol"),
        maxima,
        where,
    )
