"""Properties of the weighted-sum scoring (selection/ranking/scoring.py), plus a pymcdm cross-check."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selection.data.criteria import parse_criteria
from selection.errors import WeightError
from selection.ranking.scoring import (
    STATUS_INCOMPLETE,
    STATUS_OK,
    STATUS_UNRANKED,
    competition_rank,
    criterion_scores,
    normalise_weights,
    normalised_matrix,
    score_areas,
)

# score_areas costs ~9 ms (pandas overhead), so examples are kept modest: tests that score
# twice per example run fewer examples than those that score once.
PROPS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PAIRS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# A fixed model: two benefit/cost mixed criteria plus a one-indicator criterion.
FIXED = parse_criteria(
    {
        "criteria": [
            {
                "id": "trust",
                "label": "Tillid",
                "default_weight": 1,
                "indicators": [
                    {"id": "t1", "direction": "benefit", "scale": {"min": 1, "max": 5}, "default_weight": 1}
                ],
            },
            {
                "id": "need",
                "label": "Behov",
                "default_weight": 1,
                "indicators": [
                    {"id": "n1", "direction": "benefit", "scale": {"min": 1, "max": 5}, "default_weight": 2},
                    {"id": "n2", "direction": "cost", "scale": {"min": 0, "max": 100}, "default_weight": 1},
                ],
            },
            {
                "id": "size",
                "label": "Størrelse",
                "default_weight": 1,
                "indicators": [
                    {"id": "s1", "direction": "cost", "scale": {"min": 10, "max": 60}, "default_weight": 1},
                    {"id": "s2", "direction": "benefit", "scale": {"min": -20, "max": 20}, "default_weight": 3},
                ],
            },
        ]
    }
)


# --------------------------------------------------------------------------- strategies


@st.composite
def models(draw):
    """A random valid criteria model: 1-3 criteria with 1-3 indicators each."""
    criteria = []
    k = 0
    for c in range(draw(st.integers(1, 3))):
        inds = []
        for _ in range(draw(st.integers(1, 3))):
            lo = draw(st.integers(-100, 100))
            width = draw(st.integers(1, 500))
            inds.append(
                {
                    "id": f"i{k}",
                    "label": f"I{k}",
                    "direction": draw(st.sampled_from(["benefit", "cost"])),
                    "scale": {"min": lo, "max": lo + width},
                    "default_weight": draw(st.integers(1, 5)),
                }
            )
            k += 1
        criteria.append(
            {"id": f"c{c}", "label": f"K{c}", "default_weight": draw(st.integers(1, 5)), "indicators": inds}
        )
    return parse_criteria({"criteria": criteria})


def values_for(ind):
    return st.floats(min_value=ind.scale_min, max_value=ind.scale_max, allow_nan=False, allow_infinity=False)


@st.composite
def matrices(draw, model, min_areas=2, max_areas=8):
    """A complete matrix (no missing values) inside every indicator's fixed scale."""
    n = draw(st.integers(min_areas, max_areas))
    ids = [f"area{j:02d}" for j in range(n)]
    data = {ind.id: [draw(values_for(ind)) for _ in ids] for ind in model.indicators}
    return pd.DataFrame(data, index=ids, dtype=float)


positive_weight = st.floats(min_value=0.01, max_value=100, allow_nan=False)


@st.composite
def weights_for(draw, model, allow_zero=True):
    w = {
        cid: draw(st.one_of(st.just(0.0), positive_weight) if allow_zero else positive_weight)
        for cid in model.criterion_ids
    }
    if sum(w.values()) == 0:  # at least one criterion must carry weight
        w[draw(st.sampled_from(model.criterion_ids))] = draw(positive_weight)
    return w


@st.composite
def sub_weights_for(draw, model):
    return {ind.id: draw(positive_weight) for ind in model.indicators}


@st.composite
def problems(draw, allow_zero=True):
    model = draw(st.one_of(st.just(FIXED), models()))
    return model, draw(matrices(model)), draw(weights_for(model, allow_zero)), draw(sub_weights_for(model))


def rank_of(result) -> dict[str, object]:
    return dict(zip(result.table["area_id"], result.table["rank"], strict=True))


def total_of(result) -> dict[str, float]:
    return dict(zip(result.table["area_id"], result.table["total"], strict=True))


def to_raw(ind, share: float) -> float:
    """Raw value whose normalised value is ``share`` (0 = worst, 1 = best)."""
    span = ind.scale_max - ind.scale_min
    return ind.scale_min + (share if ind.direction == "benefit" else 1.0 - share) * span


