"""Critical values: which single indicator values would change the ranking.

For every area × indicator this module finds, exactly and in closed form, the value at which
(a) the area's own rank, (b) the set of areas at nr. 1 and (c) the set of areas in the top N
would change, with every other value and all weights held fixed.

Why it is exact: with the weights fixed, an area's total is a straight line in any one of its
normalised values (``scoring``: total = Σ_c W_c · 100 · Σ_i w_i n_i / Σ_i w_i over the
criterion's weighted indicators that have a value), so the value at which the total reaches
another area's total is a single division. The ranking only changes where the moving total
meets another area's total, so these crossings are the only candidates; which of them changes
(a), (b) or (c) follows from the competition-rank rule (below) without re-ranking.

Rules followed (the same as ``selection.ranking.scoring``):

* Fixed reference scales; cost indicators inverted (a higher raw value lowers the total).
* Ties: totals equal to 9 decimals share the lowest rank (1, 2, 2, 4). So an area that rises to
  another area's total already gains that rank *at* the crossing (the critical value is
  included, ``closed``), while an area that falls to another's total keeps its rank there and
  loses it only just beyond (``closed`` False). A value that is tied now changes at once.
  Top N membership is "competition rank ≤ N" (a tie at place N can make the set larger than N;
  the shortlist CSV then cuts by name). Ties are compared on the totals rounded to 9 decimals, as
  in the scoring, while the critical value is the exact crossing; the two can disagree only within
  1e-9 points of a total.
* Missing values: the scoring leaves a missing indicator out and shares its sub-weight among
  the criterion's other indicators with a value. Setting a missing value therefore also changes
  those shares. Exactly: the area's criterion score with the value set to x is
  ``(w_i n(x) + N) / (w_i + D)`` (N, D: the weighted sum and the weights of the values it has),
  again linear in n(x), and equal to today's score when n(x) = N / D. That value is reported as
  ``reference`` ("the value the re-weighting rule implicitly assumes"); critical values and
  distances of a missing cell are measured from it, and its plausible range is the whole scale.
* Unranked areas ("Ikke rangeret"): if the missing cell is the only thing keeping the area out
  (its criterion has no other value and every other weighted criterion has data), any value
  within the scale brings the area into the ranking (``enters`` True); nr. 1 and the top N then
  change from the value where its new total reaches the current nr. 1 / the N-th area. Other cells
  of an unranked area cannot change the ranking. Areas absent from the matrix are not analysed.
* Indicators with sub-weight 0 or in a criterion with main weight 0 cannot change anything.
* The computed indicator (actor sector coverage) is scored like any other value, so it is
  analysed like one: its critical value says how many sectors' coverage would change the
  answer. Its scale step is one sector (100 / number of sectors); its plausible range is
  ± one sector when any actor behind it is illustrative, and the value itself otherwise.

Scale step of other indicators: 1 unit when the scale spans at most 10 units (the 1–5, 0–2 and
0/1 scales of assessments), otherwise a tenth of the scale.

Plausible range of a value (used by the assessment priority list in
``selection.analysis.critical.priorities``): sourced → the value itself;
assessed → the assessors' spread when the values frame has ``n_assessors`` ≥ 2 and ``min``/``max``
columns, else ± one scale step; illustrative placeholder or missing → the whole scale. Ranges
are clipped to the scale.

What happens at each critical value ("Hørgården bliver nr. 1") and why a value cannot change
anything are worded by ``selection.analysis.critical.wording``; the table carries those texts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from selection.analysis.critical.cells import DIRECTIONS, finite_or_none
from selection.analysis.critical.wording import (
    NOTE_EXCLUDED,
    NOTE_NOT_WEIGHTED,
    NOTE_UNRANKED,
    change_clauses,
    entering_clauses,
    say,
    would,
)
from selection.analysis.robustness.sensitivity import tie_keys
from selection.data.criteria import CriteriaModel, Indicator
from selection.memo import per_frame
from selection.ranking.scoring import STATUS_EXCLUDED, ScoreResult, normalised_matrix, raw_array

EFFECTS = ("rank", "first", "top")
SPREAD_COLUMNS = ("n_assessors", "min", "max")
PLACEHOLDER_KINDS = ("illustrative", "missing")
_EPS = 1e-9  # scale-relative tolerance for "at the end of the scale"


# --------------------------------------------------------------------------- scale helpers


def scale_step(ind: Indicator, n_sectors: int = 0) -> float:
    """One scale step in the indicator's units (see the module docstring)."""
    span = ind.scale_max - ind.scale_min
    if ind.computed == "sector_coverage" and n_sectors > 0:
        return span / n_sectors
    return 1.0 if span <= 10 else span / 10.0


