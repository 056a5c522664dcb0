"""The report's scenario comparison: 2–5 scenarios ranked exactly as the app ranks them, as plain JSON.

Reuses ``selection.scenarios.compare`` (table, top-N counts, the Danish sentence); this module only
ranks each scenario (``evaluate_settings``) and freezes the result for the snapshot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from selection.data.dataset import Dataset
from selection.data.performance import Performance
from selection.scenarios import ScenarioSettings, evaluate_settings
from selection.scenarios.compare import MAX_SCENARIOS, MIN_SCENARIOS, compare


def unique_labels(names: Sequence[str]) -> list[str]:
    """The names as column labels, a number added to repeats ('Behov først', 'Behov først (2)')."""
    out: list[str] = []
    for name in names:
        label, k = name, 2
        while label in out:
            label, k = f"{name} ({k})", k + 1
        out.append(label)
    return out


def comparison_part(dataset: Dataset, scenarios: Sequence[tuple[str, ScenarioSettings]], top_n: int) -> dict[str, Any]:
    """Each area's rank and score per scenario (first scenario = the report's main one), top-N counts,
    the sentence and the long-form ranks for the rank-change chart."""
    if not MIN_SCENARIOS <= len(scenarios) <= MAX_SCENARIOS:
        raise ValueError(f"Vælg mellem {MIN_SCENARIOS} og {MAX_SCENARIOS} scenarier at sammenligne.")
    labels = unique_labels([name for name, _ in scenarios])
    performances: dict[float, Performance] = {}
    rankings = {}
    for label, (_, settings) in zip(labels, scenarios, strict=True):
        perf, result = evaluate_settings(dataset, settings, performances.get(settings.distance_m))
        performances[settings.distance_m] = perf
        rankings[label] = result
    found = compare(rankings, top_n)
    table = found.table
    k = len(labels)
    rows = [
        {
            "name": str(rec[0]),
            "ranks": [str(rec[1 + 2 * j]) for j in range(k)],
            "scores": [str(rec[2 + 2 * j]) for j in range(k)],
            "in_top": str(rec[1 + 2 * k]),
        }
        for rec in table.itertuples(index=False)
    ]
    ranks = [
        {
            "label": str(r["Scenarie"]),
            "position": int(r["orden"]),
            "area": str(r["Område"]),
            "rank": None
            if r["Rang"] is None or (isinstance(r["Rang"], float) and math.isnan(r["Rang"]))
            else int(r["Rang"]),
        }
        for r in found.ranks.to_dict("records")
    ]
    return {"labels": labels, "top_n": int(top_n), "sentence": found.sentence, "rows": rows, "ranks": ranks}
