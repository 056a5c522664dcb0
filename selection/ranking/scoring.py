"""Weighted-sum scoring against fixed reference scales.

The order of operations is explicit: normalise each raw value against its indicator's
fixed scale (cost indicators inverted), combine indicators into criterion scores (0–100)
with sub-weights, combine criteria with main weights normalised to sum 1, then rank.

Missing values follow one rule (see data/areas/README.md): a missing indicator is left
out and its sub-weight is shared among the criterion's other indicators; the area is
flagged. An area with no data for a weighted criterion gets no total and no rank.

Ties: areas whose totals agree to 9 decimals share the same (lowest) rank, e.g. 1, 2, 2, 4;
within a tie they are listed by name, then by area id.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from selection.data.criteria import CriteriaModel
from selection.errors import WeightError

if TYPE_CHECKING:
    from selection.data.dataset import Dataset

TIE_DECIMALS = 9

STATUS_OK = "ok"
STATUS_INCOMPLETE = "incomplete"
STATUS_UNRANKED = "unranked"
STATUS_EXCLUDED = "excluded"  # screened out by a scenario's exclusion rule (selection.scenarios.screening)
STATUS_LABELS = {
    STATUS_OK: "",
    STATUS_INCOMPLETE: "Ufuldstændige data",
    STATUS_UNRANKED: "Ikke rangeret (mangler data)",
    STATUS_EXCLUDED: "Udelukket",
}
NOT_RANKED = (STATUS_UNRANKED, STATUS_EXCLUDED)


@dataclass(frozen=True)
class ScoreResult:
    """A tidy ranking plus the pieces robustness analysis needs."""

    table: pd.DataFrame  # display order; see ``score_areas``
    weights: dict[str, float]  # main weights normalised to sum 1
    sub_weights: dict[str, float]  # sub-weights as given (shares are per criterion)
    criterion_scores: pd.DataFrame  # index area_id, one 0–100 column per criterion; NaN = no data

    @cached_property
    def ranked(self) -> pd.DataFrame:
        """The ranked rows of ``table`` (computed once; treat as read-only)."""
        return self.table[~self.table["status"].isin(NOT_RANKED)]

    def top(self, n: int) -> pd.DataFrame:
        return self.ranked.head(max(int(n), 0))


def normalise_weights(weights: Mapping[str, float], ids: list[str]) -> dict[str, float]:
    """Scale non-negative weights to sum 1; raise WeightError with a Danish message otherwise."""
    unknown = sorted(set(weights) - set(ids))
    if unknown:
        raise WeightError(f"Ukendt kriterium: {', '.join(unknown)}. Kendte kriterier: {', '.join(ids)}.")
    clean: dict[str, float] = {}
    for cid in ids:
        raw = weights.get(cid, 0.0)
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise WeightError(f"Vægten for '{cid}' skal være et tal (fik {raw!r}).") from None
        if not math.isfinite(value):
            raise WeightError(f"Vægten for '{cid}' skal være et endeligt tal (fik {raw!r}).")
        if value < 0:
            raise WeightError(f"Vægten for '{cid}' må ikke være negativ (fik {value:g}).")
        clean[cid] = value
    total = sum(clean.values())
    if total <= 0:
        raise WeightError("Alle vægte er 0. Sæt mindst ét kriterium over 0 for at kunne rangere områderne.")
    return {cid: v / total for cid, v in clean.items()}


def normalised_matrix(matrix: pd.DataFrame, model: CriteriaModel) -> pd.DataFrame:
    """Raw values → 0..1 against each indicator's fixed scale (1 = best; NaN stays NaN)."""
    return pd.DataFrame(
        _normalised(raw_array(matrix, model), model), index=matrix.index, columns=[i.id for i in model.indicators]
    )


def raw_array(matrix: pd.DataFrame, model: CriteriaModel) -> np.ndarray:
    """The matrix as an array with one column per indicator in the model's order (NaN if absent)."""
    return np.column_stack(
        [
            matrix[ind.id].to_numpy(dtype=float) if ind.id in matrix else np.full(len(matrix), np.nan)
            for ind in model.indicators
        ]
    )


def _normalised(raw: np.ndarray, model: CriteriaModel) -> np.ndarray:
    """Raw values on the last axis (indicators in model order) → 0..1, cost indicators inverted."""
    inds = model.indicators
    share = (raw - np.array([i.scale_min for i in inds])) / np.array([i.scale_max - i.scale_min for i in inds])
    return np.where(np.array([i.direction == "cost" for i in inds], dtype=bool), 1.0 - share, share)