def _value_kinds(provenance: pd.DataFrame | None) -> dict[tuple[str, str], dict[str, object]]:
    """(area_id, indicator_id) -> provenance record (kind and, if present, the assessors' spread)."""
    if provenance is None or not len(provenance):
        return {}
    cols = [c for c in ("kind", *SPREAD_COLUMNS) if c in provenance.columns]
    arrays = [provenance[c].tolist() for c in ("area_id", "indicator_id", *cols)]
    return {
        (str(a), str(i)): dict(zip(cols, vals, strict=True))  # the last record of a cell wins
        for a, i, *vals in zip(*arrays, strict=True)
    }


def _matrix_arrays(matrix: pd.DataFrame, model: CriteriaModel) -> tuple[np.ndarray, np.ndarray]:
    """The raw and the normalised values (one column per indicator in model order), read-only, per matrix."""

    def build() -> tuple[np.ndarray, np.ndarray]:
        raw = raw_array(matrix, model)
        norm = normalised_matrix(matrix, model).to_numpy(dtype=float)
        raw.setflags(write=False)
        norm.setflags(write=False)
        return raw, norm

    return per_frame("critical.arrays", matrix, build, key=model)


def _cached_value_kinds(provenance: pd.DataFrame | None) -> dict[tuple[str, str], dict[str, object]]:
    """``_value_kinds`` of the whole provenance frame, computed once per frame (callers only read it)."""
    if provenance is None:
        return {}
    return per_frame("critical.kinds", provenance, lambda: _value_kinds(provenance))


def _rows_of(frame: pd.DataFrame, ids: list[str]) -> tuple[list[str], np.ndarray]:
    """The frame's columns and its float values in the row order of ``ids`` (NaN rows for absent ids),
    as ``frame.reindex(ids)`` without building a frame."""
    values = frame.to_numpy(dtype=float)
    at = {a: k for k, a in enumerate(frame.index)}
    take = np.array([at.get(a, -1) for a in ids], dtype=np.int64)
    out = np.full((len(ids), values.shape[1]), np.nan)
    found = take >= 0
    out[found] = values[take[found]]
    return list(frame.columns), out


def plausible_range(
    ind: Indicator,
    value: float,
    kind: str,
    record: Mapping[str, object] | None,
    step: float,
    computed_illustrative: bool = False,
) -> tuple[float, float]:
    """The range a value could plausibly take (see the module docstring), clipped to the scale."""
    lo_s, hi_s = ind.scale_min, ind.scale_max
    if kind in PLACEHOLDER_KINDS and not ind.computed:
        return lo_s, hi_s
    if ind.computed:
        if not computed_illustrative:
            return value, value
        return max(lo_s, value - step), min(hi_s, value + step)
    if kind == "assessed":
        rec = record or {}
        n = finite_or_none(rec.get("n_assessors"))
        lo, hi = finite_or_none(rec.get("min")), finite_or_none(rec.get("max"))
        if n is not None and n >= 2 and lo is not None and hi is not None:
            return max(lo_s, min(lo, value)), min(hi_s, max(hi, value))
        return max(lo_s, value - step), min(hi_s, value + step)
    return value, value


# --------------------------------------------------------------------------- thresholds on totals


