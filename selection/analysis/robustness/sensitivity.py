"""One-way sensitivity of the weighted-sum ranking: competition ranks, weight sweeps, stability intervals.

Every function here is pure (numpy/pandas only) and works on a criterion-score matrix
``scores``: a DataFrame with one row per area (index = area ids), one column per main
criterion and values 0–100, as in ``ScoreResult.criterion_scores``. The matrix must not
contain NaN: callers drop unranked areas (and criteria columns they do not want to vary)
first, e.g. ``result.criterion_scores.loc[result.ranked["area_id"]]``.

Weights are mappings criterion id -> weight; they are normalised to sum 1 with
``selection.ranking.scoring.normalise_weights``. The total of area a is ``sum_c w_c * S[a, c]``.
Weights of criteria that are not columns of ``scores`` must be 0 (they are ignored), so
``ScoreResult.weights`` can be passed after dropping zero-weight criteria columns.

Ranks are competition ranks ("1224"): rank(a) = 1 + #{b : total_b > total_a}. Ties follow
``selection.ranking.scoring``: totals that agree to 9 decimals are equal. (The exact stability
intervals work on straight lines and treat totals within 1e-9 points as tied; the two
rules disagree only for a pair less than 1e-9 apart that rounding puts on either side of
a rounding boundary.)

One-way sensitivity ("sweep"): criterion c gets the share t in [0, 1]; the other criteria
keep their mutual proportions and share 1 - t. If all other weights are 0 they share
1 - t equally. With a single criterion the totals do not depend on t. Along a sweep every
total is a straight line in t, so the stability interval of an area (the shares around the
current one at which it keeps its rank) follows exactly from the lines' crossings.

The score-matrix checks, the weight vector and the ranks here are also used by the SMAA-2
sampling in ``selection.analysis.robustness.smaa``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import SupportsFloat

import numpy as np
import pandas as pd

from selection.errors import WeightError
from selection.ranking.scoring import TIE_DECIMALS, normalise_weights

TIE_TOL = 1e-9  # two totals closer than this are tied (stability intervals)
_PARALLEL_TOL = 1e-10  # slope differences below this are treated as parallel lines
TIE_SCALE = 10.0**TIE_DECIMALS  # rint(total * TIE_SCALE) == equality key of round(total, 9)


# --------------------------------------------------------------------------- validation


def score_array(scores: pd.DataFrame) -> np.ndarray:
    """The scores as a float array; raise ValueError (Danish) for NaN or bad shape."""
    if not isinstance(scores, pd.DataFrame):
        raise ValueError(
            "Pointmatricen skal være en tabel (DataFrame) med områder som rækker og kriterier som kolonner."
        )
    if scores.shape[0] == 0 or scores.shape[1] == 0:
        raise ValueError("Pointmatricen er tom: der skal være mindst ét område og ét kriterium.")
    if not scores.index.is_unique:
        raise ValueError("Pointmatricen har gentagne område-id'er; hvert område må kun optræde én gang.")
    try:
        arr = scores.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ValueError("Pointmatricen må kun indeholde tal.") from None
    if np.isnan(arr).any():
        bad = [str(a) for a in scores.index[np.isnan(arr).any(axis=1)]]
        raise ValueError(
            "Pointmatricen indeholder manglende værdier (NaN) for: "
            + ", ".join(bad[:5])
            + (" …" if len(bad) > 5 else "")
            + ". Fjern områder uden rangering (og kriterier uden data) før robusthedsanalysen."
        )
    if not np.isfinite(arr).all():
        raise ValueError("Pointmatricen må kun indeholde endelige tal.")
    return arr


def score_criteria(scores: pd.DataFrame) -> list[str]:
    """The criterion ids of a score matrix: its columns, as strings."""
    return [str(c) for c in scores.columns]


def weight_vector(weights: Mapping[str, float], criteria: list[str]) -> np.ndarray:
    """Normalised weights in the column order of the score matrix (WeightError is a ValueError)."""
    extra = [str(c) for c in weights if str(c) not in criteria]
    carrying = [c for c in extra if _is_nonzero(weights[c])]
    if carrying:
        raise WeightError(
            f"Kriteriet {', '.join(carrying)} har en vægt, men mangler i pointmatricen. "
            f"Kriterier i pointmatricen: {', '.join(criteria)}."
        )
    w = normalise_weights({c: v for c, v in weights.items() if str(c) in criteria}, criteria)
    return np.array([w[c] for c in criteria], dtype=float)


def _is_nonzero(value: object) -> bool:
    if not isinstance(value, (SupportsFloat, str)):
        return True  # not a number: let normalise_weights-style validation complain
    try:
        return float(value) != 0.0
    except (TypeError, ValueError):
        return True  # let normalise_weights-style validation complain


def _criterion_index(criteria: list[str], criterion: str) -> int:
    if criterion not in criteria:
        raise ValueError(f"Ukendt kriterium: {criterion}. Kendte kriterier: {', '.join(criteria)}.")
    return criteria.index(criterion)


def _area_position(scores: pd.DataFrame, area_id: object) -> int:
    if area_id not in scores.index:
        raise ValueError(f"Ukendt område: {area_id}.")
    return int(scores.index.get_loc(area_id))


# --------------------------------------------------------------------------- ranking


def tie_keys(totals: np.ndarray) -> np.ndarray:
    """Equality keys of totals rounded to 9 decimals (as ``competition_rank`` in scoring)."""
    return np.rint(np.asarray(totals, dtype=float) * TIE_SCALE)


def competition_ranks(totals: np.ndarray) -> np.ndarray:
    """Competition ranks (1 = best) along the last axis, ties to 9 decimals share the lowest rank."""
    keys = tie_keys(totals)
    if keys.shape[-1] <= 32:  # small: pairwise counting is fastest
        return 1 + (keys[..., None, :] > keys[..., :, None]).sum(axis=-1)
    flat = keys.reshape(-1, keys.shape[-1])
    order, pos = sorted_ranks(flat)
    ranks = np.empty(flat.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, pos + 1, axis=1)
    return ranks.reshape(keys.shape)


def sorted_ranks(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of tie keys: area order (best first) and the 0-based competition rank of each sorted position."""
    n, m = keys.shape
    bits = max(int(m - 1).bit_length(), 1)
    lo, hi = (float(keys.min()), float(keys.max())) if keys.size else (0.0, 0.0)
    if hi - lo < 2.0 ** (62 - bits) and max(abs(lo), abs(hi)) < 2.0**62:
        # Fast path: pack (best-first key, area index) into one int64 and sort values, not indices.
        packed = (np.int64(hi) - keys.astype(np.int64)) << bits
        packed |= np.arange(m, dtype=np.int64)
        packed.sort(axis=1)
        order = packed & ((1 << bits) - 1)
        sk = packed >> bits
    else:
        order = np.argsort(-keys, axis=1)
        sk = np.take_along_axis(keys, order, axis=1)
    pos = np.broadcast_to(np.arange(m), (n, m)).copy()
    if m > 1:
        same = sk[:, 1:] == sk[:, :-1]
        if same.any():  # a tie: every member gets the position where its group starts
            pos[:, 1:][same] = 0
            np.maximum.accumulate(pos, axis=1, out=pos)
    return order, pos


