"""SMAA-2 rank acceptability of the weighted-sum ranking under random weights and uncertain assessments.

Works on the criterion-score matrix of ``selection.analysis.robustness.sensitivity`` (areas x
criteria, 0–100, no NaN) with the same competition ranks (ties to 9 decimals share the lowest rank).

Weights: n weight vectors drawn uniformly on the simplex, i.e. Dirichlet(1, ..., 1) (normalised
standard exponentials), optionally ordered by importance (w_1 >= w_2 >= ...) and/or kept within
centre ± margin. Sample i gives totals t_i = S w_i (or Z_i w_i with score samples Z_i) and ranks
R_i. The rank acceptability of area a and rank r is b(a, r) = #{i : R_i(a) = r} / n, its standard
error sqrt(b (1 - b) / n); the central weight vector of a is the mean w_i over the samples where a
is nr. 1.

Uncertain assessments: the raw values of the assessed indicators are shifted by one scale step
({-1, 0, +1} × step, uniformly) or by a uniform shift in [-margin, +margin], or drawn uniformly from
the assessors' range where they disagree, clipped to the scale, and scored with the scoring's own
rules into score samples Z_i (n x areas x criteria) that pair with the weight samples.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from selection.analysis.robustness.sensitivity import (
    TIE_SCALE,
    competition_ranks,
    score_array,
    score_criteria,
    sorted_ranks,
    tie_keys,
    weight_vector,
)
from selection.data.criteria import CriteriaModel
from selection.errors import WeightError
from selection.ranking.scoring import criterion_arrays
from selection.text.formatting import compact

# Samples x areas per chunk in SMAA (about 8 MB of float64); public so that a test can shrink it.
CHUNK_CELLS = 1 << 20
NOT_FINITE_SAMPLES = (
    "Stikprøverne af point indeholder manglende eller uendelige værdier; fjern områder uden data først."
)
LAZY_CHUNK_SHARE = 4  # drawn score samples: a quarter of that (their raw values and scores are indicators wide)
MAX_ATTEMPT_FACTOR = 200  # margin sampling gives up after this many draws per wanted sample


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
    c = weight_vector(centre, criteria)  # normalised, so the box always meets the simplex
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
            f"Margenen ±{compact(100 * margin, 1)} procentpoint er for snæver: kun {have} af {n} vægtninger "
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
    S = score_array(scores)
    criteria = score_criteria(scores)
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
    chunk = max(1, (CHUNK_CELLS // LAZY_CHUNK_SHARE if lazy is not None else CHUNK_CELLS) // m)
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
            order, pos = sorted_ranks(tie_keys(totals))
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
            keys.append(round(total * TIE_SCALE))  # same key as rint(total * 1e9)
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


def _wantedscore_criteria(model: CriteriaModel, criteria: Sequence[str] | None) -> list[str]:
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
    wanted = _wantedscore_criteria(model, criteria)
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
        self.criteria = _wantedscore_criteria(model, criteria)  # checked now, not at the first chunk
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