# --------------------------------------------------------------------------- weights


@PAIRS
@given(problems(), st.floats(min_value=1e-3, max_value=1e3))
def test_scaling_all_weights_keeps_ranks_and_totals(problem, factor):
    model, matrix, weights, subs = problem
    base = score_areas(matrix, model, weights, subs)
    scaled = score_areas(matrix, model, {k: v * factor for k, v in weights.items()}, subs)
    assert rank_of(base) == rank_of(scaled)
    # Weights are normalised to sum 1, in the given proportions.
    assert sum(base.weights.values()) == pytest.approx(1.0, abs=1e-12)
    total = sum(weights.values())
    for cid, w in weights.items():
        assert base.weights[cid] == pytest.approx(w / total, rel=1e-12, abs=1e-15)
        assert scaled.weights[cid] == pytest.approx(base.weights[cid], rel=1e-12, abs=1e-15)
    a, b = total_of(base), total_of(scaled)
    for aid in a:
        assert a[aid] == pytest.approx(b[aid], abs=1e-9)


def test_weights_not_summing_to_one_are_normalised():
    assert normalise_weights({"trust": 2, "need": 6, "size": 0}, FIXED.criterion_ids) == {
        "trust": 0.25,
        "need": 0.75,
        "size": 0.0,
    }
    # Same proportions, different sum: same ranking and totals.
    m = pd.DataFrame(
        {"t1": [5, 1], "n1": [1, 5], "n2": [0, 50], "s1": [10, 60], "s2": [0, 20]}, index=["x", "y"], dtype=float
    )
    r1 = score_areas(m, FIXED, {"trust": 2, "need": 6, "size": 0})
    r2 = score_areas(m, FIXED, {"trust": 0.25, "need": 0.75, "size": 0})
    assert list(r1.table["total"]) == pytest.approx(list(r2.table["total"]))
    # x: trust 100, need (2*0 + 1*100)/3 = 33.33 -> 0.25*100 + 0.75*33.33 = 50
    assert total_of(r1)["x"] == pytest.approx(50.0)


@pytest.mark.parametrize(
    ("weights", "fragment"),
    [
        ({"trust": -1, "need": 1, "size": 1}, "negativ"),
        ({"trust": float("nan"), "need": 1, "size": 1}, "endeligt tal"),
        ({"trust": float("inf"), "need": 1, "size": 1}, "endeligt tal"),
        ({"trust": "abc", "need": 1, "size": 1}, "skal være et tal"),
        ({"trust": 0, "need": 0, "size": 0}, "Alle vægte er 0"),
        ({}, "Alle vægte er 0"),
        ({"trust": 1, "bogus": 1}, "Ukendt kriterium"),
    ],
)
def test_bad_weights_raise_weight_error_in_danish(weights, fragment):
    m = pd.DataFrame({"t1": [5], "n1": [1], "n2": [0], "s1": [10], "s2": [0]}, index=["x"], dtype=float)
    with pytest.raises(WeightError, match=fragment):
        score_areas(m, FIXED, weights)
    with pytest.raises(WeightError, match=fragment):
        normalise_weights(weights, FIXED.criterion_ids)


def test_negative_sub_weight_and_all_zero_sub_weights_raise():
    m = pd.DataFrame({"t1": [5], "n1": [1], "n2": [0], "s1": [10], "s2": [0]}, index=["x"], dtype=float)
    with pytest.raises(WeightError, match="≥ 0"):
        score_areas(m, FIXED, FIXED.default_weights, {"n1": -1})
    with pytest.raises(WeightError, match="Alle delvægte"):
        score_areas(m, FIXED, FIXED.default_weights, {"n1": 0, "n2": 0})
    # ...but not when that criterion carries no main weight.
    result = score_areas(m, FIXED, {"trust": 1, "need": 0, "size": 1}, {"n1": 0, "n2": 0})
    assert result.table.loc[0, "status"] == STATUS_OK
    assert math.isnan(result.table.loc[0, "need_score"])


# --------------------------------------------------------------------------- monotonicity / dominance


