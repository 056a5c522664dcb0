"""Rank a data set with a scenario's settings: score, then screen out what the rules exclude."""

from __future__ import annotations

from selection.data.dataset import Dataset
from selection.data.performance import Performance, build_performance
from selection.ranking.evaluate import evaluate
from selection.ranking.scoring import ScoreResult
from selection.scenarios.screening import apply_exclusions, exclusions
from selection.scenarios.settings import ScenarioSettings


def evaluate_settings(
    dataset: Dataset, settings: ScenarioSettings, performance: Performance | None = None
) -> tuple[Performance, ScoreResult]:
    """The ranking the app shows for ``settings`` (``performance`` must be at the settings' distance)."""
    perf = performance or build_performance(dataset, settings.distance_m)
    _, result = evaluate(dataset, settings.weights, settings.sub_weights, performance=perf)
    return perf, apply_exclusions(result, exclusions(settings.rules, dataset, perf, settings.sub_weights))
