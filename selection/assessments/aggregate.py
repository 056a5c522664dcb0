"""Combine assessors' latest values into one value per area x indicator and put it in a Dataset."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from selection.assessments.wording import assessors_text, number_text
from selection.data.dataset import Dataset

METHODS = ("median", "mean")
METHOD_LABELS = {"median": "Median", "mean": "Gennemsnit"}
AGGREGATE_COLUMNS = ["area_id", "indicator_id", "value", "n_assessors", "min", "max"]
ASSESSED_SOURCE = "Lokal vurdering"


def aggregate(latest: pd.DataFrame, method: str = "median") -> pd.DataFrame:
    """One row per area x indicator: the median (or mean) of the assessors' latest values and the spread.

    ``latest`` is ``current_assessments(engine)`` (withdrawals already left out).
    """
    if method not in METHODS:
        raise ValueError(f"Ukendt metode '{method}'; brug {' eller '.join(METHODS)}.")
    if latest.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype=float if c in ("value", "min", "max") else object) for c in AGGREGATE_COLUMNS}
        ).astype({"n_assessors": int})
    grouped = latest.groupby(["area_id", "indicator_id"], sort=True)["value"]
    out = grouped.agg(value=method, n_assessors="count", min="min", max="max").reset_index()
    out["n_assessors"] = out["n_assessors"].astype(int)
    return out[AGGREGATE_COLUMNS]


def assessed_note(n: int, low: float, high: float, method: str = "median") -> str:
    """'Median af 3 vurdereres seneste vurderinger; spænd 2–4.'"""
    spread = number_text(low) if low == high else f"{number_text(low)}–{number_text(high)}"
    if n == 1:
        return f"Én vurderers seneste vurdering; spænd {spread}."
    return f"{METHOD_LABELS[method]} af {n} vurdereres seneste vurderinger; spænd {spread}."


def apply_assessments(dataset: Dataset, aggregates: pd.DataFrame, method: str = "median") -> Dataset:
    """A new Dataset whose assessed cells carry the aggregated value, kind 'assessed' and the spread.

    Other values are unchanged; the values frame gains columns ``n_assessors``, ``min`` and
    ``max`` (NaN where not assessed). Aggregates for areas or indicators that are not in the
    data set (e.g. after an import replaced the area set) or not assessment indicators are ignored.
    """
    values = dataset.values.copy()
    for col in ("n_assessors", "min", "max"):
        if col not in values.columns:
            values[col] = np.nan
    assessable = {i.id for i in dataset.model.indicators if i.assessment}
    usable = aggregates[aggregates["area_id"].isin(dataset.area_ids) & aggregates["indicator_id"].isin(assessable)]
    if usable.empty:
        return dataclasses.replace(dataset, values=values)
    cells = set(zip(usable["area_id"], usable["indicator_id"], strict=True))
    keep = [(a, i) not in cells for a, i in zip(values["area_id"], values["indicator_id"], strict=True)]
    n = usable["n_assessors"].astype(int)
    assessed = pd.DataFrame(
        {
            "area_id": usable["area_id"].to_numpy(),
            "indicator_id": usable["indicator_id"].to_numpy(),
            "value": usable["value"].astype(float).to_numpy(),
            "kind": "assessed",
            "source": [f"{ASSESSED_SOURCE} ({assessors_text(k)})" for k in n],
            "note": [
                assessed_note(k, lo, hi, method) for k, lo, hi in zip(n, usable["min"], usable["max"], strict=True)
            ],
            "n_assessors": n.to_numpy(dtype=float),
            "min": usable["min"].astype(float).to_numpy(),
            "max": usable["max"].astype(float).to_numpy(),
        }
    )
    merged = pd.concat([values[keep], assessed], ignore_index=True)
    return dataclasses.replace(dataset, values=merged)