def _total_thresholds(
    totals: np.ndarray, ranked: np.ndarray, top_n: int, rows: Sequence[int] | None = None
) -> dict[str, np.ndarray]:
    """Per area, the totals at which its own rank, nr. 1 and the top N change (closed form).

    ``totals`` has one entry per area (NaN where unranked); ``ranked`` marks the areas in the
    ranking. Unranked areas are treated as entering with a total below everything (-inf), so
    only upward thresholds exist for them. For each effect and direction the result holds the
    threshold total (NaN = never) and whether the change already happens at it (closed), plus
    what ``wording.change_clauses`` needs to say what happens there. Only the areas at ``rows`` (default:
    all) are filled in.
    """
    m = len(totals)
    keys = tie_keys(np.where(ranked, totals, np.nan))
    order = np.argsort(-np.where(ranked, totals, -np.inf), kind="stable")[: int(ranked.sum())]
    ts, ks = totals[order], keys[order]  # ranked totals and keys, best first
    n_r = len(ts)
    asc = np.sort(ks)
    out: dict[str, np.ndarray] = {}
    for eff in EFFECTS:
        for d in DIRECTIONS:
            out[f"{eff}_{d}"] = np.full(m, np.nan)
            out[f"{eff}_{d}_closed"] = np.zeros(m, dtype=bool)
    out["new_rank_up"] = np.zeros(m, dtype=np.int64)
    out["new_rank_down"] = np.zeros(m, dtype=np.int64)
    out["top_q_key"] = np.full(m, np.nan)  # tie key of the N-th best other area
    out["top_pushed"] = np.zeros(m, dtype=bool)  # the others at that key drop out once the area passes them
    pos = np.empty(m, dtype=np.int64)
    pos[order] = np.arange(n_r)
    for a in range(m) if rows is None else rows:
        is_ranked = bool(ranked[a])
        k0 = keys[a] if is_ranked else -np.inf
        t0 = totals[a] if is_ranked else -np.inf
        # Others' sorted totals without one instance of the area itself.
        if is_ranked:
            p = pos[a]
            o_t = np.concatenate([ts[:p], ts[p + 1 :]])
            o_k = np.concatenate([ks[:p], ks[p + 1 :]])
        else:
            o_t, o_k = ts, ks
        n_o = len(o_t)
        # Counts among the others from the sorted keys of all ranked areas (the area itself has key k0).
        above = int(n_r - np.searchsorted(asc, k0, side="right"))
        same = int(np.searchsorted(asc, k0, side="right") - np.searchsorted(asc, k0, side="left")) - int(is_ranked)
        # (a) own rank
        if is_ranked:
            if above:
                out["rank_up"][a], out["rank_up_closed"][a] = o_t[above - 1], True
                out["new_rank_up"][a] = 1 + int(n_r - np.searchsorted(asc, o_k[above - 1], side="right"))
            if same:
                out["rank_down"][a] = t0
                out["new_rank_down"][a] = 1 + above + same
            elif above < n_o:
                out["rank_down"][a] = o_t[above]
                out["new_rank_down"][a] = int(n_r - np.searchsorted(asc, o_k[above], side="left"))
        # (b) nr. 1
        if n_o:
            u1, k1 = o_t[0], o_k[0]
            if k0 > k1:
                out["first_down"][a], out["first_down_closed"][a] = u1, True
            elif k0 == k1:
                out["first_down"][a] = out["first_up"][a] = t0
            else:
                out["first_up"][a], out["first_up_closed"][a] = u1, True
        elif not is_ranked:
            out["first_up"][a], out["first_up_closed"][a] = -np.inf, True  # any value makes it nr. 1
        # (c) top N
        if n_o >= top_n:
            q, kq = o_t[top_n - 1], o_k[top_n - 1]
            pushed = top_n == 1 or o_k[top_n - 2] > kq  # others at q drop out once the area passes q
            out["top_q_key"][a], out["top_pushed"][a] = kq, pushed
            if k0 < kq:
                out["top_up"][a], out["top_up_closed"][a] = q, True
            elif k0 == kq:
                out["top_down"][a] = t0
                if pushed:
                    out["top_up"][a] = t0
            else:
                out["top_down"][a], out["top_down_closed"][a] = q, pushed
        elif not is_ranked:
            out["top_up"][a], out["top_up_closed"][a] = -np.inf, True  # fewer than N ranked: always in
    out["_order"] = order
    out["_keys"] = keys
    return out


