"""Robustness analysis of one ranking, packaged for the app, the CSV and the CLI.

Takes a ``ScoreResult`` and runs the pieces of ``selection.robustness`` on the ranked
areas: SMAA-2 rank acceptability (optionally with uncertain assessments), stability
intervals and one plain-Danish sentence per area.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from .criteria import CriteriaModel
from .robustness import SmaaResult, describe_area, perturbed_scores, smaa, stability_table
from .scoring import ScoreResult

DEFAULT_SAMPLES = 10_000
DEFAULT_SEED = 1


@dataclass(frozen=True)
class RobustnessReport:
    """Everything the Robusthed view and the CSV show about one ranking."""

    scores: pd.DataFrame  # ranked areas x analysed criteria (0–100, no NaN)
    weights: dict[str, float]  # current normalised weights of the analysed criteria
    smaa: SmaaResult
    stability: pd.DataFrame  # area_id, criterion, current, lo, hi, rank
    left_out: list[str]  # criteria not analysed because a ranked area lacks data for them
    assessment_noise: bool
    assessor_ranges: int = 0  # values that varied over their assessors' range instead of ± a step


def value_ranges(values: pd.DataFrame) -> dict[tuple[str, str], tuple[float, float]]:
    """(area, indicator) -> (min, max) where two or more assessors disagree.

    ``values`` is a data set's values frame after ``apply_assessments`` (columns n_assessors, min, max);
    without those columns there are no assessor ranges.
    """
    if not {"n_assessors", "min", "max"} <= set(values.columns):
        return {}
    split = values[(values["n_assessors"] >= 2) & (values["max"] > values["min"])]
    return {(str(r.area_id), str(r.indicator_id)): (float(r.min), float(r.max)) for r in split.itertuples(index=False)}


def analysable_scores(result: ScoreResult) -> tuple[pd.DataFrame, list[str]]:
    """Criterion scores of the ranked areas; criteria with gaps among them are left out."""
    ranked = result.ranked["area_id"].tolist()
    scores = result.criterion_scores.loc[ranked]
    left_out = [c for c in scores.columns if scores[c].isna().any()]
    return scores.drop(columns=left_out), left_out


def analyse(
    result: ScoreResult,
    model: CriteriaModel,
    matrix: pd.DataFrame | None = None,
    n_samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    constraint: Sequence[str] | None = None,
    margin: float | None = None,
    noisy_indicators: Sequence[str] = (),
    step: float = 1.0,
    value_ranges: Mapping[tuple[str, str], tuple[float, float]] | None = None,
) -> RobustnessReport:
    """Run SMAA and the stability intervals for the ranked areas of ``result``.

    ``noisy_indicators`` (with the raw ``matrix``) lets those assessed values vary by
    ± ``step`` scale steps in every sample; where ``value_ranges`` gives the (min, max) of
    disagreeing assessors for an (area, indicator), the value varies over that range instead.
    """
    scores, left_out = analysable_scores(result)
    if len(scores) == 0 or scores.shape[1] == 0:
        raise ValueError("Ingen rangerede områder at analysere.")
    weights = {c: result.weights[c] for c in scores.columns}
    if sum(weights.values()) <= 0:
        raise ValueError("Kriterierne med vægt over 0 mangler data; robustheden kan ikke beregnes.")
    samples = None
    ranges = {key: span for key, span in (value_ranges or {}).items()
              if key[1] in noisy_indicators and key[0] in scores.index and span[1] > span[0]}
    if noisy_indicators:
        if matrix is None:
            raise ValueError("Usikkerhed i vurderinger kræver de rå indikatorværdier.")
        samples = perturbed_scores(
            matrix.loc[scores.index], model, result.sub_weights, noisy_indicators, n_samples, seed, step,
            criteria=list(scores.columns), ranges=ranges,
        )
    acceptability = smaa(scores, n_samples, seed, constraint, margin, weights if margin else None,
                         score_samples=samples)
    table = stability_table(scores, weights)
    return RobustnessReport(scores, weights, acceptability, table, left_out, bool(noisy_indicators),
                            len(ranges) if noisy_indicators else 0)


def summaries(report: RobustnessReport, names: dict[str, str], labels: dict[str, str], area_ids: Sequence[str]) -> dict[str, str]:
    """One Danish sentence per area on how robust its place is."""
    return {
        aid: describe_area(report.scores, report.weights, aid, names.get(aid, aid), labels, report.smaa, report.stability)
        for aid in area_ids if aid in report.scores.index
    }


def shortlist_extras(report: RobustnessReport, labels: dict[str, str]) -> dict[str, dict[str, object]]:
    """CSV columns per area: first-rank acceptability and each stability interval (in %)."""
    extras: dict[str, dict[str, object]] = {}
    first = report.smaa.first_rank
    for aid in report.scores.index:
        row: dict[str, object] = {
            f"Nr. 1 i andel af vægtninger (%, SMAA n={report.smaa.n_samples}, seed={report.smaa.seed})":
                100.0 * float(first.loc[aid]),
        }
        for rec in report.stability[report.stability["area_id"] == aid].itertuples(index=False):
            label = labels.get(rec.criterion, rec.criterion)
            row[f"Stabil rang: {label} vægt fra (%)"] = 100.0 * float(rec.lo)
            row[f"Stabil rang: {label} vægt til (%)"] = 100.0 * float(rec.hi)
        extras[str(aid)] = row
    return extras


def robustness_extras(
    result: ScoreResult, dataset_or_model: object, n_samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED
) -> dict[str, dict[str, object]]:
    """The shortlist's robustness columns with default settings (shared by app and CLI)."""
    model = getattr(dataset_or_model, "model", dataset_or_model)
    report = analyse(result, model, n_samples=n_samples, seed=seed)
    return shortlist_extras(report, {c.id: c.label for c in model.criteria})
