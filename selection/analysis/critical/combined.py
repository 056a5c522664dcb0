"""The smallest combined change of values (in two areas) that gives nr. 1 to another area.

``selection.analysis.critical.values`` moves one value at a time. Here the values of the current nr. 1 and of one
challenger may move together, each within its plausible range (``critical.plausible_range``), and
a linear program (SciPy's ``linprog``, HiGHS) finds the change with the smallest total size in
scale steps after which the challenger is nr. 1 alone: above the current nr. 1 and above every
other area. It is an LP because, with the weights fixed and no value missing, an area's total is
linear in all its present values jointly (the criterion denominators do not change). Missing
values are left out (setting one re-weights its criterion, which is not linear together with the
others); so are values without weight or with no plausible range (sourced values).

Every challenger among the ranked areas is tried; the result is the one with the smallest total.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from selection.analysis.critical.values import critical_values
from selection.analysis.critical.wording import value_text
from selection.data.criteria import CriteriaModel
from selection.ranking.scoring import ScoreResult

MARGIN = 1e-6  # points by which the challenger must end above every other area (strictly nr. 1)


@dataclass(frozen=True)
class CombinedFlip:
    """The smallest combined change that makes ``challenger`` nr. 1 instead of ``winner``."""

    winner: str
    challenger: str
    total_steps: float  # sum of |change| / scale step over the changed values
    changes: pd.DataFrame  # area_id, indicator_id, value, new_value, change_steps (only changed values)


_CELL_COLUMNS = ["area_id", "indicator_id", "value", "slope", "step", "plausible_lo", "plausible_hi"]


def _movable(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per area, the values that can move: weighted, present and with a plausible range."""
    rows = table[(table["slope"] != 0) & (table["kind"] != "missing") & (table["plausible_lo"] < table["plausible_hi"])]
    return {str(a): g[_CELL_COLUMNS].reset_index(drop=True) for a, g in rows.groupby("area_id", sort=False)}


def _reach(cells: pd.DataFrame, sign: float) -> tuple[float, float]:
    """Most points the values can add to (sign +1) or take from (sign -1) the area's total, and the most
    points one scale step of any of them moves."""
    if cells.empty:
        return 0.0, 0.0
    slope = cells["slope"].to_numpy(float)
    value = cells["value"].to_numpy(float)
    room_up, room_down = cells["plausible_hi"].to_numpy(float) - value, value - cells["plausible_lo"].to_numpy(float)
    gain = np.where(sign * slope > 0, room_up, room_down) * np.abs(slope)
    return float(gain.sum()), float((np.abs(slope) * cells["step"].to_numpy(float)).max())


def _solve(
    winner_cells: pd.DataFrame,
    challenger_cells: pd.DataFrame,
    gap: float,
    lead: float,
    model: CriteriaModel | None = None,
) -> tuple[float, np.ndarray] | None:
    """Minimise Σ (up + down) / step subject to the challenger ending MARGIN above both bars.

    ``gap``: the winner's total minus the challenger's; ``lead``: the best other area's total minus
    the challenger's (-inf if none). Variables per value: its increase and its decrease (≥ 0).
    """
    from scipy.optimize import linprog  # imported here: only this view needs SciPy

    cells = pd.concat([winner_cells, challenger_cells], ignore_index=True)
    if cells.empty:
        return None
    n = len(cells)
    sign = np.concatenate([np.full(len(winner_cells), -1.0), np.ones(len(challenger_cells))])
    gain = sign * cells["slope"].to_numpy(float)  # change of (challenger - winner) per unit of each value
    cost = np.concatenate([1.0 / cells["step"].to_numpy(float)] * 2)
    value = cells["value"].to_numpy(float)
    bounds = [(0.0, hi - x) for x, hi in zip(value, cells["plausible_hi"], strict=True)] + [
        (0.0, x - lo) for x, lo in zip(value, cells["plausible_lo"], strict=True)
    ]
    a_ub = [np.concatenate([-gain, gain])]  # -(gain · (up - down)) <= -(gap + MARGIN)
    b_ub = [-(gap + MARGIN)]
    if np.isfinite(lead):
        mine = np.where(sign > 0, cells["slope"].to_numpy(float), 0.0)
        a_ub.append(np.concatenate([-mine, mine]))
        b_ub.append(-(lead + MARGIN))
    # Counts, steps and yes/no values change by whole units only (a mixed-integer program for HiGHS).
    whole = [model is not None and model.indicator(str(i)).whole for i in cells["indicator_id"]]
    integrality = np.array(whole * 2, dtype=int) if any(whole) else None
    res = linprog(
        cost, A_ub=np.array(a_ub), b_ub=np.array(b_ub), bounds=bounds, method="highs", integrality=integrality
    )
    if res.status != 0:
        return None
    delta = res.x[:n] - res.x[n:]
    return float(res.fun), delta