# --------------------------------------------------------------------------- one-way sensitivity


def current_share(weights: Mapping[str, float], criterion: str) -> float:
    """Criterion's share of the total weight (weights are normalised to sum 1)."""
    ids = [str(c) for c in weights]
    return float(normalise_weights(weights, ids)[ids[_criterion_index(ids, criterion)]])


def _other_proportions(w: np.ndarray, j: int) -> np.ndarray:
    """The other criteria's proportions (sum 1, zero at j); equal shares if all others are 0."""
    p = w.copy()
    p[j] = 0.0
    total = p.sum()
    if total > 0:
        return p / total
    if len(w) == 1:
        return np.ones(1)  # a single criterion: the rest is the criterion itself
    p = np.full(len(w), 1.0 / (len(w) - 1))
    p[j] = 0.0
    return p


def sweep_weights(w: np.ndarray, j: int, shares: np.ndarray) -> np.ndarray:
    """Weight vectors (len(shares) x k) with criterion j at each share, others in proportion."""
    shares = np.asarray(shares, dtype=float)
    p = _other_proportions(w, j)
    e = np.zeros(len(w))
    e[j] = 1.0
    return shares[:, None] * e[None, :] + (1.0 - shares)[:, None] * p[None, :]


def weight_sweep(scores: pd.DataFrame, weights: Mapping[str, float], criterion: str, steps: int = 101) -> pd.DataFrame:
    """Totals and ranks while criterion's weight share runs from 0 to 1 in ``steps`` steps.

    Tidy rows ordered by weight_share, then by area as in ``scores``: criterion,
    weight_share, area_id, total, rank (competition rank at that share).
    """
    S = score_array(scores)
    criteria = score_criteria(scores)
    j = _criterion_index(criteria, criterion)
    if int(steps) < 2:
        raise ValueError("Antal trin skal være mindst 2.")
    shares = np.linspace(0.0, 1.0, int(steps))
    totals = sweep_weights(weight_vector(weights, criteria), j, shares) @ S.T
    ranks = competition_ranks(totals)
    m = S.shape[0]
    return pd.DataFrame(
        {
            "criterion": criterion,
            "weight_share": np.repeat(shares, m),
            "area_id": np.tile(np.asarray(scores.index, dtype=object), len(shares)),
            "total": totals.ravel(),
            "rank": ranks.ravel().astype(np.int64),
        }
    )


# --------------------------------------------------------------------------- stability intervals