@PAIRS
@given(problems(allow_zero=False), st.data())
def test_improving_a_value_never_lowers_rank_or_total(problem, data):
    model, matrix, weights, subs = problem
    area = data.draw(st.sampled_from(list(matrix.index)))
    ind = data.draw(st.sampled_from(model.indicators))
    old = matrix.at[area, ind.id]
    if ind.direction == "benefit":  # improving = raising
        new = data.draw(st.floats(min_value=old, max_value=ind.scale_max))
    else:  # improving a cost indicator = lowering it
        new = data.draw(st.floats(min_value=ind.scale_min, max_value=old))
    better = matrix.copy()
    better.at[area, ind.id] = new
    before = score_areas(matrix, model, weights, subs)
    after = score_areas(better, model, weights, subs)
    assert total_of(after)[area] >= total_of(before)[area]
    assert rank_of(after)[area] <= rank_of(before)[area]


@PAIRS
@given(problems(allow_zero=False), st.data())
def test_worsening_never_raises_rank_and_raising_a_cost_value_is_worsening(problem, data):
    model, matrix, weights, subs = problem
    area = data.draw(st.sampled_from(list(matrix.index)))
    ind = data.draw(st.sampled_from(model.indicators))
    old = matrix.at[area, ind.id]
    if ind.direction == "cost":  # worsening a cost indicator = raising it
        new = data.draw(st.floats(min_value=old, max_value=ind.scale_max))
    else:
        new = data.draw(st.floats(min_value=ind.scale_min, max_value=old))
    worse = matrix.copy()
    worse.at[area, ind.id] = new
    before = score_areas(matrix, model, weights, subs)
    after = score_areas(worse, model, weights, subs)
    assert total_of(after)[area] <= total_of(before)[area]
    assert rank_of(after)[area] >= rank_of(before)[area]


def test_raising_a_cost_value_strictly_lowers_total():
    m = pd.DataFrame(
        {"t1": [3, 3], "n1": [3, 3], "n2": [10, 80], "s1": [30, 30], "s2": [0, 0]}, index=["low", "high"], dtype=float
    )
    r = score_areas(m, FIXED, FIXED.default_weights)
    assert total_of(r)["low"] > total_of(r)["high"]
    assert rank_of(r) == {"low": 1, "high": 2}


@PROPS
@given(st.one_of(st.just(FIXED), models()), st.data())
def test_dominating_area_never_ranks_below_dominated(model, data):
    weights = data.draw(weights_for(model))
    subs = data.draw(sub_weights_for(model))
    matrix = data.draw(matrices(model))
    inds = model.indicators
    # Indicators that actually carry weight (criterion weight > 0, sub-weight > 0).
    weighted = [i for i in inds if weights[i.criterion_id] > 0]
    strict = data.draw(st.sampled_from(weighted))
    low = {i.id: data.draw(st.floats(0, 1)) for i in inds}
    high = {i.id: data.draw(st.floats(min_value=low[i.id], max_value=1)) for i in inds}
    low[strict.id] = data.draw(st.floats(0, 0.5))
    high[strict.id] = data.draw(st.floats(min_value=low[strict.id] + 0.25, max_value=1))
    matrix.loc["dominated"] = [to_raw(i, low[i.id]) for i in inds]
    matrix.loc["dominant"] = [to_raw(i, high[i.id]) for i in inds]
    norm = normalised_matrix(matrix, model)
    assert (norm.loc["dominant"] >= norm.loc["dominated"] - 1e-12).all()  # sanity of the construction
    r = score_areas(matrix, model, weights, subs)
    ranks = rank_of(r)
    assert ranks["dominant"] <= ranks["dominated"]
    assert total_of(r)["dominant"] > total_of(r)["dominated"]


# --------------------------------------------------------------------------- ties


@PROPS
@given(problems(), st.data())
def test_equal_rows_get_equal_rank(problem, data):
    model, matrix, weights, subs = problem
    src = data.draw(st.sampled_from(list(matrix.index)))
    matrix.loc["zz_copy"] = matrix.loc[src]
    r = score_areas(matrix, model, weights, subs)
    ranks = rank_of(r)
    assert ranks["zz_copy"] == ranks[src]
    assert total_of(r)["zz_copy"] == total_of(r)[src]


def test_competition_ranking_1_2_2_4():
    totals = pd.Series([90.0, 50.0, 50.0 + 1e-12, 10.0, float("nan")], index=list("abcde"))
    ranks = competition_rank(totals)
    assert list(ranks.iloc[:4]) == [1, 2, 2, 4]
    assert ranks.iloc[4] is pd.NA
    assert str(ranks.dtype) == "Int64"


