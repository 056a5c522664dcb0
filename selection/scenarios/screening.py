"""Apply a scenario's exclusions to a ranking: excluded areas keep their scores but get no rank.

The eligible areas are ranked again among themselves (same tie rule as ``selection.scoring``); the
excluded ones move to the bottom of the table with status ``excluded`` and their reason in the
``excluded`` column ('' for every other area). Everything that reads ``ScoreResult.ranked`` (the
shortlist, SMAA, stability intervals, the chart) therefore sees the eligible areas only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..indicators import Performance
from ..scoring import STATUS_EXCLUDED, STATUS_UNRANKED, ScoreResult, competition_rank, criterion_scores
from .rules import Rule, screen

EXCLUDED_COLUMN = "excluded"


def exclusions(rules: Sequence[Rule], dataset: Dataset, perf: Performance,
               sub_weights: Mapping[str, float] | None) -> dict[str, str]:
    """area_id -> Danish reason for every area the rules exclude (none without rules).

    Depends on the sub-weights (criterion scores) and the actor distance (``perf``), never on the
    main weights, so the app computes it once per setting, not on every weight move.
    """
    if not rules:
        return {}
    scores, _ = criterion_scores(perf.matrix, dataset.model, sub_weights, required=set())
    return screen(rules, dataset, perf.matrix, scores)


def apply_exclusions(result: ScoreResult, excluded: Mapping[str, str]) -> ScoreResult:
    """``result`` with the ``excluded`` areas unranked and last (reason in column 'excluded')."""
    if not excluded:
        return result
    table = result.table
    out = np.array([a in excluded for a in table["area_id"]])
    eligible = table[~out]
    ranks = competition_rank(eligible["total"])
    eligible = eligible.assign(rank=ranks.to_numpy())
    key = pd.DataFrame({"unranked": eligible["rank"].isna().to_numpy(), "rank": eligible["rank"].fillna(0).to_numpy(),
                        "name": eligible["name"].str.casefold().to_numpy(), "id": eligible["area_id"].to_numpy()})
    eligible = eligible.iloc[key.sort_values(["unranked", "rank", "name", "id"], kind="stable").index]
    gone = table[out].assign(rank=pd.NA, status=STATUS_EXCLUDED)
    gone = gone.iloc[np.lexsort((gone["area_id"].to_numpy(), gone["name"].str.casefold().to_numpy()))]
    merged = pd.concat([eligible, gone], ignore_index=True)
    merged["rank"] = merged["rank"].astype("Int64")
    merged[EXCLUDED_COLUMN] = [excluded.get(a, "") for a in merged["area_id"]]
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
    return bool((status == STATUS_EXCLUDED).any()) and not bool((~status.isin([STATUS_EXCLUDED, STATUS_UNRANKED])).any())
