"""Apply a scenario's exclusions to a ranking: excluded areas keep their scores but get no rank.

The eligible areas are ranked again among themselves (same tie rule as ``selection.ranking.scoring``); the
excluded ones move to the bottom of the table with status ``excluded`` and their reason in the
``excluded`` column ('' for every other area). Everything that reads ``ScoreResult.ranked`` (the
shortlist, SMAA, stability intervals, the chart) therefore sees the eligible areas only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from selection.data.dataset import Dataset
from selection.data.performance import Performance
from selection.ranking.scoring import STATUS_EXCLUDED, STATUS_UNRANKED, ScoreResult, _competition_rank, criterion_scores
from selection.scenarios.rules import Rule, screen

EXCLUDED_COLUMN = "excluded"


def exclusions(
    rules: Sequence[Rule], dataset: Dataset, perf: Performance, sub_weights: Mapping[str, float] | None
) -> dict[str, str]:
    """area_id -> Danish reason for every area the rules exclude (none without rules).

    Depends on the sub-weights (criterion scores) and the actor distance (``perf``), never on the
    main weights, so the app computes it once per setting, not on every weight move.
    """
    if not rules:
        return {}
    scores, _ = criterion_scores(perf.matrix, dataset.model, sub_weights, required=set())
    return screen(rules, dataset, perf.matrix, scores)


def apply_exclusions(result: ScoreResult, excluded: Mapping[str, str]) -> ScoreResult:
    """``result`` with the ``excluded`` areas unranked and last (reason in column 'excluded').

    Runs on every weight move while rules are active, so it works on arrays and copies the table once.
    """
    if not excluded:
        return result
    table = result.table
    ids = table["area_id"].tolist()
    out = np.array([a in excluded for a in ids], dtype=bool)
    ranks = _competition_rank(np.where(out, np.nan, table["total"].to_numpy(dtype=float)))
    names = [str(n).casefold() for n in table["name"]]
    rank_values = ranks.to_numpy(dtype=float, na_value=np.nan)
    order = sorted(
        range(len(ids)),
        key=lambda i: (
            bool(out[i]),
            bool(np.isnan(rank_values[i])),
            0.0 if np.isnan(rank_values[i]) else rank_values[i],
            names[i],
            ids[i],
        ),
    )
    status = table["status"].to_numpy(dtype=object).copy()
    status[out] = STATUS_EXCLUDED
    merged = table.iloc[order].reset_index(drop=True)
    merged["rank"] = ranks[order]
    merged["status"] = status[order]
    merged[EXCLUDED_COLUMN] = [excluded.get(ids[i], "") for i in order]
    return ScoreResult(merged, result.weights, result.sub_weights, result.criterion_scores)


def excluded_reasons(result: ScoreResult) -> dict[str, str]:
    """area_id -> reason for the excluded areas of a result (empty when nothing is excluded)."""
    table = result.table
    if EXCLUDED_COLUMN not in table:
        return {}
    rows = table[table["status"] == STATUS_EXCLUDED]
    return dict(zip(rows["area_id"], rows[EXCLUDED_COLUMN], strict=True))


def all_excluded(result: ScoreResult) -> bool:
    """True when rules excluded every area that could otherwise be ranked."""
    status = result.table["status"]
    return bool((status == STATUS_EXCLUDED).any()) and not bool(
        (~status.isin([STATUS_EXCLUDED, STATUS_UNRANKED])).any()
    )
