"""Robustness analysis of one ranking, packaged for the app, the CSV and the CLI.

Takes a ``ScoreResult`` and runs the pieces of ``sensitivity``, ``smaa`` and ``wording`` (in this package) on the ranked
areas: SMAA-2 rank acceptability (optionally with uncertain assessments), stability
intervals and one plain-Danish sentence per area.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from selection.analysis.robustness.sensitivity import stability_table
from selection.analysis.robustness.smaa import LazyScoreSamples, SmaaResult, smaa
from selection.analysis.robustness.wording import describe_area, share_text
from selection.data.criteria import CriteriaModel
from selection.data.dataset import Dataset
from selection.ranking.scoring import ScoreResult

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


def analysis_key(
    result: ScoreResult,
    n_samples: int,
    seed: int,
    constraint: Sequence[str] | None,
    margin: float | None,
    noisy_indicators: Sequence[str] = (),
    value_ranges: Mapping[tuple[str, str], tuple[float, float]] | None = None,
    weight_samples: pd.DataFrame | None = None,
) -> tuple:
    """Everything ``analyse`` depends on besides the raw matrix and the model (the caller ties the key to those):
    the ranked areas' criterion scores (by content), the weights and sub-weights, the draw and the noise. Equal
    keys give equal reports, so a page can keep a report instead of running SMAA again."""
    scores = result.criterion_scores.loc[result.ranked["area_id"].tolist()]
    digest = hashlib.blake2b(digest_size=16)
    digest.update("\x1f".join(map(str, scores.index)).encode())
    digest.update("\x1f".join(map(str, scores.columns)).encode())
    digest.update(np.ascontiguousarray(scores.to_numpy(dtype=float)).tobytes())
    return (
        digest.hexdigest(),
        tuple(sorted((str(k), float(v)) for k, v in result.weights.items())),
        tuple(sorted((str(k), float(v)) for k, v in (result.sub_weights or {}).items())),
        int(n_samples),
        int(seed),
        tuple(constraint) if constraint else None,
        None if margin is None else float(margin),
        tuple(noisy_indicators),
        tuple(sorted((tuple(map(str, k)), (float(v[0]), float(v[1]))) for k, v in (value_ranges or {}).items())),
        None if weight_samples is None else _frame_digest(weight_samples),
    )


def _frame_digest(frame: pd.DataFrame) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update("\x1f".join(map(str, frame.columns)).encode())
    digest.update(np.ascontiguousarray(frame.to_numpy(dtype=float)).tobytes())
    return digest.hexdigest()


def given_weights(weights: pd.DataFrame, criteria: Sequence[str]) -> pd.DataFrame:
    """Explicit weightings (rows, e.g. a round's participants; columns criterion ids, a missing one 0) cut to the
    analysed ``criteria`` and normalised per row. ValueError (Danish) for a negative or non-finite weight, or a row
    whose weight lies only on criteria that cannot be analysed."""
    frame = weights.reindex(columns=list(criteria), fill_value=0.0).astype(float).fillna(0.0)
    if frame.empty:
        raise ValueError("Der er ingen vægte at afprøve.")
    values = frame.to_numpy()
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError("Vægtene skal være endelige tal ≥ 0.")
    totals = values.sum(axis=1)
    if (totals <= 0).any():
        raise ValueError(
            f"{int((totals <= 0).sum())} af vægtningerne lægger al vægt på kriterier, der ikke kan analyseres; "
            "robustheden kan ikke beregnes med dem."
        )
    return pd.DataFrame(values / totals[:, None], index=frame.index, columns=frame.columns)


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
    weight_samples: pd.DataFrame | None = None,
) -> RobustnessReport:
    """Run SMAA and the stability intervals for the ranked areas of ``result``.

    ``noisy_indicators`` (with the raw ``matrix``) lets those assessed values vary by
    ± ``step`` scale steps in every sample; where ``value_ranges`` gives the (min, max) of
    disagreeing assessors for an (area, indicator), the value varies over that range instead.

    ``weight_samples`` (rows × criterion ids, e.g. the participants' weights of a weighting round) replaces the
    random weights: the rank acceptability is then the share of those weightings giving each rank (``given_weights``
    cuts them to the analysed criteria). With uncertain values each row is tried with ``n_samples // rows`` draws
    of the values (at least one), so every row counts the same; without, each row once. Not with ``constraint``
    or ``margin``.
    """
    scores, left_out = analysable_scores(result)
    if len(scores) == 0 or scores.shape[1] == 0:
        raise ValueError("Ingen rangerede områder at analysere.")
    weights = {c: result.weights[c] for c in scores.columns}
    if sum(weights.values()) <= 0:
        raise ValueError("Kriterierne med vægt over 0 mangler data; robustheden kan ikke beregnes.")
    explicit = None
    if weight_samples is not None:
        if constraint or margin:
            raise ValueError("Givne vægte kan ikke kombineres med en rækkefølge eller en margen.")
        given = given_weights(weight_samples, list(scores.columns))
        repeat = max(1, int(n_samples) // len(given)) if noisy_indicators else 1
        explicit = given.iloc[np.repeat(np.arange(len(given)), repeat)]
        n_samples = len(explicit)
    samples = None
    ranges = {
        key: span
        for key, span in (value_ranges or {}).items()
        if key[1] in noisy_indicators and key[0] in scores.index and span[1] > span[0]
    }
    if noisy_indicators:
        if matrix is None:
            raise ValueError("Usikkerhed i vurderinger kræver de rå indikatorværdier.")
        samples = LazyScoreSamples(  # drawn chunk by chunk inside smaa: bounded memory at thousands of areas
            matrix.loc[scores.index],
            model,
            result.sub_weights,
            noisy_indicators,
            n_samples,
            seed,
            step,
            criteria=list(scores.columns),
            ranges=ranges,
        )
    acceptability = smaa(
        scores,
        n_samples,
        seed,
        constraint,
        margin,
        weights if margin else None,
        weight_samples=explicit,
        score_samples=samples,
    )
    table = stability_table(scores, weights)
    return RobustnessReport(
        scores, weights, acceptability, table, left_out, bool(noisy_indicators), len(ranges) if noisy_indicators else 0
    )


TYPICAL_WEIGHTS_MAX_AREAS = 20  # columns of the 'typical weights when nr. 1' table


def typical_weights(report: RobustnessReport, max_areas: int = TYPICAL_WEIGHTS_MAX_AREAS) -> tuple[pd.DataFrame, int]:
    """The mean weights (rows: areas in ranking order, columns: criteria, shares 0-1) of the areas that are nr. 1
    in some weightings; with more than ``max_areas`` of them the ``max_areas`` most often nr. 1. And how many
    areas are ever nr. 1."""
    central = report.smaa.central_weights.dropna()
    first = report.smaa.first_rank.reindex(central.index)
    keep = set(first.sort_values(ascending=False, kind="stable").index[:max_areas])
    return central[central.index.isin(keep)], len(central)


def uncertain_indicators(model: CriteriaModel, provenance: pd.DataFrame) -> list[str]:
    """Stored indicators with at least one value that is not sourced (assessed or illustrative)."""
    prov = provenance[provenance["kind"] != "sourced"]
    uncertain = set(prov["indicator_id"])
    return [i.id for i in model.indicators if not i.computed and i.id in uncertain]


def share_phrase(share: float) -> str:
    """'84 %', 'under 1 %' or 'over 99 %'."""
    return share_text(share)


def varied_text(noise: bool) -> str:
    """What was varied, in plain Danish (used in sentences and column headers)."""
    return "vægtene og de vurderede og illustrative værdier (± ét skalatrin)" if noise else "kun vægtene"


def first_rank_sentence(aid: object, report: RobustnessReport, noisy: RobustnessReport | None = None) -> str:
    """How often the area is nr. 1, saying what was varied, with value uncertainty when given."""
    plain = float(report.smaa.first_rank.loc[aid])
    varied = varied_text(report.assessment_noise)
    if plain > 0:
        text = f"Nr. 1 i {share_phrase(plain)} af de afprøvede vægtninger, når {varied} varieres"
    else:
        text = f"Aldrig nr. 1 i de afprøvede vægtninger, når {varied} varieres"
    if noisy is not None and noisy.assessment_noise and aid in noisy.smaa.first_rank.index:
        share = float(noisy.smaa.first_rank.loc[aid])
        text += (
            f", og {'i ' + share_phrase(share) if share > 0 else 'heller ikke'}, når også de vurderede og "
            "illustrative værdier varierer ± ét skalatrin"
        )
    return text + "."


def summaries(
    report: RobustnessReport,
    names: dict[str, str],
    labels: dict[str, str],
    area_ids: Sequence[str],
    noisy: RobustnessReport | None = None,
) -> dict[str, str]:
    """Danish sentences per area: its place and how long it holds, then how often it is nr. 1 and
    what was varied to find out (with value uncertainty too when ``noisy`` is given)."""
    return {
        aid: describe_area(report.scores, report.weights, aid, names.get(aid, aid), labels, None, report.stability)
        + " "
        + first_rank_sentence(aid, report, noisy)
        for aid in area_ids
        if aid in report.scores.index
    }


def first_rank_column(report: RobustnessReport) -> str:
    """Column header of the first-rank share, naming what was varied and the sample."""
    return (
        f"Andel som nr. 1 (%) når {varied_text(report.assessment_noise)} varieres "
        f"({report.smaa.n_samples} vægtninger, seed {report.smaa.seed})"
    )


def shortlist_extras(
    report: RobustnessReport, labels: dict[str, str], noisy: RobustnessReport | None = None
) -> dict[str, dict[str, object]]:
    """Columns per area: first-rank share (weights only, and with value uncertainty when given)
    and each stability interval (in %)."""
    extras: dict[str, dict[str, object]] = {}
    for aid in report.scores.index:
        row: dict[str, object] = {first_rank_column(report): 100.0 * float(report.smaa.first_rank.loc[aid])}
        if noisy is not None:
            row[first_rank_column(noisy)] = 100.0 * float(noisy.smaa.first_rank.loc[aid])
        for rec in report.stability[report.stability["area_id"] == aid].itertuples(index=False):
            label = labels.get(rec.criterion, rec.criterion)
            row[f"Samme rang så længe {label} vægtes fra (%)"] = 100.0 * float(rec.lo)
            row[f"Samme rang så længe {label} vægtes til (%)"] = 100.0 * float(rec.hi)
        extras[str(aid)] = row
    return extras


def robustness_extras(
    result: ScoreResult,
    dataset_or_model: Dataset | CriteriaModel,
    n_samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    matrix: pd.DataFrame | None = None,
    noisy_indicators: Sequence[str] = (),
) -> dict[str, dict[str, object]]:
    """The shortlist's robustness columns with default settings (shared by app and CLI).

    With ``matrix`` and ``noisy_indicators`` the first-rank share is also given with those
    values varying by ± one scale step, or over the assessors' range where a data set's
    assessors disagree.
    """
    if isinstance(dataset_or_model, Dataset):
        model, ranges = dataset_or_model.model, value_ranges(dataset_or_model.values)
    else:
        model, ranges = dataset_or_model, None
    report = analyse(result, model, n_samples=n_samples, seed=seed)
    noisy = (
        analyse(result, model, matrix, n_samples, seed, noisy_indicators=noisy_indicators, value_ranges=ranges)
        if matrix is not None and noisy_indicators
        else None
    )
    return shortlist_extras(report, {c.id: c.label for c in model.criteria}, noisy)
