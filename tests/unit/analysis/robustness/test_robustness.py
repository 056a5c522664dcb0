"""Robustness analysis (selection/robustness.py): hand-solved cases, exact cross-checks, properties."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selection.analysis.robustness import core as robustness
from selection.analysis.robustness.core import (
    LazyScoreSamples,
    SmaaResult,
    batch_criterion_scores,
    competition_ranks,
    current_share,
    describe_area,
    hinge_criterion,
    perturb_matrix,
    perturbed_scores,
    plain_loop_smaa,
    sample_weights,
    smaa,
    stability_interval,
    stability_table,
    summary_sentence,
    weight_sweep,
)
from selection.data.criteria import parse_criteria
from selection.errors import WeightError
from selection.ranking.scoring import competition_rank, criterion_scores, score_areas

PROPS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def frame(rows, ids=None, cols=None) -> pd.DataFrame:
    rows = np.asarray(rows, dtype=float)
    ids = ids or [f"a{i}" for i in range(rows.shape[0])]
    cols = cols or [f"c{j}" for j in range(rows.shape[1])]
    return pd.DataFrame(rows, index=ids, columns=cols)


# --------------------------------------------------------------------------- exact reference (Fractions)


def exact_rank(S: list[list[int]], w: list[int], j: int, a: int, t: Fraction) -> int:
    """Competition rank of area a when criterion j has share t, computed in exact arithmetic."""
    k = len(w)
    others = [Fraction(w[d]) if d != j else Fraction(0) for d in range(k)]
    rest = sum(others)
    if k == 1:
        p = [Fraction(1)]
    elif rest > 0:
        p = [x / rest for x in others]
    else:
        p = [Fraction(0) if d == j else Fraction(1, k - 1) for d in range(k)]
    totals = [t * row[j] + (1 - t) * sum(p[d] * row[d] for d in range(k)) for row in S]
    return 1 + sum(1 for b in range(len(S)) if totals[b] > totals[a])


def exact_component(S, w, j, a) -> tuple[Fraction, Fraction]:
    """The connected set of shares around the current share with the current rank, by enumeration.

    All possible rank changes happen at pairwise crossings; the rank is evaluated at every
    crossing and at every midpoint between consecutive crossings.
    """
    k, m = len(w), len(S)
    t0 = Fraction(w[j], sum(w))
    r0 = exact_rank(S, w, j, a, t0)
    pts = {Fraction(0), Fraction(1), t0}
    # Lines f_b(t) = R_b + t (S_bj - R_b); enumerate crossings with area a exactly.
    others = [Fraction(w[d]) if d != j else Fraction(0) for d in range(k)]
    rest = sum(others)
    p = (
        [Fraction(1)]
        if k == 1
        else [x / rest for x in others]
        if rest > 0
        else [Fraction(0) if d == j else Fraction(1, k - 1) for d in range(k)]
    )
    R = [sum(p[d] * row[d] for d in range(k)) for row in S]
    D = [S[b][j] - R[b] for b in range(m)]
    for b in range(m):
        beta = D[b] - D[a]
        if beta != 0:
            tau = -(R[b] - R[a]) / beta
            if 0 <= tau <= 1:
                pts.add(tau)
    pts = sorted(pts)
    seq = []  # (lo, hi, rank) for points and open segments, in order
    for i, pt in enumerate(pts):
        seq.append((pt, pt, exact_rank(S, w, j, a, pt)))
        if i + 1 < len(pts):
            mid = (pt + pts[i + 1]) / 2
            seq.append((pt, pts[i + 1], exact_rank(S, w, j, a, mid)))
    i0 = next(i for i, (lo, hi, _) in enumerate(seq) if lo == hi == t0)
    left = right = i0
    while left > 0 and seq[left - 1][2] == r0:
        left -= 1
    while right + 1 < len(seq) and seq[right + 1][2] == r0:
        right += 1
    return seq[left][0], seq[right][1]


# --------------------------------------------------------------------------- hand-solved cases

TWO = frame([[100, 0], [0, 100]], ["a", "b"], ["x", "y"])


def test_two_areas_two_criteria_breakpoint_at_half():
    # Totals: a = 100 t, b = 100 (1 - t) with t = share of x; they cross at t = 0.5 exactly.
    # Current weights 0.7/0.3: a is nr. 1 for t >= 0.5 (the tie at 0.5 keeps nr. 1).
    w = {"x": 0.7, "y": 0.3}
    assert stability_interval(TWO, w, "a", "x") == (0.5, 1.0)
    assert stability_interval(TWO, w, "b", "x") == (0.5, 1.0)  # b is nr. 2 for t > 0.5
    assert stability_interval(TWO, w, "a", "y") == (0.0, 0.5)
    # At equal weights they tie (both nr. 1); a stays nr. 1 for t >= 0.5, b for t <= 0.5.
    eq = {"x": 1, "y": 1}
    assert stability_interval(TWO, eq, "a", "x") == (0.5, 1.0)
    assert stability_interval(TWO, eq, "b", "x") == (0.0, 0.5)


def test_two_areas_first_in_half_of_all_weightings():
    res = smaa(TWO, n_samples=20_000, seed=3)
    assert isinstance(res, SmaaResult)
    for area in ("a", "b"):
        assert abs(res.first_rank[area] - 0.5) <= 4 * res.std_error.loc[area, 1]
    assert res.max_std_error == pytest.approx(np.sqrt(0.25 / 20_000), rel=1e-3)
    # Central weight of a: mean of w given w_x > 1/2 (uniform on [0, 1]) = (3/4, 1/4).
    assert res.central_weights.loc["a", "x"] == pytest.approx(0.75, abs=0.01)
    assert res.central_weights.loc["b", "y"] == pytest.approx(0.75, abs=0.01)


THREE = frame([[80, 20], [50, 50], [10, 70]], ["A", "B", "C"], ["x", "y"])


def test_three_areas_known_breakpoints():
    # With t = share of x: A = 20 + 60 t, B = 50, C = 70 - 60 t.
    # Crossings: A = B at t = 1/2, A = C at t = 5/12, B = C at t = 1/3.
    # Current t0 = 0.6: A = 56 (nr. 1), B = 50 (nr. 2), C = 34 (nr. 3).
    # A: nr. 1 down to the tie with B at 1/2 (still nr. 1 there)          -> [1/2, 1]
    # B: nr. 2 until it ties A at 1/2 (then shared nr. 1, excluded)       -> (1/2, 1]
    # C: nr. 3 until it ties A at 5/12 (then shared nr. 2, excluded)      -> (5/12, 1]
    w = {"x": 0.6, "y": 0.4}
    lo, hi = stability_interval(THREE, w, "A", "x")
    assert (lo, hi) == (pytest.approx(0.5, abs=1e-15), 1.0)
    assert stability_interval(THREE, w, "B", "x") == (pytest.approx(0.5, abs=1e-15), 1.0)
    assert stability_interval(THREE, w, "C", "x") == (pytest.approx(5 / 12, abs=1e-15), 1.0)
    # With two criteria, y's share is 1 - t: the intervals mirror.
    assert stability_interval(THREE, w, "C", "y") == (0.0, pytest.approx(7 / 12, abs=1e-15))
    # At t0 = 0.45 (between 5/12 and 1/2): B = 50 nr. 1, A = 47 nr. 2, C = 43 nr. 3.
    # A: nr. 2 on [5/12, 1/2): at 5/12 C ties A (still nr. 2), at 1/2 A ties B (shared nr. 1).
    # B: nr. 1 on [1/3, 1/2]: ties with C at 1/3 and with A at 1/2 are still nr. 1.
    # C: nr. 3 on (5/12, 1]: at 5/12 C ties A and becomes shared nr. 2.
    w2 = {"x": 0.45, "y": 0.55}
    assert stability_interval(THREE, w2, "A", "x") == (pytest.approx(5 / 12), pytest.approx(0.5))
    assert stability_interval(THREE, w2, "B", "x") == (pytest.approx(1 / 3), pytest.approx(0.5))
    assert stability_interval(THREE, w2, "C", "x") == (pytest.approx(5 / 12), 1.0)
    table = stability_table(THREE, w2)
    assert list(table.columns) == ["area_id", "criterion", "current", "lo", "hi", "rank"]
    assert table.set_index(["area_id", "criterion"]).loc[("A", "x"), "rank"] == 2
    assert len(table) == 6


def test_parallel_lines_and_single_criterion():
    # B - A is constant along the sweep (parallel lines): no breakpoint, rank never changes.
    S = frame([[10, 10], [20, 20], [20, 20]], ["A", "B", "C"])
    assert stability_interval(S, {"c0": 1, "c1": 3}, "A", "c0") == (0.0, 1.0)
    assert stability_interval(S, {"c0": 1, "c1": 3}, "B", "c0") == (0.0, 1.0)  # tied nr. 1 with C throughout
    single = frame([[1], [2]])
    assert stability_interval(single, {"c0": 1}, "a0", "c0") == (0.0, 1.0)


def test_sweep_keeps_proportions_and_matches_scoring():
    S = frame([[90, 10, 50], [40, 80, 20], [60, 60, 60]])
    w = {"c0": 1, "c1": 3, "c2": 1}
    sw = weight_sweep(S, w, "c0", steps=11)
    assert list(sw.columns) == ["criterion", "weight_share", "area_id", "total", "rank"]
    assert len(sw) == 33
    at = sw[np.isclose(sw["weight_share"], 0.3)].set_index("area_id")
    # t = 0.3: c1 and c2 share 0.7 in proportion 3 : 1.
    expect = 0.3 * S["c0"] + 0.7 * (0.75 * S["c1"] + 0.25 * S["c2"])
    assert np.allclose(at["total"], expect)
    assert current_share(w, "c0") == pytest.approx(0.2)
    zero = weight_sweep(S, {"c0": 1, "c1": 0, "c2": 0}, "c0", steps=3)
    mid = zero[zero["weight_share"] == 0.5].set_index("area_id")
    assert np.allclose(mid["total"], 0.5 * S["c0"] + 0.25 * S["c1"] + 0.25 * S["c2"])
    # At the current share the totals and ranks equal score-based ranking.
    cur = weight_sweep(S, w, "c0", steps=6)
    cur = cur[np.isclose(cur["weight_share"], 0.2)].set_index("area_id")
    totals = (S * pd.Series({"c0": 0.2, "c1": 0.6, "c2": 0.2})).sum(axis=1)
    assert list(cur["rank"]) == list(competition_rank(totals))


def test_nan_and_bad_input_raise_danish_errors():
    S = frame([[1, np.nan], [2, 3]])
    with pytest.raises(ValueError, match="manglende værdier"):
        smaa(S, n_samples=10)
    with pytest.raises(ValueError, match="manglende værdier"):
        stability_interval(S, {"c0": 1, "c1": 1}, "a0", "c0")
    good = frame([[1, 2], [2, 3]])
    with pytest.raises(ValueError, match="Ukendt kriterium"):
        weight_sweep(good, {"c0": 1, "c1": 1}, "zz")
    with pytest.raises(ValueError, match="Ukendt område"):
        stability_interval(good, {"c0": 1, "c1": 1}, "nope", "c0")
    with pytest.raises(WeightError):
        smaa(good, weight_samples=np.array([[-1.0, 2.0]]))
    # Zero weights of criteria that are not columns are ignored; non-zero ones are an error.
    assert stability_interval(good, {"c0": 1, "c1": 1, "gone": 0}, "a0", "c0") == stability_interval(
        good, {"c0": 1, "c1": 1}, "a0", "c0"
    )
    with pytest.raises(WeightError, match="mangler i pointmatricen"):
        smaa(good, n_samples=10, margin=0.1, centre={"c0": 1, "gone": 1})
    with pytest.raises(ValueError, match="centre"):
        sample_weights(["c0", "c1"], 10, margin=0.1)


# --------------------------------------------------------------------------- weight sampling


def test_constrained_sampling_is_ordered_and_uniform():
    crit = ["trust", "actors", "need"]
    W = sample_weights(crit, 20_000, seed=1, constraint=["need", "actors", "trust"])
    need, actors, trust = W[:, 2], W[:, 1], W[:, 0]
    assert (need >= actors).all()
    assert (actors >= trust).all()
    assert np.allclose(W.sum(axis=1), 1.0)
    # Uniform on the ordered region: the means are those of sorted Dirichlet(1,1,1) spacings,
    # (11/18, 5/18, 2/18).
    se = W.std(axis=0) / np.sqrt(len(W))
    for got, want, s in zip(
        (need.mean(), actors.mean(), trust.mean()), (11 / 18, 5 / 18, 2 / 18), se[::-1], strict=True
    ):
        assert abs(got - want) <= 5 * s
    # A partial order leaves the other criterion free.
    P = sample_weights(crit, 2000, seed=2, constraint=["need", "trust"])
    assert (P[:, 2] >= P[:, 0]).all()
    assert (P[:, 1] > P[:, 2]).any()
    res = smaa(
        frame([[10, 50, 90], [90, 50, 10]], ["a", "b"], crit), n_samples=2000, constraint=["need", "actors", "trust"]
    )
    assert res.first_rank["a"] == 1.0  # need dominates: a (90 on need) always wins


def test_margin_sampling_respects_box():
    crit = ["a", "b", "c"]
    centre = {"a": 0.5, "b": 0.3, "c": 0.2}
    W = sample_weights(crit, 5000, seed=4, margin=0.1, centre=centre)
    c = np.array([0.5, 0.3, 0.2])
    assert W.shape == (5000, 3)
    assert (np.abs(W - c) <= 0.1 + 1e-12).all()
    assert np.allclose(W.sum(axis=1), 1.0)
    # Uniform on the (centrally symmetric) box ∩ simplex: the mean is the centre.
    assert np.allclose(W.mean(axis=0), c, atol=0.005)
    both = sample_weights(crit, 1000, seed=5, margin=0.15, centre=centre, constraint=["a", "b", "c"])
    assert (both[:, 0] >= both[:, 1]).all()
    assert (both[:, 1] >= both[:, 2]).all()
    assert (np.abs(both - c) <= 0.15 + 1e-12).all()
    with pytest.raises(ValueError, match="±0,5 procentpoint er for snæver"):
        sample_weights([f"k{i}" for i in range(8)], 1000, seed=0, margin=0.005, centre={f"k{i}": 1 for i in range(8)})
    with pytest.raises(ValueError, match="over 0"):
        sample_weights(crit, 10, margin=0.0, centre=centre)


def test_same_seed_same_result_different_seed_differs():
    S = frame(np.random.default_rng(0).uniform(0, 100, (13, 3)))
    a, b = smaa(S, n_samples=3000, seed=7), smaa(S, n_samples=3000, seed=7)
    pd.testing.assert_frame_equal(a.acceptability, b.acceptability)
    pd.testing.assert_frame_equal(a.central_weights, b.central_weights)
    assert a.seed == 7
    assert a.n_samples == 3000
    assert not smaa(S, n_samples=3000, seed=8).acceptability.equals(a.acceptability)


# --------------------------------------------------------------------------- SMAA properties

int_scores = st.integers(1, 6).flatmap(
    lambda m: st.integers(1, 4).flatmap(
        lambda k: st.lists(
            st.lists(st.one_of(st.sampled_from([0, 25, 50, 100]), st.integers(0, 100)), min_size=k, max_size=k),
            min_size=m,
            max_size=m,
        )
    )
)


@PROPS
@given(int_scores, st.integers(0, 2**16))
def test_acceptability_sums_and_loop_equivalence(rows, seed):
    S = frame(rows)
    W = sample_weights(list(S.columns), 300, seed=seed)
    res = smaa(S, weight_samples=W)
    acc = res.acceptability.to_numpy()
    m = len(S)
    assert np.allclose(acc.sum(axis=1), 1.0)
    assert acc.sum() == pytest.approx(m)
    if not S.duplicated().any() and S.shape[1] > 1:
        # Distinct rows: ties have probability zero under continuous weights.
        assert np.allclose(acc.sum(axis=0), 1.0)
    loop = plain_loop_smaa(S, weight_samples=W)
    pd.testing.assert_frame_equal(res.acceptability, loop.acceptability)
    pd.testing.assert_frame_equal(res.central_weights, loop.central_weights, atol=1e-12)
    # Every entry's standard error follows sqrt(p (1 - p) / n).
    assert np.allclose(res.std_error.to_numpy(), np.sqrt(acc * (1 - acc) / 300))


@PROPS
@given(int_scores, st.data())
def test_dominated_area_is_never_first(rows, data):
    S = frame(rows)
    best = data.draw(st.integers(0, len(S) - 1))
    col = data.draw(st.integers(0, S.shape[1] - 1))
    dominated = S.iloc[best].copy()
    dominated.iloc[col] -= data.draw(st.integers(1, 30))  # worse on one criterion, equal elsewhere
    S.loc["dominated"] = dominated
    res = smaa(S, n_samples=500, seed=1)
    assert res.first_rank["dominated"] == 0.0
    assert res.central_weights.loc["dominated"].isna().all()


@PROPS
@given(int_scores, st.randoms(use_true_random=False))
def test_order_of_areas_does_not_matter(rows, rnd):
    S = frame(rows)
    perm = list(S.index)
    rnd.shuffle(perm)
    a = smaa(S, n_samples=400, seed=11)
    b = smaa(S.loc[perm], n_samples=400, seed=11)
    pd.testing.assert_frame_equal(a.acceptability, b.acceptability.loc[S.index])
    pd.testing.assert_frame_equal(a.central_weights, b.central_weights.loc[S.index], atol=1e-12)


def test_large_branch_matches_loop_with_ties():
    rng = np.random.default_rng(2)
    rows = rng.integers(0, 5, (60, 3)).astype(float) * 25  # many identical rows -> ties
    S = frame(rows)
    W = sample_weights(list(S.columns), 200, seed=3)
    a, b = smaa(S, weight_samples=W), plain_loop_smaa(S, weight_samples=W)
    pd.testing.assert_frame_equal(a.acceptability, b.acceptability)
    pd.testing.assert_frame_equal(a.central_weights, b.central_weights, atol=1e-12)
    assert a.acceptability.to_numpy().sum(axis=1) == pytest.approx(np.ones(60))
    assert a.acceptability.to_numpy().sum(axis=0).max() > 1.0  # ties: several areas share a rank
    # Totals too large for the packed-integer sort use the argsort fallback.
    huge = frame(rows * 1e7 + rng.uniform(0, 1, rows.shape))
    pd.testing.assert_frame_equal(
        smaa(huge, weight_samples=W).acceptability, plain_loop_smaa(huge, weight_samples=W).acceptability
    )


@PROPS
@given(st.lists(st.sampled_from([0.0, 1.0, 2.5, 3.0, 7.25]), min_size=2, max_size=70))
def test_competition_ranks_match_scoring(values):
    totals = np.array(values) * 13.3
    expect = competition_rank(pd.Series(totals)).to_numpy(dtype=int)
    assert list(competition_ranks(totals)) == list(expect)
    assert list(competition_ranks(totals[None, :])[0]) == list(expect)


# --------------------------------------------------------------------------- stability: exact cross-checks


@PROPS
@given(
    st.integers(2, 5).flatmap(
        lambda m: st.integers(1, 3).flatmap(
            lambda k: st.tuples(
                st.lists(
                    st.lists(st.sampled_from([0, 10, 25, 40, 50, 75, 90, 100]), min_size=k, max_size=k),
                    min_size=m,
                    max_size=m,
                ),
                st.lists(st.integers(0, 4), min_size=k, max_size=k).filter(lambda w: sum(w) > 0),
            )
        )
    )
)
def test_stability_interval_equals_exact_enumeration(case):
    rows, w = case
    S = frame(rows)
    weights = dict(zip(S.columns, w, strict=True))
    table = stability_table(S, weights).set_index(["area_id", "criterion"])
    for a, aid in enumerate(S.index):
        for j, cid in enumerate(S.columns):
            lo, hi = table.loc[(aid, cid), ["lo", "hi"]]
            L, H = exact_component(rows, w, j, a)
            assert lo == pytest.approx(float(L), abs=1e-12)
            assert hi == pytest.approx(float(H), abs=1e-12)
            t0 = Fraction(w[j], sum(w))
            r0 = exact_rank(rows, w, j, a, t0)
            assert table.loc[(aid, cid), "rank"] == r0
            # Documented endpoint rule, checked from outside the algorithm: the rank changes just
            # beyond each inner endpoint, and an endpoint is excluded only when the rank differs there.
            eps = Fraction(1, 10**12)
            if H < 1:
                assert exact_rank(rows, w, j, a, H) != r0 or exact_rank(rows, w, j, a, H + eps) != r0
            if L > 0:
                assert exact_rank(rows, w, j, a, L) != r0 or exact_rank(rows, w, j, a, L - eps) != r0
            if L < H:
                assert exact_rank(rows, w, j, a, (L + H) / 2) == r0


@FEW
@given(
    st.integers(2, 7).flatmap(
        lambda m: st.integers(2, 4).flatmap(
            lambda k: st.tuples(
                st.lists(
                    st.lists(st.integers(0, 10_000).map(lambda v: v / 100), min_size=k, max_size=k),
                    min_size=m,
                    max_size=m,
                ),
                st.lists(st.integers(0, 10), min_size=k, max_size=k).filter(lambda w: sum(w) > 0),
            )
        )
    )
)
def test_stability_interval_against_fine_sweep(case):
    # Brute force in floats on a 0.001 grid. Scores have two decimals, so true differences
    # between totals are either 0 or far above 1e-9; ranks are recomputed from the sweep's
    # totals with the 1e-9 tolerance so float noise on exact ties cannot flip them.
    rows, w = case
    S = frame(rows)
    weights = dict(zip(S.columns, w, strict=True))
    table = stability_table(S, weights)
    for cid in S.columns:
        sweep = weight_sweep(S, weights, cid, steps=1001)  # step 0.001
        totals = sweep["total"].to_numpy().reshape(1001, len(S))
        t = sweep["weight_share"].to_numpy()[:: len(S)]
        for row in table[table["criterion"] == cid].itertuples():
            a = S.index.get_loc(row.area_id)
            ranks = 1 + (totals - totals[:, [a]] > 1e-9).sum(axis=1)
            inside = (t > row.lo + 1e-6) & (t < row.hi - 1e-6)
            assert (ranks[inside] == row.rank).all()
            # Just outside an inner endpoint (before any other breakpoint) the rank differs.
            for edge, step in ((row.hi, 1e-7), (row.lo, -1e-7)):
                if 1e-6 < edge < 1 - 1e-6 and not np.isclose(edge, row.current, atol=1e-12):
                    share = edge + step
                    wv = np.array(w, dtype=float) / sum(w)
                    j = list(S.columns).index(cid)
                    others = np.where(np.arange(len(w)) == j, 0.0, wv)
                    p = (
                        others / others.sum()
                        if others.sum() > 0
                        else np.where(np.arange(len(w)) == j, 0.0, 1 / (len(w) - 1))
                    )
                    tot = S.to_numpy() @ (share * np.eye(len(w))[j] + (1 - share) * p)
                    outside = 1 + int((tot - tot[a] > 1e-9).sum())
                    at_edge = S.to_numpy() @ (edge * np.eye(len(w))[j] + (1 - edge) * p)
                    edge_rank = 1 + int((at_edge - at_edge[a] > 1e-9).sum())
                    assert outside != row.rank or edge_rank != row.rank


# --------------------------------------------------------------------------- uncertain assessments

MODEL = parse_criteria(
    {
        "criteria": [
            {
                "id": "trust",
                "label": "Tillid",
                "default_weight": 1,
                "indicators": [
                    {"id": "t1", "direction": "benefit", "scale": {"min": 1, "max": 5}, "default_weight": 2},
                    {"id": "t2", "direction": "benefit", "scale": {"min": 0, "max": 2}, "default_weight": 1},
                ],
            },
            {
                "id": "need",
                "label": "Vurderet behov",
                "default_weight": 2,
                "indicators": [
                    {"id": "n1", "direction": "benefit", "scale": {"min": 1, "max": 5}, "default_weight": 1},
                    {"id": "n2", "direction": "cost", "scale": {"min": 0, "max": 100}, "default_weight": 1},
                ],
            },
            {
                "id": "size",
                "label": "Størrelse",
                "default_weight": 1,
                "indicators": [{"id": "s1", "direction": "cost", "scale": {"min": 10, "max": 60}, "default_weight": 1}],
            },
        ]
    }
)
RAW = pd.DataFrame(
    {
        "t1": [5, 3, 1, 2],
        "t2": [0, 2, np.nan, 1],
        "n1": [2, 4, 5, 1],
        "n2": [40, 20, 90, np.nan],
        "s1": [15, 30, 50, 20],
    },
    index=["a", "b", "c", "d"],
    dtype=float,
)


def test_perturbed_scores_match_scoring_per_sample():
    raw = perturb_matrix(RAW, MODEL, ["t1", "n1"], n_samples=50, seed=3)
    assert raw.shape == (50, 4, 5)
    shift = raw - RAW.to_numpy()[None]
    assert set(np.unique(shift[:, :, [0, 2]])) <= {-1.0, 0.0, 1.0}
    assert np.nanmax(np.abs(shift[:, :, [1, 3, 4]])) == 0.0
    assert (raw[:, :, 0] >= 1).all()
    assert (raw[:, :, 0] <= 5).all()
    assert np.isnan(raw[:, 2, 1]).all()
    assert np.isnan(raw[:, 3, 3]).all()
    subs = {"t1": 3, "n2": 0.5}
    batch = batch_criterion_scores(raw, MODEL, subs)
    for i in (0, 7, 49):
        ref, _ = criterion_scores(pd.DataFrame(raw[i], index=RAW.index, columns=RAW.columns), MODEL, subs)
        assert np.allclose(batch[i], ref.to_numpy(), equal_nan=True)
    # The same seed gives the same criterion scores through the convenience function.
    samples = perturbed_scores(RAW, MODEL, subs, ["t1", "n1"], n_samples=50, seed=3)
    assert np.allclose(samples, batch)
    # 'size' has no assessed indicator, so its scores never change.
    base, _ = criterion_scores(RAW, MODEL, subs)
    assert np.allclose(samples[:, :, 2], base["size"].to_numpy())
    cont = perturb_matrix(RAW, MODEL, ["n2"], n_samples=200, seed=1, margin=5)
    d = cont[:, :, 3] - RAW["n2"].to_numpy()
    assert np.nanmax(np.abs(d)) <= 5
    assert len(np.unique(d[~np.isnan(d)])) > 100


def test_lazy_score_samples_equal_the_whole_array_when_one_chunk_holds_them():
    ranked = RAW.loc[["a", "b", "c"]].fillna({"t2": 1})
    scores, _ = criterion_scores(ranked, MODEL)
    Z = perturbed_scores(ranked, MODEL, None, ["t1", "n1"], n_samples=400, seed=2, criteria=list(scores.columns))
    lazy = LazyScoreSamples(ranked, MODEL, None, ["t1", "n1"], 400, 2, criteria=list(scores.columns))
    pd.testing.assert_frame_equal(
        smaa(scores, score_samples=lazy, seed=5).acceptability, smaa(scores, score_samples=Z, seed=5).acceptability
    )
    with pytest.raises(ValueError, match="i rækkefølge"):
        lazy.chunk(0, 10)  # already drawn: a chunk is never drawn twice


def test_lazy_score_samples_bound_memory_and_match_their_chunks_joined(monkeypatch):
    """Many areas: chunk by chunk the peak memory is a chunk's, and the result is SMAA over the joined chunks."""
    import tracemalloc

    monkeypatch.setattr(robustness, "_CHUNK_CELLS", 1 << 17)  # 65 samples per chunk at 500 areas
    rng = np.random.default_rng(7)
    n_areas, n = 500, 4000
    raw = pd.DataFrame(
        {
            "t1": rng.integers(1, 6, n_areas),
            "t2": rng.integers(0, 3, n_areas),
            "n1": rng.integers(1, 6, n_areas),
            "n2": rng.uniform(0, 100, n_areas),
            "s1": rng.uniform(0, 60, n_areas),
        },
        index=[f"a{i}" for i in range(n_areas)],
        dtype=float,
    )
    scores, _ = criterion_scores(raw, MODEL)
    cols = list(scores.columns)
    tracemalloc.start()
    try:
        lazy = smaa(scores, score_samples=LazyScoreSamples(raw, MODEL, None, ["t1", "n1"], n, 3, criteria=cols), seed=5)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    whole = n * n_areas * len(MODEL.indicators) * 8  # the raw samples alone, drawn at once: 80 MB
    assert peak < whole / 5, (peak, whole)  # 13 MB measured (the rank counts are areas²)
    again = LazyScoreSamples(raw, MODEL, None, ["t1", "n1"], n, 3, criteria=cols)
    chunk = robustness._CHUNK_CELLS // robustness.LAZY_CHUNK_SHARE // n_areas
    joined = np.concatenate([again.chunk(s, min(s + chunk, n)) for s in range(0, n, chunk)])
    pd.testing.assert_frame_equal(lazy.acceptability, smaa(scores, score_samples=joined, seed=5).acceptability)
    assert lazy.n_samples == n


