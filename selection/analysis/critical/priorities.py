"""The assessment priority list: which values to assess first because they could change the choice.

A value is worth assessing when its plausible range (``selection.analysis.critical.values``:
sourced → the value itself, assessed → the assessors' spread or ± one scale step, placeholder or
missing → the whole scale) reaches one of its critical values for nr. 1 or the top N: with the
critical value x of a change upwards that is x ≤ hi (x < hi when the change happens only beyond x),
downwards x ≥ lo (x > lo). Per value the most decisive change in range counts (nr. 1 before the top
N, then the nearer one). The list is ordered by effect, then placeholders before assessed and computed
values, then the distance in scale steps from the reference value, then rank and indicator order.

Areas outside the top N that no plausible change of one of their own values brings in are "out of
reach". The sentences and cell texts come from ``selection.analysis.critical.wording``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from selection.analysis.critical.cells import DIRECTIONS
from selection.analysis.critical.values import PLACEHOLDER_KINDS, critical_values
from selection.analysis.critical.wording import condition_text, kind_text, priority_sentence, value_text
from selection.data.criteria import CriteriaModel
from selection.ranking.scoring import ScoreResult

PRIORITY_EFFECTS = ("first", "top")


def _reaches(x: float, direction: str, closed: bool, lo: float, hi: float) -> bool:
    """Does the plausible range [lo, hi] reach the change at x (closed) or beyond x (open)?"""
    if direction == "up":
        return x <= hi if closed else x < hi
    return x >= lo if closed else x > lo


def priority_list(table: pd.DataFrame, model: CriteriaModel, names: Mapping[str, str], top_n: int) -> pd.DataFrame:
    """The values worth assessing first: those whose plausible range reaches a change of nr. 1 or the top N.

    ``table`` is a ``critical_values`` table. One row per value (the most decisive change in its
    range: nr. 1 before the top N, then the nearer one), ordered by: changes nr. 1 before
    changes the top N; placeholders (illustrative or missing) before assessed and computed values;
    fewer scale steps away first; then the area's rank and the model's indicator order. Columns:
    priority, area_id, area, rank, indicator_id, indicator, criterion, unit, value, kind,
    plausible_lo, plausible_hi, effect (first/top), direction (up/down), critical, closed,
    condition ("højst 3,31 point"), what, distance (units; NaN when there is no reference value),
    distance_steps, sentence (one plain Danish sentence).
    """
    order = {i.id: k for k, i in enumerate(model.indicators)}
    labels = {c.id: c.label for c in model.criteria}
    rows: list[dict[str, object]] = []
    sort_keys: list[tuple[int, int, float, int, int]] = []  # one per row, see the docstring
    crit_cols = [f"{e}_{d}" for e in PRIORITY_EFFECTS for d in DIRECTIONS]
    movable = (
        (table["slope"] != 0) & (table["plausible_lo"] < table["plausible_hi"]) & table[crit_cols].notna().any(axis=1)
    )
    for rec in table[movable].to_dict("records"):
        lo, hi = rec["plausible_lo"], rec["plausible_hi"]
        if rec["slope"] == 0 or math.isnan(lo) or lo == hi:
            continue
        best = None
        for eff in PRIORITY_EFFECTS:
            for d in DIRECTIONS:
                x = rec[f"{eff}_{d}"]
                if math.isnan(x) or not _reaches(x, d, bool(rec[f"{eff}_{d}_closed"]), lo, hi):
                    continue
                dist = abs(x - rec["reference"]) if not math.isnan(rec["reference"]) else np.nan
                key = dist if not math.isnan(dist) else np.inf
                if best is None or key < best[0]:
                    best = (key, eff, d, x, dist)
            if best is not None:
                break  # a change of nr. 1 outranks a change of the top N
        if best is None:
            continue
        _, eff, d, x, dist = best
        ind = model.indicator(rec["indicator_id"])
        closed = bool(rec[f"{eff}_{d}_closed"])
        rank = rec["rank"]
        sort_keys.append(
            (
                PRIORITY_EFFECTS.index(eff),
                0 if rec["kind"] in PLACEHOLDER_KINDS else 1,
                dist / rec["step"] if not math.isnan(dist) else np.inf,
                int(rank) if not pd.isna(rank) else 10**9,
                order[ind.id],
            )
        )
        rows.append(
            {
                "area_id": rec["area_id"],
                "area": str(names.get(rec["area_id"], rec["area_id"])),
                "rank": rank,
                "indicator_id": ind.id,
                "indicator": ind.label,
                "criterion": labels[ind.criterion_id],
                "unit": ind.unit,
                "value": rec["value"],
                "kind": rec["kind"],
                "source_kind": rec["source_kind"],
                "n_assessors": rec["n_assessors"],
                "plausible_lo": lo,
                "plausible_hi": hi,
                "effect": eff,
                "direction": d,
                "critical": x,
                "closed": closed,
                "condition": condition_text(x, d, closed, ind.unit, ind.values),
                "what": rec[f"{eff}_{d}_what"],
                "distance": dist,
                "distance_steps": dist / rec["step"] if not math.isnan(dist) else np.nan,
                "sentence": priority_sentence(
                    ind.label,
                    str(names.get(rec["area_id"], rec["area_id"])),
                    rec["value"],
                    ind.unit,
                    value_text(x, "", ind.values) if ind.values == "yes_no" else condition_text(x, d, closed, ind.unit),
                    rec[f"{eff}_{d}_would"],
                    ind.values,
                ),
            }
        )
    ordered = [rows[k] for k in sorted(range(len(rows)), key=sort_keys.__getitem__)]
    out = pd.DataFrame(ordered, columns=_PRIORITY_COLUMNS[1:])
    out.insert(0, "priority", np.arange(1, len(out) + 1, dtype=np.int64))
    return out


def out_of_reach(table: pd.DataFrame, top_n: int) -> list[str]:
    """Areas outside the top N (unranked ones included) that no plausible change of one of their own
    values brings into the top N, in ranking order (``table`` is a ``critical_values`` table)."""
    if table.empty:
        return []
    lo, hi = table["plausible_lo"].to_numpy(float), table["plausible_hi"].to_numpy(float)
    reach = np.zeros(len(table), dtype=bool)
    for d in DIRECTIONS:
        x = table[f"top_{d}"].to_numpy(float)
        closed = table[f"top_{d}_closed"].to_numpy(bool)
        ok = np.where(closed, x <= hi, x < hi) if d == "up" else np.where(closed, x >= lo, x > lo)
        reach |= ~np.isnan(x) & ~np.isnan(lo) & ok
    rank = pd.to_numeric(table["rank"], errors="coerce").to_numpy(float)
    outside = np.isnan(rank) | (rank > top_n)
    frame = pd.DataFrame({"area_id": table["area_id"], "reach": reach, "outside": outside})
    per_area = frame.groupby("area_id", sort=False).agg(reach=("reach", "any"), outside=("outside", "first"))
    return [str(a) for a in per_area.index[per_area["outside"] & ~per_area["reach"]]]


_PRIORITY_COLUMNS = [
    "priority",
    "area_id",
    "area",
    "rank",
    "indicator_id",
    "indicator",
    "criterion",
    "unit",
    "value",
    "kind",
    "source_kind",
    "n_assessors",
    "plausible_lo",
    "plausible_hi",
    "effect",
    "direction",
    "critical",
    "closed",
    "condition",
    "what",
    "distance",
    "distance_steps",
    "sentence",
]


def priority_table(priorities: pd.DataFrame, top_n: int) -> pd.DataFrame:
    """The priority list with Danish headers and plain cells (CSV, XLSX sheet, app and CLI)."""
    effect = {"first": "Nr. 1", "top": f"Top {top_n}"}
    return pd.DataFrame(
        {
            "Prioritet": priorities["priority"].astype("int64"),
            "Område-id": priorities["area_id"],
            "Område": priorities["area"],
            "Nuværende rang": pd.array([None if pd.isna(r) else int(r) for r in priorities["rank"]], dtype="Int64"),
            "Indikator-id": priorities["indicator_id"],
            "Indikator": priorities["indicator"],
            "Kriterium": priorities["criterion"],
            "Nuværende værdi": priorities["value"].astype(float),
            "Enhed": priorities["unit"],
            "Værditype": [
                kind_text(k, s, r)
                for k, s, r in zip(
                    priorities["kind"], priorities["source_kind"], priorities.to_dict("records"), strict=True
                )
            ],
            "Plausibelt fra": priorities["plausible_lo"].astype(float),
            "Plausibelt til": priorities["plausible_hi"].astype(float),
            "Ændrer": [effect[e] for e in priorities["effect"]],
            "Kritisk værdi": priorities["critical"].astype(float),
            "Betingelse": priorities["condition"],
            "Hvad sker der": priorities["what"],
            "Afstand (enheder)": priorities["distance"].astype(float),
            "Afstand (skalatrin)": priorities["distance_steps"].astype(float),
            "Sætning": priorities["sentence"],
        }
    )


def assessment_priorities(
    matrix: pd.DataFrame,
    model: CriteriaModel,
    result: ScoreResult,
    provenance: pd.DataFrame | None,
    names: Mapping[str, str],
    top_n: int = 3,
) -> pd.DataFrame:
    """``priority_table`` straight from a ranking (one call for the CSV, the XLSX sheet and the CLI)."""
    table = critical_values(matrix, model, result, provenance, top_n)
    return priority_table(priority_list(table, model, names, top_n), top_n)
