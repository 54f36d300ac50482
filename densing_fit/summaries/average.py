"""The paper's "Average" reading: one ruler fitted on the mean score over a benchmark set.

Xiao et al. (Figure 2) fit an "Average" curve next to the per-benchmark ones, i.e. read N̂ off the
average score. Here a direct ruler is refitted on the family's mean score over the set (family
members with every benchmark), with floor and maximum the means of the benchmarks'; a two-step
ruler on the mean loss and mean score of reference checkpoints measured on every benchmark. A
model needs a usable score on every benchmark of the set. Used for the ``average`` row of the
sensitivity table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from densing_data.loader import Dataset
from densing_fit.rulers.direct import DirectRuler
from densing_fit.rulers.effective import ABOVE, BELOW
from densing_fit.rulers.fitting import FittedRuler, Ruler, benchmark_defaults, reference_frame
from densing_fit.rulers.two_step import TwoStepRuler


def average_ruler(ds: Dataset, ruler: FittedRuler, bench_set: Sequence[str], d0_tokens: float) -> Ruler:
    """A ruler of the same kind fitted on the mean over ``bench_set`` (raises FitError if impossible)."""
    defaults = benchmark_defaults(ds)
    floor = float(np.mean([defaults[b]["floor"] for b in bench_set]))
    maximum = float(np.mean([defaults[b]["maximum"] for b in bench_set]))
    name = f"{ruler.kind} ruler {ruler.ruler_id!r} on the average of {', '.join(bench_set)}"
    if ruler.kind == "direct":
        points = pd.DataFrame(
            [
                (b, p["label"], p["params"], p["score"])
                for b in bench_set
                for p in ruler.summary["benchmarks"][b].get("points", [])
            ],
            columns=["benchmark", "model", "params", "score"],
        )
        complete = points.groupby(["model", "params"])["score"].agg(["mean", "count"]).reset_index()
        complete = complete[complete["count"] == len(bench_set)]
        return DirectRuler(floor=floor, maximum=maximum, name=name).fit(complete["params"], complete["mean"])
    frames = [reference_frame(ds, ruler.ruler_id, b).assign(benchmark=b) for b in bench_set]
    refs = pd.concat(frames, ignore_index=True)
    refs = refs[~refs["held_out"] & refs["loss"].notna()]
    keys = ["label", "params", "tokens", "final"]
    means = refs.groupby(keys).agg(
        loss=("loss", "mean"), score=("score", "mean"), count=("benchmark", "nunique")
    )
    means = means[means["count"] == len(bench_set)].reset_index()
    estimator = TwoStepRuler(floor=floor, maximum=maximum, d0_tokens=d0_tokens, name=name)
    return estimator.fit(means["params"], means["tokens"], means["loss"], means["score"], means["final"])


def average_densities(
    per_bench: pd.DataFrame, estimator: Ruler, bench_set: Sequence[str], sizes: dict[str, float]
) -> dict[str, float]:
    """Model id -> density read off ``estimator`` from the model's mean score over ``bench_set``.

    Only models in ``sizes`` with a used score on every benchmark of the set; bounds
    (``below_ruler``, ``above_ruler``) are left out as in the main trend.
    """
    rows = per_bench[per_bench["benchmark"].isin(list(bench_set)) & per_bench["used"]]
    counts = rows.groupby("model")["benchmark"].nunique()
    means = rows.groupby("model")["score"].mean()
    complete = [m for m in means.index if counts[m] == len(bench_set) and m in sizes]
    if not complete:
        return {}
    found = estimator.effective_params_batch(means[complete].to_numpy())
    return {
        m: float(value) / sizes[m]
        for m, value, flag in zip(complete, found.value, found.flag, strict=True)
        if flag not in (BELOW, ABOVE)
    }