def test_smaa_with_score_samples():
    ranked = RAW.loc[["a", "b", "c"]].fillna({"t2": 1})
    scores, _ = criterion_scores(ranked, MODEL)
    Z = perturbed_scores(ranked, MODEL, None, ["t1", "n1"], n_samples=400, seed=2)
    res = smaa(scores, score_samples=Z, seed=5)
    assert res.n_samples == 400
    loop = plain_loop_smaa(scores, score_samples=Z, seed=5)
    pd.testing.assert_frame_equal(res.acceptability, loop.acceptability)
    # Unperturbed samples reduce to plain SMAA with the same weights.
    W = sample_weights(list(scores.columns), 400, seed=5)
    same = np.broadcast_to(scores.to_numpy(), (400, *scores.shape))
    pd.testing.assert_frame_equal(
        smaa(scores, score_samples=same, weight_samples=W).acceptability, smaa(scores, weight_samples=W).acceptability
    )
    with pytest.raises(ValueError, match="formen"):
        smaa(scores, score_samples=Z[:, :2])


# --------------------------------------------------------------------------- summaries


def test_summary_sentences():
    assert summary_sentence("Område X", 0.71, "Vurderet behov", 0.25, 0.60) == (
        "Område X er nr. 1 i 71 % af alle vægtninger og forbliver nr. 1, så længe 'Vurderet behov' vægtes "
        "mellem 25 % og 60 %."
    )
    assert summary_sentence("Område Y", 0.04, "Tillid", 0.1, 0.45, rank=3) == (
        "Område Y er nr. 3 og forbliver nr. 3, så længe 'Tillid' vægtes mellem 10 % og 45 %. "
        "Området er nr. 1 i 4 % af alle vægtninger."
    )
    assert summary_sentence("Z", 0.0, "Tillid", 0.0, 0.45, rank=2).endswith(
        "vægtes højst 45 %. Området bliver ikke nr. 1 i nogen af de afprøvede vægtninger."
    )
    assert summary_sentence("Z", 1.0, "Tillid", 0.0, 1.0) == (
        "Z er nr. 1 i 100 % af alle vægtninger og forbliver nr. 1 uanset hvordan 'Tillid' vægtes."
    )
    assert "mellem 33,3 % og 34,0 %" in summary_sentence("Z", 0.5, "T", 0.333, 0.34)


