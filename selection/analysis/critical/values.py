"""Critical values: which single indicator values would change the ranking, and where to assess first.

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

Plausible range of a value (for the assessment priority list): sourced → the value itself;
assessed → the assessors' spread when the values frame has ``n_assessors`` ≥ 2 and ``min``/``max``
columns, else ± one scale step; illustrative placeholder or missing → the whole scale. Ranges
are clipped to the scale.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from selection.analysis.robustness.sensitivity import tie_keys
from selection.data.criteria import CriteriaModel, Indicator
from selection.memo import per_frame
from selection.ranking.scoring import STATUS_EXCLUDED, ScoreResult, normalised_matrix, raw_array
from selection.text.formatting import compact, integer

EFFECTS = ("rank", "first", "top")
DIRECTIONS = ("down", "up")
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


def _finite(value: object) -> float | None:
    """``value`` as a finite float; None when it is missing, not a number, NaN or infinite."""
    x = as_float(value)
    return x if math.isfinite(x) else None


def as_float(value: object) -> float:
    """A record's number as a float; NaN when it is missing (None, <NA>) or not a number."""
    if not isinstance(value, (float, int, str, np.number)):
        return math.nan
    try:
        return float(value)
    except ValueError:
        return math.nan


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
        n = _finite(rec.get("n_assessors"))
        lo, hi = _finite(rec.get("min")), _finite(rec.get("max"))
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
    what ``_area_texts`` needs to say what happens there. Only the areas at ``rows`` (default:
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
                "n_assessors": _finite((rec or {}).get("n_assessors")),
                "assessed_min": _finite((rec or {}).get("min")),
                "assessed_max": _finite((rec or {}).get("max")),
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
                row["note"] = "Indikatoren vægter ikke i den nuværende vægtning."
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
                row["note"] = "Området er udelukket af scenariets regler; dets værdier kan ikke ændre rangeringen."
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
                row["note"] = "Området er ikke rangeret, og denne værdi alene kan ikke ændre det."
                rows.append(row)
                continue
            row["slope"], row["reference"] = slope, (x_ref if is_ranked else np.nan)
            if a not in texts:
                texts[a] = {
                    k: (say(c), would(c)) for k, c in _area_texts(a, thr, names, thr["_keys"], groups, top_n).items()
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
                enter = [_clause(str(names[a]), _KOMME, "med i rangeringen")]
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


def _names(idx: Sequence[int], names: np.ndarray) -> str:
    parts = [str(names[i]) for i in idx]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]


# A clause is (subject, verb in the present, verb in the infinitive, rest): "Hørgården bliver nr. 1".
Clause = tuple[str, str, str, str]
_BLIVE, _KOMME, _RYGE, _MISTE = ("bliver", "blive"), ("kommer", "komme"), ("ryger", "ryge"), ("mister", "miste")


def _clause(subject: str, verb: tuple[str, str], rest: str) -> Clause:
    return subject, verb[0], verb[1], rest


def say(clauses: Sequence[Clause]) -> str:
    """Indicative: "Folehaven kommer i top 3, og Hørgården ryger ud"."""
    return ", og ".join(f"{s} {pres} {rest}".strip() for s, pres, _, rest in clauses)


def would(clauses: Sequence[Clause]) -> str:
    """Conditional after a "hvis" clause: "ville Folehaven komme i top 3, og Hørgården ville ryge ud"."""
    parts = [
        f"ville {s} {inf} {rest}".strip() if k == 0 else f"{s} ville {inf} {rest}".strip()
        for k, (s, _, inf, rest) in enumerate(clauses)
    ]
    return ", og ".join(parts)


def _area_texts(
    a: int, thr: dict[str, np.ndarray], names: np.ndarray, keys: np.ndarray, groups: dict[float, list[int]], top_n: int
) -> dict[str, list[Clause]]:
    """Per effect and total direction: what the ranking looks like just beyond the threshold."""
    me = str(names[a])
    k0 = keys[a] if not math.isnan(keys[a]) else -np.inf

    def who(key: float) -> list[int]:
        return [i for i in groups.get(key, []) if i != a]

    texts = {f"rank_{d}": [_clause(me, _BLIVE, f"nr. {int(thr[f'new_rank_{d}'][a])}")] for d in DIRECTIONS}
    others = [int(i) for i in thr["_order"][:2] if int(i) != a][:1]
    best = who(keys[others[0]]) if others else []
    if others and k0 == keys[others[0]]:  # tied at nr. 1
        texts["first_up"] = [_clause(me, _BLIVE, "alene nr. 1")]
        texts["first_down"] = [_clause(_names(best, names), _BLIVE, "alene nr. 1")]
    else:
        texts["first_up"] = [_clause(me, _BLIVE, "nr. 1" + (f" i stedet for {_names(best, names)}" if best else ""))]
        texts["first_down"] = (
            [_clause(_names(best, names), _BLIVE, f"nr. 1 i stedet for {me}")]
            if best
            else [_clause(me, _MISTE, "førstepladsen")]
        )
    kq, pushed = thr["top_q_key"][a], bool(thr["top_pushed"][a])
    at_q = who(kq) if not math.isnan(kq) else []
    if math.isnan(kq) or k0 < kq:
        texts["top_up"] = [_clause(me, _KOMME, f"i top {top_n}")] + (
            [_clause(_names(at_q, names), _RYGE, "ud")] if pushed and at_q else []
        )
    else:
        texts["top_up"] = [_clause(_names(at_q, names), _RYGE, f"ud af top {top_n}")]
    back = at_q if pushed and k0 > kq else []
    texts["top_down"] = [_clause(me, _RYGE, f"ud af top {top_n}")] + (
        [_clause(_names(back, names), _KOMME, "ind")] if back else []
    )
    return texts


# --------------------------------------------------------------------------- Danish wording of values


def value_text(x: float, unit: str = "", values: str = "decimal") -> str:
    """A value with at most two decimals, a Danish decimal comma and its unit ("3,31 point"); a yes/no
    indicator's value is "ja" or "nej" (``values``: the indicator's ``values``)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if values == "yes_no" and float(x) in (0.0, 1.0):
        return "ja" if float(x) == 1.0 else "nej"
    return f"{compact(float(x), 2)} {unit}".strip()


def condition_text(x: float, direction: str, closed: bool, unit: str = "", values: str = "decimal") -> str:
    """ "mindst 3,5" / "over 3,5" / "højst 3,5" / "under 3,5", rounded so that the statement stays true;
    for a yes/no indicator the change itself, "nej → ja" or "ja → nej"."""
    if values == "yes_no":
        return "nej → ja" if direction == "up" else "ja → nej"
    x = round(float(x), 9)
    shown = math.ceil(x * 100 - 1e-6) / 100 if direction == "up" else math.floor(x * 100 + 1e-6) / 100
    word = {("up", True): "mindst", ("up", False): "over", ("down", True): "højst", ("down", False): "under"}
    return f"{word[(direction, bool(closed))]} {value_text(shown, unit)}"


# --------------------------------------------------------------------------- assessment priority list

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


def out_of_reach_sentence(area_names: Sequence[str], top_n: int) -> str:
    """E.g. "Ingen plausibel ændring af én af deres egne værdier flytter Folehaven eller Blågården ind i top 3." """
    if not area_names:
        return ""
    names = list(area_names)
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " eller " + names[-1]
    return f"Ingen plausibel ændring af én af deres egne værdier flytter {joined} ind i top {top_n}."


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


def priority_sentence(
    label: str, area: str, value: float, unit: str, condition: str, consequence: str, values: str = "decimal"
) -> str:
    """E.g. "Hvis 'Lokalt vurderet behov' for Urbanplanen var højst 3,31 point i stedet for 5 point, ville
    Tingbjerg/Utterslevhuse blive nr. 1 i stedet for Urbanplanen." """
    now = "i dag mangler værdien" if math.isnan(value) else f"i stedet for {value_text(value, unit, values)}"
    return (
        f"Hvis '{label}' for {area} var {condition} ({now}), {consequence}."
        if math.isnan(value)
        else f"Hvis '{label}' for {area} var {condition} {now}, {consequence}."
    )


KIND_ROW_TEXT = {
    "sourced": "Kildebelagt",
    "assessed": "Lokal vurdering",
    "illustrative": "Illustrativ pladsholder",
    "missing": "Mangler",
    "computed": "Beregnet",
}


def kind_text(kind: str, source_kind: object = None, row: Mapping[str, object] | None = None) -> str:
    """Danish kind of a value: computed values say what they are computed from, assessed values how many
    assessors and (with two or more) their spread, e.g. "Lokal vurdering (3 vurderinger: 3–5)"."""
    text = KIND_ROW_TEXT.get(kind, kind)
    if kind == "computed" and isinstance(source_kind, str):
        text += " (af illustrative aktører)" if source_kind != "sourced" else " (af kildebelagte aktører)"
    row = row or {}
    n = _finite(row.get("n_assessors"))
    if kind == "assessed" and n is not None:
        lo, hi = _finite(row.get("plausible_lo")), _finite(row.get("plausible_hi"))
        if n < 2:
            text += " (én vurdering)"
        elif lo is None or hi is None:  # no plausible range given: the count alone
            text += f" ({int(n)} vurderinger)"
        else:
            text += f" ({int(n)} vurderinger: {value_text(lo)}–{value_text(hi)})"
    return text


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


# --------------------------------------------------------------------------- detail panel


def cell_summary(row: Mapping[str, object], unit: str = "", top_n: int = 3, values: str = "decimal") -> str:
    """Short Danish text of a value's critical values within the scale, the nearer one per effect.

    E.g. "nr. 1: højst 3,31 point · top 3: højst 2,25 point · rang: under 3,31 point"; "" when none.
    """
    parts = []
    for eff, label in (("first", "nr. 1"), ("top", f"top {top_n}"), ("rank", "rang")):
        options = [
            (
                abs(as_float(row[f"{eff}_{d}"]) - as_float(row["reference"]))
                if not math.isnan(as_float(row["reference"]))
                else 0.0,
                d,
            )
            for d in DIRECTIONS
            if not math.isnan(as_float(row[f"{eff}_{d}"]))
        ]
        if not options:
            continue
        _, d = min(options)
        parts.append(
            f"{label}: {condition_text(as_float(row[f'{eff}_{d}']), d, bool(row[f'{eff}_{d}_closed']), unit, values)}"
        )
    return " · ".join(parts)


def empty_reason(result: ScoreResult) -> str:
    """Why the ranking gives no or trivial critical values (Danish): no area ranked, or only one; else ""."""
    status = result.table["status"]
    n_out = int((status == STATUS_EXCLUDED).sum())
    ranked = result.ranked
    if len(ranked) == 1:
        return (
            f"Kun ét område er rangeret ({ranked['name'].iloc[0]}), så der er ingen andre at sammenligne med: "
            "ingen vægt og ingen enkelt værdi kan ændre, hvem der er nr. 1."
        )
    if len(ranked):
        return ""
    if not len(status):
        return "Datasættet har ingen områder, så der er ingen kritiske værdier at vise."
    if n_out == len(status):
        return (
            ("Det eneste område" if n_out == 1 else f"Alle {integer(n_out)} områder")
            + " er udelukket af scenariets regler, så ingen vægt og ingen enkelt værdi kan "
            "ændre rangeringen. Fjern eller løsn en regel for at se robusthed og kritiske værdier."
        )
    if n_out:
        return (
            f"Ingen områder er rangeret: {n_out} er udelukket af scenariets regler, og de øvrige mangler data for "
            "et kriterium med vægt. Fjern eller løsn en regel, eller indlæs de manglende værdier."
        )
    return (
        "Ingen områder kan rangeres med de nuværende vægte og data (alle mangler data for et kriterium med vægt), "
        "så der er ingen robusthed eller kritiske værdier at vise."
    )