def test_tie_order_is_by_name_then_area_id():
    one = {"t1": 3.0, "n1": 3.0, "n2": 50.0, "s1": 30.0, "s2": 0.0}
    best = {"t1": 5.0, "n1": 5.0, "n2": 0.0, "s1": 10.0, "s2": 20.0}
    worst = {"t1": 1.0, "n1": 1.0, "n2": 100.0, "s1": 60.0, "s2": -20.0}
    rows = {"k9": one, "k1": one, "k5": one, "a0": best, "z0": worst, "k3": one}
    m = pd.DataFrame.from_dict(rows, orient="index")
    names = {"k9": "Bøgen", "k1": "Ægget", "k5": "bøgen", "a0": "Zulu", "z0": "Alfa", "k3": "Ahorn"}
    r = score_areas(m, FIXED, FIXED.default_weights, names=names)
    t = r.table
    assert list(t["rank"]) == [1, 2, 2, 2, 2, 6]
    # Within the tie: by name (case-insensitive), then by area id ("Bøgen"/"bøgen" tie on name).
    assert list(t["area_id"]) == ["a0", "k3", "k5", "k9", "k1", "z0"]
    assert list(t["name"]) == ["Zulu", "Ahorn", "bøgen", "Bøgen", "Ægget", "Alfa"]


# --------------------------------------------------------------------------- normalisation


@PROPS
@given(problems(), st.data())
def test_constant_indicator_column_gives_no_nan(problem, data):
    model, matrix, weights, subs = problem
    ind = data.draw(st.sampled_from(model.indicators))
    matrix[ind.id] = data.draw(values_for(ind))
    r = score_areas(matrix, model, weights, subs)
    assert not normalised_matrix(matrix, model).isna().any().any()
    assert r.table["total"].notna().all()
    assert r.table["rank"].notna().all()
    active = [cid for cid, w in r.weights.items() if w > 0]
    assert not r.criterion_scores[active].isna().any().any()


def test_cost_indicator_is_inverted_against_fixed_scale():
    n2 = FIXED.indicator("n2")  # cost, 0..100
    s1 = FIXED.indicator("s1")  # cost, 10..60
    assert n2.normalise(0) == 1.0
    assert n2.normalise(100) == 0.0
    assert n2.normalise(25) == 0.75
    assert s1.normalise(10) == 1.0
    assert s1.normalise(60) == 0.0
    m = pd.DataFrame(
        {"t1": [1, 5], "n1": [1, 5], "n2": [0, 100], "s1": [10, 60], "s2": [-20, 20]}, index=["x", "y"], dtype=float
    )
    norm = normalised_matrix(m, FIXED)
    assert norm.loc["x", "n2"] == 1.0
    assert norm.loc["y", "n2"] == 0.0
    assert norm.loc["x", "s1"] == 1.0
    assert norm.loc["y", "s1"] == 0.0
    assert norm.loc["x", "t1"] == 0.0
    assert norm.loc["y", "t1"] == 1.0
    # Fixed scale, not min-max of the data: a single area still gets its scale position.
    single = normalised_matrix(m.loc[["x"]].assign(n2=25.0), FIXED)
    assert single.loc["x", "n2"] == 0.75


@PROPS
@given(problems())
def test_totals_in_range_and_contributions_add_up(problem):
    model, matrix, weights, subs = problem
    r = score_areas(matrix, model, weights, subs)
    t = r.table
    assert ((t["total"] >= 0) & (t["total"] <= 100 + 1e-9)).all()
    contrib = t[[f"{cid}_contribution" for cid in model.criterion_ids]].fillna(0.0).sum(axis=1)
    assert np.allclose(contrib.to_numpy(), t["total"].to_numpy(), atol=1e-9)
    for cid in model.criterion_ids:
        scores = t[f"{cid}_score"].dropna()
        assert ((scores >= 0) & (scores <= 100 + 1e-9)).all()
        expected = t[f"{cid}_score"] * r.weights[cid]
        got = t[f"{cid}_contribution"]
        assert np.allclose(got.fillna(-1).to_numpy(), expected.fillna(-1).to_numpy(), atol=1e-12)