def _stability_rows(S: np.ndarray, w: np.ndarray, j: int, rows: np.ndarray) -> tuple[np.ndarray, ...]:
    """Exact stability intervals of criterion j's share for the areas at positions ``rows``.

    Along the sweep every total is a line f_b(t) = R_b + t * D_b. Relative to area a,
    g_b(t) = f_b(t) - f_a(t) = alpha + beta * t; b is above a where g_b > TIE_TOL. Moving
    away from the current share t0, the first crossing tau_b = -alpha / beta of any line
    ends the interval: after it either another area overtakes a (rank worsens) or a has
    overtaken an area above it (rank improves, already at the tie itself). Lines tied with
    a at t0 end the interval at t0 on the side where they rise above a. Parallel lines
    (|beta| <= 1e-10) never change the rank. Returns (lo, hi, rank at t0).
    """
    t0 = float(w[j])
    p = _other_proportions(w, j)
    R = S @ p
    D = S[:, j] - R
    alpha = R[None, :] - R[rows, None]
    beta = D[None, :] - D[rows, None]
    g0 = alpha + beta * t0
    self_mask = np.zeros_like(g0, dtype=bool)
    self_mask[np.arange(len(rows)), rows] = True
    rank = 1 + ((g0 > TIE_TOL) & ~self_mask).sum(axis=1)
    tied = (np.abs(g0) <= TIE_TOL) & ~self_mask
    moving = np.abs(beta) > _PARALLEL_TOL
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = np.where(moving, -alpha / np.where(moving, beta, 1.0), np.nan)
    crossing = moving & ~tied & ~self_mask
    right = crossing & (tau > t0) & (tau <= 1.0)
    left = crossing & (tau < t0) & (tau >= 0.0)
    hi = np.where(right, tau, 1.0).min(axis=1)
    lo = np.where(left, tau, 0.0).max(axis=1)
    # A tied line rising above a (beta > 0) ends the interval at t0 on the right, a falling one on the left.
    hi = np.where((tied & (beta > _PARALLEL_TOL)).any(axis=1), t0, hi)
    lo = np.where((tied & (beta < -_PARALLEL_TOL)).any(axis=1), t0, lo)
    return lo, hi, rank


def stability_interval(
    scores: pd.DataFrame, weights: Mapping[str, float], area_id: object, criterion: str
) -> tuple[float, float]:
    """Range (lo, hi) of criterion's weight share within which the area keeps its current rank.

    The other criteria keep their proportions (see the module docstring). The interval is
    the maximal connected set of shares around the current share with the same competition
    rank, computed exactly from the crossings of the straight total lines (no sampling).

    Endpoints: lo and hi are the infimum and supremum. A bound of 0 or 1 without a
    crossing there is included. A bound at a crossing is a tie with one or more areas. It
    is included when every one of them is overtaking the area there (moving away from the
    current share): the tie keeps the area's rank under competition ranking, e.g. a tie at
    the top is still nr. 1. It is excluded when the area is overtaking any of them, since
    the tie already gives it the better rank. If the area is tied at the current weights,
    lo or hi can equal the current share.
    """
    S = score_array(scores)
    criteria = score_criteria(scores)
    j = _criterion_index(criteria, criterion)
    lo, hi, _ = _stability_rows(S, weight_vector(weights, criteria), j, np.array([_area_position(scores, area_id)]))
    return float(lo[0]), float(hi[0])


def stability_table(
    scores: pd.DataFrame, weights: Mapping[str, float], area_ids: Iterable[object] | None = None
) -> pd.DataFrame:
    """Stability intervals for the given areas (default: all) and every criterion.

    Columns: area_id, criterion, current (the current share), lo, hi, rank (current
    competition rank). Rows are ordered by area (as given), then criterion.
    """
    S = score_array(scores)
    criteria = score_criteria(scores)
    w = weight_vector(weights, criteria)
    ids = list(scores.index) if area_ids is None else list(area_ids)
    if not ids:
        return pd.DataFrame(columns=["area_id", "criterion", "current", "lo", "hi", "rank"])
    rows = np.array([_area_position(scores, a) for a in ids], dtype=int)
    parts = []
    for j, cid in enumerate(criteria):
        lo, hi, rank = _stability_rows(S, w, j, rows)
        parts.append(
            pd.DataFrame(
                {
                    "area_id": pd.Series(ids, dtype=object),
                    "criterion": cid,
                    "current": float(w[j]),
                    "lo": lo,
                    "hi": hi,
                    "rank": rank.astype(np.int64),
                    "_a": np.arange(len(ids)),
                    "_c": j,
                }
            )
        )
    out = pd.concat(parts, ignore_index=True).sort_values(["_a", "_c"], kind="stable")
    return out.drop(columns=["_a", "_c"]).reset_index(drop=True)


def hinge_criterion(table: pd.DataFrame, area_id: object) -> str:
    """The criterion the area's rank hinges on: narrowest stability interval relative to its share.

    ``table`` is a ``stability_table``. The measure is (hi - lo) / current; criteria with a
    current share of 0 are only chosen if every share is 0. Ties go to the first criterion.
    """
    rows = table[table["area_id"] == area_id]
    if rows.empty:
        raise ValueError(f"Ukendt område: {area_id}.")
    current = rows["current"].to_numpy(dtype=float)
    width = (rows["hi"] - rows["lo"]).to_numpy(dtype=float)
    with np.errstate(divide="ignore"):
        rel = np.where(current > 0, width / np.where(current > 0, current, 1.0), np.inf)
    i = int(np.argmin(rel)) if np.isfinite(rel).any() else int(np.argmin(width))
    return str(rows["criterion"].iloc[i])
