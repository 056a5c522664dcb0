"""SMAA-2 (selection/analysis/robustness/smaa.py): weight sampling, acceptabilities, uncertain assessments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from selection.analysis.robustness import smaa as smaa_module
from selection.analysis.robustness.smaa import (
    LazyScoreSamples,
    SmaaResult,
    batch_criterion_scores,
    perturb_matrix,
    perturbed_scores,
    plain_loop_smaa,
    sample_weights,
    smaa,
)
from selection.ranking.scoring import criterion_scores
from tests.unit.analysis.robustness.cases import FEW, MODEL, PROPS, RAW, TWO, frame


def test_two_areas_first_in_half_of_all_weightings():
    res = smaa(TWO, n_samples=20_000, seed=3)
    assert isinstance(res, SmaaResult)
    for area in ("a", "b"):
        assert abs(res.first_rank[area] - 0.5) <= 4 * res.std_error.loc[area, 1]
    assert res.max_std_error == pytest.approx(np.sqrt(0.25 / 20_000), rel=1e-3)
    # Central weight of a: mean of w given w_x > 1/2 (uniform on [0, 1]) = (3/4, 1/4).
    assert res.central_weights.loc["a", "x"] == pytest.approx(0.75, abs=0.01)
    assert res.central_weights.loc["b", "y"] == pytest.approx(0.75, abs=0.01)


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


# --------------------------------------------------------------------------- uncertain assessments


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

    monkeypatch.setattr(smaa_module, "CHUNK_CELLS", 1 << 17)  # 65 samples per chunk at 500 areas
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
    chunk = smaa_module.CHUNK_CELLS // smaa_module.LAZY_CHUNK_SHARE // n_areas
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
