"""One-way sensitivity (selection/analysis/robustness/sensitivity.py): ranks, sweeps, stability intervals."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from selection.analysis.robustness.sensitivity import (
    competition_ranks,
    current_share,
    stability_interval,
    stability_table,
    weight_sweep,
)
from selection.analysis.robustness.smaa import sample_weights, smaa
from selection.errors import WeightError
from selection.ranking.scoring import competition_rank
from tests.unit.analysis.robustness.cases import FEW, PROPS, TWO, frame

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