@PAIRS
@given(problems(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(problem, rnd):
    model, matrix, weights, subs = problem
    ids = list(matrix.index)
    rnd.shuffle(ids)
    a = score_areas(matrix, model, weights, subs)
    b = score_areas(matrix.loc[ids], model, weights, subs)
    assert rank_of(a) == rank_of(b)
    assert list(a.table["area_id"]) == list(b.table["area_id"])  # display order is deterministic too
    for aid, total in total_of(a).items():
        assert total_of(b)[aid] == total


# --------------------------------------------------------------------------- missing values


def _matrix(**overrides) -> pd.DataFrame:
    base = {
        "x": {"t1": 5.0, "n1": 5.0, "n2": 0.0, "s1": 10.0, "s2": 20.0},
        "y": {"t1": 3.0, "n1": 3.0, "n2": 50.0, "s1": 35.0, "s2": 0.0},
        "z": {"t1": 1.0, "n1": 1.0, "n2": 100.0, "s1": 60.0, "s2": -20.0},
    }
    for key, value in overrides.items():
        aid, iid = key.split("__")
        base[aid][iid] = value
    return pd.DataFrame.from_dict(base, orient="index")


def _row(result, aid):
    t = result.table
    return t[t["area_id"] == aid].iloc[0]


def test_missing_indicator_redistributes_sub_weight_within_criterion():
    # y: n1 = 3 -> 0.5, n2 missing -> need score = 50 (n2's weight goes to n1).
    r = score_areas(_matrix(y__n2=np.nan), FIXED, FIXED.default_weights)
    y = _row(r, "y")
    assert y["need_score"] == pytest.approx(50.0)
    assert y["status"] == STATUS_INCOMPLETE
    assert list(y["missing"]) == ["n2"]
    assert not pd.isna(y["rank"])
    # Other criteria untouched; the complete areas are "ok".
    assert y["trust_score"] == pytest.approx(50.0)
    assert _row(r, "x")["status"] == STATUS_OK
    assert list(_row(r, "x")["missing"]) == []
    # With n2 present (50 -> 0.5) the need score would be the same 50, but the flag differs.
    full = score_areas(_matrix(), FIXED, FIXED.default_weights)
    assert _row(full, "y")["status"] == STATUS_OK


def test_missing_indicator_is_not_counted_as_zero():
    # x has n1 = 5 (best); with n2 missing the need score must be 100, not (2*100 + 1*0)/3.
    r = score_areas(_matrix(x__n2=np.nan), FIXED, FIXED.default_weights)
    assert _row(r, "x")["need_score"] == pytest.approx(100.0)


def test_criterion_without_data_makes_area_unranked_and_last():
    m = _matrix(x__t1=np.nan)  # x is otherwise the best area
    names = {"x": "Aaa", "y": "Bbb", "z": "Ccc"}
    r = score_areas(m, FIXED, FIXED.default_weights, names=names)
    x = _row(r, "x")
    assert x["status"] == STATUS_UNRANKED
    assert x["rank"] is pd.NA
    assert math.isnan(x["total"])
    assert list(x["missing"]) == ["t1"]
    assert list(r.table["area_id"]) == ["y", "z", "x"]
    assert list(r.table["rank"].iloc[:2]) == [1, 2]
    assert list(r.ranked["area_id"]) == ["y", "z"]
    assert list(r.top(5)["area_id"]) == ["y", "z"]


def test_unweighted_criterion_without_data_does_not_unrank():
    m = _matrix(x__t1=np.nan)
    r = score_areas(m, FIXED, {"trust": 0, "need": 1, "size": 1})
    x = _row(r, "x")
    assert x["status"] == STATUS_OK
    assert list(x["missing"]) == []
    assert x["rank"] == 1
    assert not math.isnan(x["total"])


def test_zero_sub_weight_indicator_is_ignored_even_if_missing():
    m = _matrix(y__n2=np.nan)
    r = score_areas(m, FIXED, FIXED.default_weights, {"n2": 0})
    y = _row(r, "y")
    assert y["status"] == STATUS_OK
    assert list(y["missing"]) == []
    assert y["need_score"] == pytest.approx(50.0)  # n1 only
    # And for a complete area, a 0 sub-weight really removes the indicator's influence.
    x = _row(r, "x")
    assert x["need_score"] == pytest.approx(100.0)
    r2 = score_areas(_matrix(x__n2=100.0), FIXED, FIXED.default_weights, {"n2": 0})
    assert _row(r2, "x")["need_score"] == pytest.approx(100.0)


@PROPS
@given(problems(allow_zero=False), st.data())
def test_missing_values_property(problem, data):
    """Knocking out one indicator value: incomplete (criterion still has data) or unranked."""
    model, matrix, weights, subs = problem
    area = data.draw(st.sampled_from(list(matrix.index)))
    ind = data.draw(st.sampled_from(model.indicators))
    matrix.at[area, ind.id] = np.nan
    r = score_areas(matrix, model, weights, subs)
    row = _row(r, area)
    others = [i for i in model.criterion(ind.criterion_id).indicators if i.id != ind.id]
    assert list(row["missing"]) == [ind.id]
    if others:
        assert row["status"] == STATUS_INCOMPLETE
        # Criterion score equals the weighted mean of the remaining indicators.
        norm = normalised_matrix(matrix, model)
        w = np.array([subs[i.id] for i in others])
        v = np.array([norm.at[area, i.id] for i in others])
        assert row[f"{ind.criterion_id}_score"] == pytest.approx(100 * (w * v).sum() / w.sum(), abs=1e-9)
    else:
        assert row["status"] == STATUS_UNRANKED
        assert row["rank"] is pd.NA
        assert r.table["area_id"].iloc[-1] == area


def test_criterion_scores_missing_frame():
    scores, missing = criterion_scores(_matrix(z__s1=np.nan), FIXED)
    assert bool(missing.at["z", "s1"])
    assert int(missing.values.sum()) == 1
    assert scores.at["z", "size"] == pytest.approx(0.0)  # s2 = -20 -> 0


# --------------------------------------------------------------------------- pymcdm cross-check


def _pymcdm_preferences(matrix: pd.DataFrame, model, weights, subs) -> np.ndarray:
    """Independent WSM: pymcdm min-max normalisation against the fixed scales.

    Two virtual rows at each indicator's scale min and max pin pymcdm's min-max
    normalisation to the fixed reference scale; they are dropped afterwards. The
    flattened indicators get effective weights main_share x sub_share.
    """
    from pymcdm.methods import WSM
    from pymcdm.normalizations import minmax_normalization

    inds = model.indicators
    total_w = sum(weights.values())
    eff = []
    for ind in inds:
        crit = model.criterion(ind.criterion_id)
        sub_total = sum(subs[i.id] for i in crit.indicators)
        eff.append(weights[crit.id] / total_w * subs[ind.id] / sub_total)
    lo = [ind.scale_min for ind in inds]
    hi = [ind.scale_max for ind in inds]
    body = np.vstack([matrix[[i.id for i in inds]].to_numpy(dtype=float), lo, hi])
    types = np.array([1 if i.direction == "benefit" else -1 for i in inds])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prefs = WSM(normalization_function=minmax_normalization)(body, np.array(eff), types)
    return prefs[:-2]


def test_pymcdm_oracle_on_a_hand_checked_case():
    m = _matrix()
    prefs = _pymcdm_preferences(m, FIXED, FIXED.default_weights, FIXED.default_sub_weights)
    # x is best everywhere (1.0), z worst everywhere (0.0), y in the middle (0.5 each).
    assert prefs == pytest.approx([1.0, 0.5, 0.0])


@PROPS
@given(problems())
def test_totals_agree_with_pymcdm_wsm(problem):
    from pymcdm.helpers import rrankdata

    model, matrix, weights, subs = problem
    r = score_areas(matrix, model, weights, subs)
    prefs = _pymcdm_preferences(matrix, model, weights, subs)
    ours = np.array([total_of(r)[aid] for aid in matrix.index]) / 100.0
    assert np.allclose(ours, prefs, atol=1e-9, rtol=0)
    ranks = np.array([rank_of(r)[aid] for aid in matrix.index], dtype=float)
    # Every clear preference of pymcdm is reflected in our ranks ...
    for i in range(len(prefs)):
        for j in range(len(prefs)):
            if prefs[i] > prefs[j] + 1e-8:
                assert ranks[i] < ranks[j]
    # ... and without near-ties the rankings are identical.
    gaps = np.abs(np.subtract.outer(prefs, prefs))[~np.eye(len(prefs), dtype=bool)]
    if (gaps > 1e-8).all():
        assert list(rrankdata(prefs)) == list(ranks)


def test_unknown_sub_weight_is_refused():
    import pandas as pd

    from selection.data.criteria import parse_criteria
    from selection.errors import WeightError
    from selection.ranking.scoring import score_areas
    from tests.support.factory import CRITERIA

    model = parse_criteria(CRITERIA)
    matrix = pd.DataFrame({"t1": [3.0], "cov": [50.0], "n1": [2.0], "n2": [10.0]}, index=["a"])
    with pytest.raises(WeightError, match="Ukendt indikator"):
        score_areas(matrix, model, model.default_weights, {"nope": 1})