def criterion_scores(
    matrix: pd.DataFrame,
    model: CriteriaModel,
    sub_weights: Mapping[str, float] | None = None,
    required: set[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Combine normalised indicators into criterion scores (0–100).

    Returns the scores (NaN where a criterion has no data for an area) and a boolean frame
    marking weighted indicators that are missing. ``required`` names the criteria whose
    sub-weights must not all be zero (those with a main weight above zero).
    """
    scores, missing = criterion_arrays(raw_array(matrix, model), model, sub_weights, required)
    return (
        pd.DataFrame(scores, index=matrix.index, columns=model.criterion_ids),
        pd.DataFrame(missing, index=matrix.index, columns=[i.id for i in model.indicators]),
    )


def criterion_arrays(
    raw: np.ndarray,
    model: CriteriaModel,
    sub_weights: Mapping[str, float] | None = None,
    required: set[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``criterion_scores`` on arrays with the indicators on the last axis (any leading axes, e.g.
    samples × areas): scores (… × criteria) and missing weighted indicators (… × indicators)."""
    unknown = sorted(set(sub_weights or {}) - set(model.default_sub_weights))
    if unknown:
        raise WeightError(f"Ukendt indikator: {', '.join(unknown)}.")
    subs = model.default_sub_weights | dict(sub_weights or {})
    norm = _normalised(raw, model)
    scores = np.full((*raw.shape[:-1], len(model.criteria)), np.nan)
    missing = np.zeros(norm.shape, dtype=bool)
    start = 0
    for c, crit in enumerate(model.criteria):
        cols = slice(start, start + len(crit.indicators))
        start += len(crit.indicators)
        w = np.array([_sub_weight(subs, ind.id) for ind in crit.indicators], dtype=float)
        vals = norm[..., cols]
        missing[..., cols] = np.isnan(vals) & (w > 0)
        if w.sum() <= 0:
            if required is None or crit.id in required:
                raise WeightError(f"Alle delvægte for '{crit.label}' er 0. Sæt mindst én indikator over 0.")
            continue
        have = ~np.isnan(vals) & (w > 0)
        denom = np.where(have, w, 0.0).sum(axis=-1)
        num = (np.where(have, vals, 0.0) * w).sum(axis=-1)
        scores[..., c] = np.where(denom > 0, 100.0 * num / np.where(denom > 0, denom, 1.0), np.nan)
    return scores, missing


def _sub_weight(subs: Mapping[str, float], iid: str) -> float:
    raw = subs.get(iid, 0.0)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise WeightError(f"Delvægten for '{iid}' skal være et tal (fik {raw!r}).") from None
    if not math.isfinite(value) or value < 0:
        raise WeightError(f"Delvægten for '{iid}' skal være et tal ≥ 0 (fik {raw!r}).")
    return value


def competition_rank(totals: pd.Series) -> pd.Series:
    """Rank totals high to low; equal totals (to 9 decimals) share the lowest rank; NaN → <NA>."""
    return pd.Series(_competition_rank(totals.to_numpy(dtype=float)), index=totals.index, dtype="Int64")


def _competition_rank(totals: np.ndarray) -> pd.arrays.IntegerArray:
    """``competition_rank`` on an array: 1 + the number of strictly higher rounded totals.

    Counted with a sort (n log n), so ranking 2,000 areas for 30 participants stays cheap."""
    rounded = np.round(np.asarray(totals, dtype=float), TIE_DECIMALS)
    known = ~np.isnan(rounded)
    ordered = np.sort(rounded[known])
    higher = len(ordered) - np.searchsorted(ordered, np.where(known, rounded, 0.0), side="right")
    return pd.arrays.IntegerArray(np.where(known, higher + 1, 0).astype("int64"), ~known)


def score_areas(
    matrix: pd.DataFrame,
    model: CriteriaModel,
    weights: Mapping[str, float],
    sub_weights: Mapping[str, float] | None = None,
    names: Mapping[str, str] | None = None,
) -> ScoreResult:
    """Score and rank every area (rows of ``matrix``).

    The table has, in display order: rank (Int64, <NA> if unranked), area_id, name,
    total (0–100), ``<criterion>_score`` and ``<criterion>_contribution`` (points of the
    total) per criterion, status (ok / incomplete / unranked) and missing (indicator ids).
    """
    ids = model.criterion_ids
    w = normalise_weights(weights, ids)
    active_mask = np.array([w[cid] > 0 for cid in ids])
    score_arr, missing = criterion_arrays(
        raw_array(matrix, model), model, sub_weights, required={cid for cid in ids if w[cid] > 0}
    )
    contrib = score_arr * np.array([w[cid] for cid in ids])
    unranked = np.isnan(score_arr[:, active_mask]).any(axis=1)
    total = np.where(unranked, np.nan, np.nansum(contrib[:, active_mask], axis=1))
    indicator_ids = [i.id for i in model.indicators]
    indicator_criterion = [c.id for c in model.criteria for _ in c.indicators]
    active_cols = [k for k, cid in enumerate(indicator_criterion) if w[cid] > 0]
    gaps = missing[:, active_cols]
    missing_ids = [[indicator_ids[active_cols[j]] for j in np.flatnonzero(row)] for row in gaps]
    status = np.where(unranked, STATUS_UNRANKED, np.where(gaps.any(axis=1), STATUS_INCOMPLETE, STATUS_OK))
    names = names or {}
    area_ids = list(matrix.index)
    area_names = [str(names.get(a, a)) for a in area_ids]
    ranks = _competition_rank(total)
    no_rank = ranks.isna()  # the sort key (unranked last, then by rank), from whole arrays
    rank_key = list(zip(no_rank.tolist(), ranks.to_numpy(dtype="int64", na_value=0).tolist(), strict=True))
    order = sorted(range(len(area_ids)), key=lambda i: (*rank_key[i], area_names[i].casefold(), area_ids[i]))
    columns: dict[str, object] = {
        "rank": ranks[order],
        "area_id": [area_ids[i] for i in order],
        "name": [area_names[i] for i in order],
        "total": total[order],
    }
    for k, cid in enumerate(ids):
        columns[f"{cid}_score"] = score_arr[order, k]
        columns[f"{cid}_contribution"] = contrib[order, k]
    columns["status"] = status[order]
    columns["missing"] = [missing_ids[i] for i in order]
    scores = pd.DataFrame(score_arr, index=matrix.index, columns=ids)
    return ScoreResult(pd.DataFrame(columns), w, model.default_sub_weights | dict(sub_weights or {}), scores)


def weighted_indicators(result: ScoreResult, dataset: Dataset) -> list[str]:
    """Indicators that carry weight in this result (their criterion's weight and their own > 0)."""
    return [
        i.id
        for c in dataset.model.criteria
        if result.weights.get(c.id, 0) > 0
        for i in c.indicators
        if result.sub_weights.get(i.id, i.default_weight) > 0
    ]
