"""Robustness of the weighted-sum ranking: sensitivity, stability intervals and SMAA-2.

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
1 - t equally. With a single criterion the totals do not depend on t.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import SupportsFloat

import numpy as np
import pandas as pd

from selection.data.criteria import CriteriaModel
from selection.errors import WeightError
from selection.ranking.scoring import TIE_DECIMALS, criterion_arrays, normalise_weights
from selection.text.formatting import compact, percent

TIE_TOL = 1e-9  # two totals closer than this are tied (stability intervals)
_PARALLEL_TOL = 1e-10  # slope differences below this are treated as parallel lines
_SCALE = 10.0**TIE_DECIMALS  # rint(total * _SCALE) == equality key of round(total, 9)
_CHUNK_CELLS = 1 << 20  # samples x areas per chunk in SMAA (about 8 MB of float64)
NOT_FINITE_SAMPLES = (
    "Stikprøverne af point indeholder manglende eller uendelige værdier; fjern områder uden data først."
)
LAZY_CHUNK_SHARE = 4  # drawn score samples: a quarter of that (their raw values and scores are indicators wide)
MAX_ATTEMPT_FACTOR = 200  # margin sampling gives up after this many draws per wanted sample


# --------------------------------------------------------------------------- validation


def _score_array(scores: pd.DataFrame) -> np.ndarray:
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


def _criteria(scores: pd.DataFrame) -> list[str]:
    return [str(c) for c in scores.columns]


def _weight_vector(weights: Mapping[str, float], criteria: list[str]) -> np.ndarray:
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
    return np.rint(np.asarray(totals, dtype=float) * _SCALE)


def competition_ranks(totals: np.ndarray) -> np.ndarray:
    """Competition ranks (1 = best) along the last axis, ties to 9 decimals share the lowest rank."""
    keys = tie_keys(totals)
    if keys.shape[-1] <= 32:  # small: pairwise counting is fastest
        return 1 + (keys[..., None, :] > keys[..., :, None]).sum(axis=-1)
    flat = keys.reshape(-1, keys.shape[-1])
    order, pos = _sorted_ranks(flat)
    ranks = np.empty(flat.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, pos + 1, axis=1)
    return ranks.reshape(keys.shape)


def _sorted_ranks(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
    S = _score_array(scores)
    criteria = _criteria(scores)
    j = _criterion_index(criteria, criterion)
    if int(steps) < 2:
        raise ValueError("Antal trin skal være mindst 2.")
    shares = np.linspace(0.0, 1.0, int(steps))
    totals = sweep_weights(_weight_vector(weights, criteria), j, shares) @ S.T
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
    S = _score_array(scores)
    criteria = _criteria(scores)
    j = _criterion_index(criteria, criterion)
    lo, hi, _ = _stability_rows(S, _weight_vector(weights, criteria), j, np.array([_area_position(scores, area_id)]))
    return float(lo[0]), float(hi[0])


def stability_table(
    scores: pd.DataFrame, weights: Mapping[str, float], area_ids: Iterable[object] | None = None
) -> pd.DataFrame:
    """Stability intervals for the given areas (default: all) and every criterion.

    Columns: area_id, criterion, current (the current share), lo, hi, rank (current
    competition rank). Rows are ordered by area (as given), then criterion.
    """
    S = _score_array(scores)
    criteria = _criteria(scores)
    w = _weight_vector(weights, criteria)
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


# --------------------------------------------------------------------------- weight sampling


def sample_weights(
    criteria: Sequence[str],
    n_samples: int,
    seed: int | np.random.Generator | None = 0,
    constraint: Sequence[str] | None = None,
    margin: float | None = None,
    centre: Mapping[str, float] | None = None,
) -> np.ndarray:
    """Draw weight vectors (n_samples x len(criteria)), uniform on the allowed region.

    Without options: uniform on the simplex, i.e. Dirichlet(1, ..., 1) (normalised standard
    exponentials from ``numpy.random.default_rng(seed)``).

    ``constraint``: criterion ids in decreasing importance, e.g. ["need", "actors", "trust"]
    means w_need >= w_actors >= w_trust (a subset of the criteria is allowed). Each uniform
    sample's constrained coordinates are sorted descending and assigned in that order. This
    is exact: the uniform distribution on the simplex is invariant under permuting
    coordinates, so sorting maps it onto the uniform distribution on the ordered region.

    ``margin`` with ``centre`` (the current weights): every share stays within
    centre ± margin (absolute shares, e.g. 0.1 = ±10 percentage points), intersected with
    the simplex (and the constraint). Sampled exactly by rejection in batches; after
    200 x n_samples draws without enough hits a ValueError (Danish) is raised.
    """
    criteria = [str(c) for c in criteria]
    k = len(criteria)
    n = int(n_samples)
    if k == 0:
        raise ValueError("Der skal være mindst ét kriterium.")
    if n < 1:
        raise ValueError("Antal stikprøver skal være mindst 1.")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    order = _constraint_positions(criteria, constraint)
    if margin is None:
        return _draw(rng, n, k, order)
    if centre is None:
        raise ValueError("Angiv de nuværende vægte (centre) for at bruge en margen.")
    margin = float(margin)
    if not math.isfinite(margin) or margin <= 0:
        raise ValueError(f"Margenen skal være et tal over 0 (fik {margin!r}).")
    c = _weight_vector(centre, criteria)  # normalised, so the box always meets the simplex
    lo, hi = np.maximum(c - margin, 0.0), np.minimum(c + margin, 1.0)
    accepted: list[np.ndarray] = []
    have, drawn, limit = 0, 0, MAX_ATTEMPT_FACTOR * n
    rate = 1.0
    while have < n and drawn < limit:
        batch = int(min(limit - drawn, max(1024, 1.2 * (n - have) / max(rate, 1e-3))))
        draws = _draw(rng, batch, k, order)
        keep = draws[((draws >= lo) & (draws <= hi)).all(axis=1)]
        drawn += batch
        accepted.append(keep)
        have += len(keep)
        rate = max(have / drawn, 1.0 / drawn)
    if have < n:
        raise ValueError(
            f"Margenen ±{_num(100 * margin)} procentpoint er for snæver: kun {have} af {n} vægtninger "
            f"blev fundet efter {drawn} forsøg. Brug en større margen eller færre kriterier."
        )
    return np.concatenate(accepted)[:n]


def _constraint_positions(criteria: list[str], constraint: Sequence[str] | None) -> np.ndarray | None:
    if not constraint:
        return None
    ids = [str(c) for c in constraint]
    unknown = [c for c in ids if c not in criteria]
    if unknown:
        raise ValueError(f"Ukendt kriterium i rækkefølgen: {', '.join(unknown)}.")
    if len(set(ids)) != len(ids):
        raise ValueError("Et kriterium må kun optræde én gang i rækkefølgen.")
    return np.array([criteria.index(c) for c in ids], dtype=int)


def _draw(rng: np.random.Generator, n: int, k: int, order: np.ndarray | None) -> np.ndarray:
    """Uniform simplex samples; with ``order`` the ordered coordinates are sorted descending."""
    e = rng.standard_exponential((n, k))
    w = e / e.sum(axis=1, keepdims=True)
    if order is not None and len(order) > 1:
        w[:, order] = -np.sort(-w[:, order], axis=1)
    return w


# --------------------------------------------------------------------------- SMAA-2


@dataclass(frozen=True)
class SmaaResult:
    """Rank acceptabilities from SMAA-2 with their Monte-Carlo precision.

    ``acceptability``: areas x ranks 1..m, the share of samples in which the area has that
    competition rank. Each row sums to 1. Each rank column sums to 1 unless ties occur
    (tied areas share the lowest rank, e.g. two areas both nr. 1 and nobody nr. 2); with
    continuous random weights ties only happen for areas with identical scores.
    ``central_weights``: mean weight vector of the samples where the area is nr. 1 (ties
    included), NaN if it never is. ``std_error``: sqrt(p (1 - p) / n) per entry.
    """

    acceptability: pd.DataFrame
    central_weights: pd.DataFrame
    n_samples: int
    seed: int | None
    std_error: pd.DataFrame
    max_std_error: float

    @property
    def first_rank(self) -> pd.Series:
        """Share of samples in which each area is nr. 1."""
        return self.acceptability[1].rename("first_rank")

    @property
    def expected_rank(self) -> pd.Series:
        """Mean competition rank per area over the samples."""
        ranks = np.asarray(self.acceptability.columns, dtype=float)
        return pd.Series(self.acceptability.to_numpy() @ ranks, index=self.acceptability.index, name="expected_rank")


def _prepare(
    scores: pd.DataFrame,
    n_samples: int,
    seed: int | None,
    constraint: Sequence[str] | None,
    margin: float | None,
    centre: Mapping[str, float] | None,
    weight_samples: np.ndarray | pd.DataFrame | None,
    score_samples: np.ndarray | None,
) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray | None]:
    """Validate inputs and return (S, criteria, W, score samples or None)."""
    S = _score_array(scores)
    criteria = _criteria(scores)
    m, k = S.shape
    Z = None
    if score_samples is not None:
        Z = np.asarray(score_samples, dtype=float)
        if Z.ndim != 3 or Z.shape[1:] != (m, k):
            raise ValueError(f"Stikprøverne af point skal have formen (n, {m}, {k}) (fik {Z.shape}).")
        if not np.isfinite(Z).all():
            raise ValueError(NOT_FINITE_SAMPLES)
        n_samples = Z.shape[0]
    if weight_samples is not None:
        if isinstance(weight_samples, pd.DataFrame):
            missing = [c for c in criteria if c not in weight_samples.columns]
            if missing:
                raise ValueError(f"Vægtstikprøverne mangler kriterierne: {', '.join(missing)}.")
            weight_samples = weight_samples[criteria]
        W = np.array(weight_samples, dtype=float)
        if W.ndim != 2 or W.shape[1] != k or len(W) == 0:
            raise ValueError(f"Vægtstikprøverne skal have formen (n, {k}) (fik {W.shape}).")
        if not np.isfinite(W).all() or (W < 0).any() or (W.sum(axis=1) <= 0).any():
            raise WeightError("Vægtstikprøverne skal være endelige tal ≥ 0 med en positiv sum i hver række.")
        W /= W.sum(axis=1, keepdims=True)
        if Z is not None and len(Z) != len(W):
            raise ValueError("Der skal være lige mange vægtstikprøver og stikprøver af point.")
    else:
        W = sample_weights(criteria, n_samples, seed, constraint, margin, centre)
    return S, criteria, W, Z


def _result(
    index: pd.Index, criteria: list[str], counts: np.ndarray, central_sum: np.ndarray, n: int, seed: int | None
) -> SmaaResult:
    m = len(index)
    ranks = pd.Index(np.arange(1, m + 1), name="rank")
    p = counts / n
    firsts = counts[:, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        central = np.where(firsts[:, None] > 0, central_sum / np.where(firsts > 0, firsts, 1)[:, None], np.nan)
    se = np.sqrt(p * (1.0 - p) / n)
    return SmaaResult(
        acceptability=pd.DataFrame(p, index=index, columns=ranks),
        central_weights=pd.DataFrame(central, index=index, columns=pd.Index(criteria, name="criterion")),
        n_samples=int(n),
        seed=seed,
        std_error=pd.DataFrame(se, index=index, columns=ranks),
        max_std_error=float(se.max()),
    )


def ranks_and_rest(shares: np.ndarray, kept: int) -> np.ndarray:
    """Rank shares (areas x ranks) cut to the first ``kept`` ranks and, when there are more, one column more with
    the rest of each row summed (what a table or heat map of many areas shows)."""
    if shares.shape[1] <= kept:
        return shares
    return np.hstack([shares[:, :kept], shares[:, kept:].sum(axis=1, keepdims=True)])


def smaa(
    scores: pd.DataFrame,
    n_samples: int = 10_000,
    seed: int | None = 0,
    constraint: Sequence[str] | None = None,
    margin: float | None = None,
    centre: Mapping[str, float] | None = None,
    *,
    weight_samples: np.ndarray | pd.DataFrame | None = None,
    score_samples: np.ndarray | LazyScoreSamples | None = None,
) -> SmaaResult:
    """SMAA-2 rank acceptability of every area under random weights.

    Weights are drawn with ``sample_weights`` (uniform on the simplex, optionally ordered by
    ``constraint`` and/or limited to ``centre`` ± ``margin``). ``weight_samples`` (n x k,
    columns in score-column order or a DataFrame with criterion columns) replaces the
    draw; rows are normalised to sum 1. ``score_samples`` (n x areas x criteria, e.g. from
    ``perturbed_scores``) pairs sample i's weights with score matrix i; a ``LazyScoreSamples``
    draws them chunk by chunk, so memory stays bounded at thousands of areas. When samples are
    injected their number is used and ``n_samples`` is ignored. See ``SmaaResult``.
    """
    lazy = score_samples if isinstance(score_samples, LazyScoreSamples) else None
    eager = None if isinstance(score_samples, LazyScoreSamples) else score_samples
    if lazy is not None:
        n_samples = lazy.n_samples
        if lazy.n_areas != len(scores) or lazy.n_criteria != scores.shape[1]:
            raise ValueError(
                f"Stikprøverne af point skal have formen (n, {len(scores)}, {scores.shape[1]}) "
                f"(fik (n, {lazy.n_areas}, {lazy.n_criteria}))."
            )
        if weight_samples is not None and len(weight_samples) != lazy.n_samples:
            raise ValueError("Der skal være lige mange vægtstikprøver og stikprøver af point.")
    S, criteria, W, Z = _prepare(scores, n_samples, seed, constraint, margin, centre, weight_samples, eager)
    n, m, k = len(W), S.shape[0], S.shape[1]
    counts = np.zeros(m * m, dtype=np.int64)  # area-major (small case)
    by_rank = np.zeros(m * m, dtype=np.int64)  # rank-major (large case)
    central_sum = np.zeros((m, k))
    chunk = max(1, (_CHUNK_CELLS // LAZY_CHUNK_SHARE if lazy is not None else _CHUNK_CELLS) // m)
    for start in range(0, n, chunk):
        Wc = W[start : start + chunk]
        Zc = (
            lazy.chunk(start, start + len(Wc))
            if lazy is not None
            else (None if Z is None else Z[start : start + chunk])
        )
        totals = Wc @ S.T if Zc is None else np.einsum("imk,ik->im", Zc, Wc)
        if lazy is not None and not np.isfinite(totals).all():
            raise ValueError(NOT_FINITE_SAMPLES)
        if m <= 32:  # small: pairwise counting beats sorting
            pos = competition_ranks(totals) - 1
            counts += np.bincount((np.arange(m) * m + pos).ravel(), minlength=m * m)
            smp, area = np.nonzero(pos == 0)
        else:
            order, pos = _sorted_ranks(tie_keys(totals))
            # Count rank-major along the transposed chunk: consecutive updates stay in one rank's row.
            by_rank += np.bincount((pos * m + order).T.ravel(), minlength=m * m)
            smp, col = np.nonzero(pos == 0)
            area = order[smp, col]
        for c in range(k):
            central_sum[:, c] += np.bincount(area, weights=Wc[smp, c], minlength=m)
    counts = counts.reshape(m, m) + by_rank.reshape(m, m).T
    return _result(scores.index, criteria, counts, central_sum, n, None if weight_samples is not None else seed)


def plain_loop_smaa(
    scores: pd.DataFrame,
    n_samples: int = 10_000,
    seed: int | None = 0,
    constraint: Sequence[str] | None = None,
    margin: float | None = None,
    centre: Mapping[str, float] | None = None,
    *,
    weight_samples: np.ndarray | pd.DataFrame | None = None,
    score_samples: np.ndarray | None = None,
) -> SmaaResult:
    """The same as ``smaa`` written as plain Python loops (benchmark baseline and cross-check).

    Weights are drawn exactly as in ``smaa``; totals, ranks and counts are computed one
    sample and one area at a time (sorting each sample with ``sorted``).
    """
    S, criteria, W, Z = _prepare(scores, n_samples, seed, constraint, margin, centre, weight_samples, score_samples)
    n, m, k = len(W), S.shape[0], S.shape[1]
    rows = S.tolist()
    counts = [[0] * m for _ in range(m)]
    central_sum = [[0.0] * k for _ in range(m)]
    for i in range(n):
        w = W[i].tolist()
        mat = rows if Z is None else Z[i].tolist()
        keys = []
        for a in range(m):
            total = 0.0
            for c in range(k):
                total += w[c] * mat[a][c]
            keys.append(round(total * _SCALE))  # same key as rint(total * 1e9)
        ordered = sorted(range(m), key=lambda a: -keys[a])
        rank = 0
        for place, a in enumerate(ordered):
            if place == 0 or keys[a] != keys[ordered[place - 1]]:
                rank = place
            counts[a][rank] += 1
            if rank == 0:
                for c in range(k):
                    central_sum[a][c] += w[c]
    return _result(
        scores.index,
        criteria,
        np.array(counts, dtype=np.int64),
        np.array(central_sum),
        n,
        None if weight_samples is not None else seed,
    )


# --------------------------------------------------------------------------- uncertain assessments


def perturb_matrix(
    matrix: pd.DataFrame,
    model: CriteriaModel,
    assessed: Iterable[str],
    n_samples: int = 1000,
    seed: int | np.random.Generator | None = 0,
    step: float = 1.0,
    margin: float | None = None,
    ranges: Mapping[tuple[str, str], tuple[float, float]] | None = None,
) -> np.ndarray:
    """Raw performance samples (n x areas x indicators in model order) with noisy assessments.

    Each value of an ``assessed`` indicator is shifted independently: by default a uniform
    integer number of steps in {-1, 0, +1} times ``step`` (one scale step, 1 on a 1–5 scale);
    with ``margin`` a uniform continuous shift in [-margin, +margin]. Results are clipped to
    the indicator's scale. NaN stays NaN; other indicators are copied unchanged.

    ``ranges`` maps (area id, indicator id) to the (min, max) of the assessors' values where
    they disagree: such a value of an ``assessed`` indicator is drawn uniformly from that range
    instead of being shifted.
    """
    ind_ids = [i.id for i in model.indicators]
    assessed = [str(a) for a in assessed]
    unknown = [a for a in assessed if a not in ind_ids]
    if unknown:
        raise ValueError(f"Ukendt indikator: {', '.join(unknown)}.")
    if margin is not None and (not math.isfinite(float(margin)) or float(margin) < 0):
        raise ValueError(f"Margenen skal være et tal ≥ 0 (fik {margin!r}).")
    if not math.isfinite(float(step)) or float(step) < 0:
        raise ValueError(f"Trinnet skal være et tal ≥ 0 (fik {step!r}).")
    n = int(n_samples)
    if n < 1:
        raise ValueError("Antal stikprøver skal være mindst 1.")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    base = (
        np.column_stack(
            [matrix[i].to_numpy(dtype=float) if i in matrix else np.full(len(matrix), np.nan) for i in ind_ids]
        )
        if ind_ids
        else np.empty((len(matrix), 0))
    )
    out = np.broadcast_to(base, (n, *base.shape)).copy()
    cols = [ind_ids.index(a) for a in assessed]
    if not cols:
        return out
    shape = (n, base.shape[0], len(cols))
    if margin is None:
        shift = float(step) * rng.integers(-1, 2, size=shape)
    else:
        shift = rng.uniform(-float(margin), float(margin), size=shape)
    lo = np.array([model.indicator(a).scale_min for a in assessed])
    hi = np.array([model.indicator(a).scale_max for a in assessed])
    out[:, :, cols] = np.clip(out[:, :, cols] + shift, lo, hi)  # NaN + shift stays NaN
    for r, c, low, high in _range_cells(matrix, assessed, ind_ids, ranges or {}):
        out[:, r, c] = rng.uniform(low, high, size=n)
    return out


def _range_cells(
    matrix: pd.DataFrame,
    assessed: list[str],
    ind_ids: list[str],
    ranges: Mapping[tuple[str, str], tuple[float, float]],
) -> list[tuple[int, int, float, float]]:
    """(row, column, min, max) of the cells whose assessors disagree, in a fixed order."""
    rows = {str(a): pos for pos, a in enumerate(matrix.index)}
    cells = []
    for (area_id, indicator_id), (low, high) in sorted(ranges.items()):
        low, high = float(low), float(high)
        if indicator_id not in assessed or str(area_id) not in rows:
            continue
        if not (math.isfinite(low) and math.isfinite(high)) or high < low:
            raise ValueError(f"Ugyldigt spænd {low}–{high} for '{area_id}' / '{indicator_id}'.")
        if high > low:
            cells.append((rows[str(area_id)], ind_ids.index(indicator_id), low, high))
    return cells


def batch_criterion_scores(
    raw: np.ndarray,
    model: CriteriaModel,
    sub_weights: Mapping[str, float] | None = None,
    required: set[str] | None = None,
) -> np.ndarray:
    """``scoring.criterion_scores`` over samples: (n x areas x indicators) -> (n x areas x criteria).

    Same rules (the same code): fixed scales, cost indicators inverted, missing indicators left
    out with their sub-weight shared among the rest, NaN where a criterion has no data.
    """
    return criterion_arrays(raw, model, sub_weights, required)[0]


def _wanted_criteria(model: CriteriaModel, criteria: Sequence[str] | None) -> list[str]:
    """The criteria asked for (default: all, in model order); ValueError for one the model lacks."""
    ids = model.criterion_ids
    wanted = list(ids) if criteria is None else [str(c) for c in criteria]
    unknown = [c for c in wanted if c not in ids]
    if unknown:
        raise ValueError(f"Ukendt kriterium: {', '.join(unknown)}.")
    return wanted


def perturbed_scores(
    matrix: pd.DataFrame,
    model: CriteriaModel,
    sub_weights: Mapping[str, float] | None = None,
    assessed: Iterable[str] = (),
    n_samples: int = 1000,
    seed: int | np.random.Generator | None = 0,
    step: float = 1.0,
    margin: float | None = None,
    criteria: Sequence[str] | None = None,
    ranges: Mapping[tuple[str, str], tuple[float, float]] | None = None,
) -> np.ndarray:
    """Criterion-score samples (n x areas x criteria) with uncertain assessments.

    Rows follow ``matrix`` (pass only ranked areas), columns follow ``criteria`` (default:
    all criteria of the model, in model order) so the result fits ``smaa(score_samples=)``
    for ``scores`` with the same rows and columns. Noise as in ``perturb_matrix``.
    """
    raw = perturb_matrix(matrix, model, assessed, n_samples, seed, step, margin, ranges)
    ids = model.criterion_ids
    wanted = _wanted_criteria(model, criteria)
    out = batch_criterion_scores(raw, model, sub_weights, required=set(wanted))
    return out[:, :, [ids.index(c) for c in wanted]]


class LazyScoreSamples:
    """``perturbed_scores`` drawn on demand, in order, a chunk of samples at a time (for ``smaa``).

    One random generator is consumed chunk after chunk, so the samples depend only on the seed and
    the chunk sizes (``smaa``'s, fixed by the number of areas); when one chunk holds every sample
    (up to 26 areas at 10,000 samples) they equal ``perturbed_scores`` with the same seed.
    Only one chunk is in memory at a time: at 2,000 areas and 10,000 samples the whole array
    would be 0.5 GB, and the raw values behind it twice that.
    """

    def __init__(
        self,
        matrix: pd.DataFrame,
        model: CriteriaModel,
        sub_weights: Mapping[str, float] | None,
        assessed: Iterable[str],
        n_samples: int,
        seed: int | None,
        step: float = 1.0,
        criteria: Sequence[str] | None = None,
        ranges: Mapping[tuple[str, str], tuple[float, float]] | None = None,
    ) -> None:
        if int(n_samples) < 1:
            raise ValueError("Antal stikprøver skal være mindst 1.")
        self.criteria = _wanted_criteria(model, criteria)  # checked now, not at the first chunk
        self.matrix, self.model, self.sub_weights = matrix, model, sub_weights
        self.assessed, self.step, self.ranges = [str(a) for a in assessed], float(step), ranges
        self.n_samples, self.n_areas, self.n_criteria = int(n_samples), len(matrix), len(self.criteria)
        self._rng = np.random.default_rng(seed)
        self._next = 0

    def chunk(self, start: int, stop: int) -> np.ndarray:
        """Samples ``start``..``stop`` (chunks must follow each other from 0)."""
        if start != self._next or not start < stop <= self.n_samples:
            raise ValueError("Stikprøverne trækkes i rækkefølge, én blok efter den forrige.")
        self._next = stop
        return perturbed_scores(
            self.matrix,
            self.model,
            self.sub_weights,
            self.assessed,
            stop - start,
            self._rng,
            self.step,
            criteria=self.criteria,
            ranges=self.ranges,
        )


# --------------------------------------------------------------------------- plain-language summary


def _num(x: float) -> str:
    """A number with at most one decimal and a Danish decimal comma."""
    return compact(x, 1)


def _pct(x: float, decimals: int = 0) -> str:
    return percent(x, decimals)


def _share_text(p: float) -> str:
    if 0 < p < 0.005:
        return "under 1 %"
    if 0.995 < p < 1:
        return "over 99 %"
    return _pct(p)


def _range_text(label: str, lo: float, hi: float) -> str:
    decimals = 0 if round(100 * hi) - round(100 * lo) >= 2 else 1
    if lo <= 1e-12 and hi >= 1 - 1e-12:
        return f"uanset hvordan '{label}' vægtes"
    if lo <= 1e-12:
        return f"så længe '{label}' vægtes højst {_pct(hi, decimals)}"
    if hi >= 1 - 1e-12:
        return f"så længe '{label}' vægtes mindst {_pct(lo, decimals)}"
    return f"så længe '{label}' vægtes mellem {_pct(lo, decimals)} og {_pct(hi, decimals)}"


def summary_sentence(
    area_name: str,
    first_rank_share: float | None,
    criterion_label: str,
    lo: float,
    hi: float,
    rank: int = 1,
) -> str:
    """One Danish sentence (two for areas below nr. 1) on how robust an area's place is.

    E.g. "Urbanplanen er nr. 1 i 71 % af alle vægtninger og forbliver nr. 1, så længe
    'Vurderet behov' vægtes mellem 25 % og 60 %."
    """
    rank = int(rank)
    stay = _range_text(criterion_label, float(lo), float(hi))
    if rank == 1:
        share = "" if first_rank_share is None else f" i {_share_text(float(first_rank_share))} af alle vægtninger"
        sep = ", " if stay.startswith("så") else " "
        return f"{area_name} er nr. 1{share} og forbliver nr. 1{sep}{stay}."
    sep = ", " if stay.startswith("så") else " "
    sentence = f"{area_name} er nr. {rank} og forbliver nr. {rank}{sep}{stay}."
    if first_rank_share is None:
        return sentence
    if float(first_rank_share) <= 0:
        return sentence + " Området bliver ikke nr. 1 i nogen af de afprøvede vægtninger."
    return sentence + f" Området er nr. 1 i {_share_text(float(first_rank_share))} af alle vægtninger."


def describe_area(
    scores: pd.DataFrame,
    weights: Mapping[str, float],
    area_id: object,
    area_name: str,
    labels: Mapping[str, str],
    result: SmaaResult | None = None,
    table: pd.DataFrame | None = None,
) -> str:
    """``summary_sentence`` for one area, using the criterion its rank hinges on."""
    table = stability_table(scores, weights, [area_id]) if table is None else table
    cid = hinge_criterion(table, area_id)
    row = table[(table["area_id"] == area_id) & (table["criterion"] == cid)].iloc[0]
    share = None if result is None else float(result.first_rank.loc[area_id])
    return summary_sentence(
        area_name, share, str(labels.get(cid, cid)), float(row["lo"]), float(row["hi"]), int(row["rank"])
    )