# --------------------------------------------------------------------------- the table


def critical_values(
    matrix: pd.DataFrame,
    model: CriteriaModel,
    result: ScoreResult,
    provenance: pd.DataFrame | None = None,
    top_n: int = 3,
    area_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """``critical_rows`` as a table (see there for the columns)."""
    return pd.DataFrame(critical_rows(matrix, model, result, provenance, top_n, area_ids), columns=_COLUMNS)


def critical_rows(
    matrix: pd.DataFrame,
    model: CriteriaModel,
    result: ScoreResult,
    provenance: pd.DataFrame | None = None,
    top_n: int = 3,
    area_ids: Sequence[str] | None = None,
) -> list[dict[str, object]]:
    """Critical values of every area × indicator (or of ``area_ids`` only) at the result's weights, as rows.

    ``matrix`` and ``result`` must belong together (``pipeline.evaluate``); ``provenance`` (long:
    area_id, indicator_id, kind, optional n_assessors/min/max) gives each value's kind.
    One row per area and indicator (areas in ranking order, indicators in model order):

    area_id, indicator_id, criterion_id, value (NaN = missing), kind (sourced, assessed,
    illustrative, missing; computed indicators: ``computed``), source_kind (the provenance kind,
    for computed values the actors' kind), rank (current, <NA> = unranked), reference (the value
    distances are measured from: the value, or for a missing cell the value the re-weighting rule
    implies; NaN if none), slope (total points per unit), step, plausible_lo, plausible_hi,
    enters (setting the value brings an unranked area into the ranking), note (why nothing can
    change, if so), n_assessors / assessed_min / assessed_max (from the provenance, NaN if absent),
    and per effect in rank/first/top and direction in down/up:
    ``<effect>_<dir>`` (the critical raw value, NaN = no change possible within the scale in
    that direction), ``<effect>_<dir>_closed`` (the change already happens at the value),
    ``<effect>_<dir>_what`` (Danish: what happens just beyond it, "Hørgården bliver nr. 1") and
    ``<effect>_<dir>_would`` (the same after a "hvis" clause: "ville Hørgården blive nr. 1").
    """
    top_n = max(int(top_n), 1)
    ids = list(matrix.index)
    index = {a: k for k, a in enumerate(ids)}
    t_ids = result.table["area_id"].tolist()
    t_pos = {a: k for k, a in enumerate(t_ids)}
    pick = np.array([t_pos.get(a, -1) for a in ids], dtype=np.int64)  # -1: not in the result's table
    # Only areas with a rank compete: one excluded by a scenario's rule keeps its total but has no rank.
    in_ranking = np.append(result.table["rank"].notna().to_numpy(dtype=bool), False)[pick]  # so -1 reads False
    totals = np.where(in_ranking, np.append(result.table["total"].to_numpy(dtype=float), np.nan)[pick], np.nan)
    ranked = ~np.isnan(totals)
    t_names = [str(n) for n in result.table["name"].tolist()]
    names = np.array([t_names[p] if p >= 0 else a for a, p in zip(ids, pick, strict=True)], dtype=object)
    t_ranks = result.table["rank"].array
    screened_out = set(result.table["area_id"][result.table["status"] == STATUS_EXCLUDED])  # by a scenario's rule
    rank_of = {a: (t_ranks[p] if p >= 0 else pd.NA) for a, p in zip(ids, pick, strict=True)}
    # Display order: the table's (ranked by rank, then unranked), restricted to the matrix.
    order = [a for a in t_ids if a in index]
    wanted = order if area_ids is None else [a for a in order if a in set(area_ids)]
    thr = _total_thresholds(totals, ranked, top_n, [index[a] for a in wanted])
    raw, norm = _matrix_arrays(matrix, model)
    subs = result.sub_weights
    kinds = _cached_value_kinds(provenance)
    n_sectors = len(model.sectors)
    crit_cols, crit_scores = _rows_of(result.criterion_scores, ids)
    rows: list[dict[str, object]] = []
    col = 0
    cols_of: dict[str, list[int]] = {}
    for crit in model.criteria:
        cols_of[crit.id] = list(range(col, col + len(crit.indicators)))
        col += len(crit.indicators)
    inds = model.indicators
    groups: dict[float, list[int]] = {}
    for i, k in enumerate(thr["_keys"]):
        if not math.isnan(k):
            groups.setdefault(float(k), []).append(i)
    texts: dict[int, dict[str, tuple[str, str]]] = {}
    blank = {
        f"{e}_{d}{suffix}": value
        for e in EFFECTS
        for d in DIRECTIONS
        for suffix, value in (("", np.nan), ("_closed", False), ("_what", ""), ("_would", ""))
    }
    # Per criterion and area: the weighted sum of the normalised values it has and their weights.
    sub_w = np.array([float(subs.get(i.id, 0.0)) for i in inds])
    have_all = ~np.isnan(raw) & (sub_w > 0)
    wsum = {
        c: (
            np.where(have_all[:, cols], sub_w[cols], 0.0).sum(axis=1),
            np.where(have_all[:, cols], np.nan_to_num(norm[:, cols]) * sub_w[cols], 0.0).sum(axis=1),
        )
        for c, cols in cols_of.items()
    }
    for aid in wanted:
        a = index[aid]
        is_ranked = bool(ranked[a])
        # Which weighted criteria lack data (an unranked area can enter only through one of them).
        empty_crits = [
            c for k, c in enumerate(crit_cols) if result.weights.get(c, 0) > 0 and np.isnan(crit_scores[a, k])
        ]
        for j, ind in enumerate(inds):
            cid = ind.criterion_id
            value = float(raw[a, j])
            rec = kinds.get((aid, ind.id))
            source_kind = str(rec.get("kind")) if rec and rec.get("kind") is not None else None
            missing = math.isnan(value)
            kind = "missing" if missing else ("computed" if ind.computed else (source_kind or "illustrative"))
            step = scale_step(ind, n_sectors)
            row: dict[str, object] = {
                "area_id": aid,
                "indicator_id": ind.id,
                "criterion_id": cid,
                "value": value,
                "kind": kind,
                "source_kind": source_kind if not missing else None,
                "rank": rank_of[aid],
                "reference": np.nan,
                "slope": 0.0,
                "step": step,
                "plausible_lo": np.nan,
                "plausible_hi": np.nan,
                "enters": False,
                "note": "",
                "n_assessors": finite_or_none((rec or {}).get("n_assessors")),
                "assessed_min": finite_or_none((rec or {}).get("min")),
                "assessed_max": finite_or_none((rec or {}).get("max")),
            }
            if not missing:
                lo, hi = plausible_range(
                    ind,
                    value,
                    kind if not ind.computed else (source_kind or "illustrative"),
                    rec,
                    step,
                    computed_illustrative=source_kind != "sourced",
                )
            else:
                lo, hi = ind.scale_min, ind.scale_max
            row["plausible_lo"], row["plausible_hi"] = lo, hi
            row.update(blank)
            w_crit = float(result.weights.get(cid, 0.0))
            w_i = float(subs.get(ind.id, 0.0))
            if w_crit <= 0 or w_i <= 0:
                row["note"] = NOTE_NOT_WEIGHTED
                rows.append(row)
                continue
            span = ind.scale_max - ind.scale_min
            sign = -1.0 if ind.direction == "cost" else 1.0
            # Values it can take: whole numbers (counts, steps, yes/no), whole sectors for the coverage.
            grid = 1.0 if ind.whole else (step if ind.computed == "sector_coverage" and n_sectors else 0.0)
            d_all, n_all = wsum[cid]
            d_o = float(d_all[a]) - (w_i if not missing else 0.0)  # the criterion's other values with weight
            n_o = float(n_all[a]) - (w_i * float(norm[a, j]) if not missing else 0.0)
            slope = w_crit * 100.0 * w_i / (w_i + d_o) * sign / span
            if is_ranked:
                t_ref = float(totals[a])
                if missing:
                    share = n_o / d_o  # the re-weighting rule is the same as this normalised value
                    x_ref = ind.scale_min + (share if sign > 0 else 1.0 - share) * span
                else:
                    x_ref = value
            elif aid in screened_out:
                row["note"] = NOTE_EXCLUDED
                rows.append(row)
                continue
            elif missing and empty_crits == [cid]:
                row["enters"] = True
                x_ref = ind.scale_min
                others = sum(
                    float(result.weights[c]) * float(crit_scores[a, k])
                    for k, c in enumerate(crit_cols)
                    if result.weights.get(c, 0) > 0 and c != cid
                )
                t_ref = others + w_crit * 100.0 * ind.normalise(x_ref)
            else:
                row["note"] = NOTE_UNRANKED
                rows.append(row)
                continue
            row["slope"], row["reference"] = slope, (x_ref if is_ranked else np.nan)
            if a not in texts:
                texts[a] = {
                    k: (say(c), would(c)) for k, c in change_clauses(a, thr, names, thr["_keys"], groups, top_n).items()
                }
            for eff in EFFECTS:
                for d in DIRECTIONS:
                    t_star = thr[f"{eff}_{d}"][a]
                    if math.isnan(t_star):
                        continue
                    x_dir = d if slope > 0 else ("up" if d == "down" else "down")
                    closed = bool(thr[f"{eff}_{d}_closed"][a])
                    if np.isfinite(t_star):
                        x_star = x_ref + (t_star - t_ref) / slope
                    else:  # no ranked area at all: any value changes it
                        x_star = ind.scale_min if x_dir == "up" else ind.scale_max
                    if row["enters"]:  # beyond the near end of the scale: every value in the scale changes it
                        x_star = max(x_star, ind.scale_min) if x_dir == "up" else min(x_star, ind.scale_max)
                    if grid:  # the first value the indicator can take at which the change has happened
                        x_star, closed = _on_grid(x_star, x_dir, closed, ind.scale_min, grid), True
                    if not _within(x_star, x_dir, closed, ind):
                        continue
                    row[f"{eff}_{x_dir}"] = x_star
                    row[f"{eff}_{x_dir}_closed"] = closed
                    row[f"{eff}_{x_dir}_what"], row[f"{eff}_{x_dir}_would"] = texts[a][f"{eff}_{d}"]
            if row["enters"]:
                d = "up" if slope > 0 else "down"
                row[f"rank_{d}"] = ind.scale_min if slope > 0 else ind.scale_max
                row[f"rank_{d}_closed"] = True
                enter = entering_clauses(str(names[a]))
                row[f"rank_{d}_what"], row[f"rank_{d}_would"] = say(enter), would(enter)
            rows.append(row)
    return rows


_COLUMNS = [
    "area_id",
    "indicator_id",
    "criterion_id",
    "value",
    "kind",
    "source_kind",
    "rank",
    "reference",
    "slope",
    "step",
    "plausible_lo",
    "plausible_hi",
    "enters",
    "note",
    "n_assessors",
    "assessed_min",
    "assessed_max",
    *[f"{e}_{d}{s}" for e in EFFECTS for d in DIRECTIONS for s in ("", "_closed", "_what", "_would")],
]


def _on_grid(x: float, direction: str, closed: bool, origin: float, grid: float) -> float:
    """The nearest value origin + k·grid in ``direction`` at which a change at x (closed) or just beyond x
    (open) has happened."""
    k = round((float(x) - origin) / grid, 9)
    if direction == "up":
        k = math.ceil(k) if closed else math.floor(k) + 1
    else:
        k = math.floor(k) if closed else math.ceil(k) - 1
    return origin + k * grid


def _within(x: float, direction: str, closed: bool, ind: Indicator) -> bool:
    """Is a change at x (closed) or just beyond x (open) reachable within the scale?"""
    tol = _EPS * (ind.scale_max - ind.scale_min)
    if direction == "up":
        return x <= ind.scale_max + tol if closed else x < ind.scale_max - tol
    return x >= ind.scale_min - tol if closed else x > ind.scale_min + tol