def combined_flip(
    matrix: pd.DataFrame,
    model: CriteriaModel,
    result: ScoreResult,
    provenance: pd.DataFrame | None = None,
    table: pd.DataFrame | None = None,
) -> CombinedFlip | None:
    """The smallest combined change (in scale steps) that gives nr. 1 to another area; None if none exists.

    ``table`` may be a ``critical_values`` table already computed for the same ranking (its
    slopes, steps and plausible ranges are used). None also when nr. 1 is shared now.
    Challengers that cannot win even with every value at the favourable end of its range, or whose
    gap needs more steps than the best change found so far, are skipped without solving an LP.
    """
    ranked = result.ranked
    if len(ranked) < 2 or int(ranked["rank"].iloc[1]) == 1:
        return None
    table = critical_values(matrix, model, result, provenance) if table is None else table
    movable = _movable(table)
    empty = pd.DataFrame(columns=_CELL_COLUMNS)
    totals = dict(zip(ranked["area_id"], ranked["total"].astype(float), strict=True))
    winner = str(ranked["area_id"].iloc[0])
    w_cells = movable.get(winner, empty)
    w_loss, w_rate = _reach(w_cells, -1.0)
    best: CombinedFlip | None = None
    for challenger in ranked["area_id"].iloc[1:]:
        c_cells = movable.get(str(challenger), empty)
        c_gain, c_rate = _reach(c_cells, 1.0)
        gap = totals[winner] - totals[challenger]
        others = [t for a, t in totals.items() if a not in (winner, challenger)]
        lead = max(others) - totals[challenger] if others else -np.inf
        rate = max(w_rate, c_rate)
        if c_gain + w_loss <= gap or c_gain <= lead or rate <= 0:
            continue  # out of reach within the plausible ranges
        if best is not None and gap / rate >= best.total_steps:
            continue  # needs at least gap / rate steps: no better than the best found
        solved = _solve(w_cells, c_cells, gap, lead, model)
        if solved is None:
            continue
        steps, delta = solved
        if best is not None and steps >= best.total_steps:
            continue
        cells = pd.concat([w_cells, c_cells], ignore_index=True)
        changed = np.abs(delta) > 1e-9 * cells["step"].to_numpy(float)
        changes = pd.DataFrame(
            {
                "area_id": cells["area_id"][changed].to_numpy(),
                "indicator_id": cells["indicator_id"][changed].to_numpy(),
                "value": cells["value"][changed].to_numpy(float),
                "new_value": (cells["value"] + delta)[changed].to_numpy(float),
                "change_steps": (np.abs(delta) / cells["step"].to_numpy(float))[changed],
            }
        )
        best = CombinedFlip(winner, str(challenger), steps, changes)
    return best


def combined_sentence(flip: CombinedFlip, model: CriteriaModel, names: Mapping[str, str]) -> str:
    """E.g. "Hvis 'Lokalt vurderet behov' for Urbanplanen var 4,2 i stedet for 5 point og … , ville
    Tingbjerg/Utterslevhuse blive nr. 1 i stedet for Urbanplanen (i alt 1,6 skalatrin)." """
    parts = []
    for rec in flip.changes.itertuples(index=False):
        ind = model.indicator(rec.indicator_id)
        # Shown with two decimals, rounded away from the current value: moving further only helps.
        new = (
            math.ceil(rec.new_value * 100 - 1e-6)
            if rec.new_value > rec.value
            else math.floor(rec.new_value * 100 + 1e-6)
        ) / 100
        if ind.whole:  # the solver kept counts, steps and yes/no whole; drop its rounding noise
            new = float(round(rec.new_value))
        parts.append(
            f"'{ind.label}' for {names.get(rec.area_id, rec.area_id)} var "
            f"{value_text(new, ind.unit, ind.values)} i stedet for {value_text(rec.value, ind.unit, ind.values)}"
        )
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]
    return (
        f"Hvis {joined}, ville {names.get(flip.challenger, flip.challenger)} blive nr. 1 i stedet for "
        f"{names.get(flip.winner, flip.winner)} (i alt {value_text(flip.total_steps)} skalatrin)."
    )
