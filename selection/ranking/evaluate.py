"""One call from a loaded data set and weights to a ranking (shared by app and CLI)."""

from __future__ import annotations

from collections.abc import Mapping

from selection.data.dataset import Dataset
from selection.data.performance import Performance, build_performance
from selection.ranking.scoring import ScoreResult, score_areas


def evaluate(
    dataset: Dataset,
    weights: Mapping[str, float] | None = None,
    sub_weights: Mapping[str, float] | None = None,
    distance_m: float | None = None,
    performance: Performance | None = None,
) -> tuple[Performance, ScoreResult]:
    """Build (or reuse) the performance matrix and score it with the given weights."""
    perf = performance or build_performance(dataset, distance_m)
    names = dataset.areas["name"].to_dict()
    result = score_areas(perf.matrix, dataset.model, weights or dataset.model.default_weights, sub_weights, names)
    return perf, result