def test_hinge_and_describe_on_scored_model():
    ranked = RAW.loc[["a", "b", "c"]].fillna({"t2": 1})
    result = score_areas(ranked, MODEL, MODEL.default_weights)
    scores = result.criterion_scores
    table = stability_table(scores, result.weights)
    # The current ranks agree with the scoring table.
    ranks = dict(zip(result.table["area_id"], result.table["rank"], strict=True))
    for row in table.itertuples():
        assert row.rank == ranks[row.area_id]
        assert row.lo <= row.current <= row.hi
    top = result.table["area_id"].iloc[0]
    cid = hinge_criterion(table, top)
    rows = table[table["area_id"] == top].set_index("criterion")
    rel = (rows["hi"] - rows["lo"]) / rows["current"]
    assert rel[cid] == rel.min()
    res = smaa(scores, n_samples=2000)
    text = describe_area(
        scores, result.weights, top, "Alfa", {"trust": "Tillid", "need": "Vurderet behov", "size": "Størrelse"}, res
    )
    assert text.startswith("Alfa er nr. 1 i ")


def test_assessor_range_replaces_the_step_where_assessors_disagree():
    ranges = {("a", "t1"): (2.0, 5.0), ("b", "n1"): (4.0, 4.0), ("c", "n2"): (10.0, 30.0), ("zz", "t1"): (1.0, 2.0)}
    raw = perturb_matrix(RAW, MODEL, ["t1", "n1"], n_samples=2000, seed=4, ranges=ranges)
    a_t1 = raw[:, 0, 0]
    assert a_t1.min() >= 2.0
    assert a_t1.max() <= 5.0
    assert a_t1.min() < 2.2, "the whole assessor range is used"
    assert a_t1.max() > 4.8, "the whole assessor range is used"
    assert len(np.unique(a_t1)) > 1000, "drawn continuously, not by whole steps"
    # An equal range (assessors agree) and a range on an indicator that is not varied change nothing.
    assert set(np.unique(raw[:, 1, 2] - RAW.at["b", "n1"])) <= {-1.0, 0.0, 1.0}
    assert (raw[:, 2, 3] == RAW.at["c", "n2"]).all()
    # Every other value of a varied indicator keeps the ± one step rule.
    others = raw[:, 1:, 0] - RAW["t1"].to_numpy()[None, 1:]
    assert set(np.unique(others)) <= {-1.0, 0.0, 1.0}
    with pytest.raises(ValueError, match="spænd"):
        perturb_matrix(RAW, MODEL, ["t1"], n_samples=5, ranges={("a", "t1"): (4.0, 2.0)})


@FEW
@given(st.floats(1, 5), st.floats(1, 5), st.integers(0, 2**31 - 1))
def test_assessor_range_samples_stay_in_range_and_on_the_scale(a, b, seed):
    low, high = min(a, b), max(a, b)
    raw = perturb_matrix(RAW, MODEL, ["n1"], n_samples=200, seed=seed, ranges={("b", "n1"): (low, high)})
    cell = raw[:, 1, 2]
    if high > low:
        assert (cell >= low).all()
        assert (cell <= high).all()
    else:  # agreeing assessors: the usual ± one step, clipped to the scale
        assert set(np.unique(cell - RAW.at["b", "n1"])) <= {-1.0, 0.0, 1.0}
    assert (raw[:, :, 2] >= 1).all()
    assert (raw[:, :, 2] <= 5).all()
