"""Critical values: hand-solved cases, a brute-force cross-check on the bundled data, properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from selection.analysis.critical.priorities import priority_list
from selection.analysis.critical.values import EFFECTS, critical_values
from selection.analysis.robustness.sensitivity import tie_keys
from selection.data.criteria import parse_criteria
from selection.data.dataset import load_dataset
from selection.ranking.evaluate import evaluate
from selection.ranking.scoring import criterion_arrays, raw_array, score_areas

MODEL = parse_criteria(
    {
        "criteria": [
            {
                "id": "c1",
                "label": "K1",
                "default_weight": 1,
                "indicators": [
                    {
                        "id": "x",
                        "label": "X",
                        "unit": "point",
                        "direction": "benefit",
                        "scale": {"min": 1, "max": 5},
                        "default_weight": 1,
                    },
                    {
                        "id": "y",
                        "label": "Y",
                        "unit": "%",
                        "direction": "cost",
                        "scale": {"min": 0, "max": 100},
                        "default_weight": 1,
                    },
                ],
            },
        ]
    }
)


def frame(rows: dict[str, list[float]], cols=("x", "y")) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(cols), dtype=float)


def crit(matrix: pd.DataFrame, model=MODEL, weights=None, subs=None, top_n: int = 1) -> pd.DataFrame:
    result = score_areas(matrix, model, weights or model.default_weights, subs, {a: a.upper() for a in matrix.index})
    return critical_values(matrix, model, result, None, top_n).set_index(["area_id", "indicator_id"])


# --------------------------------------------------------------------------- brute force


def states(matrix: pd.DataFrame, model, weights, subs, top_n: int, area: str, ind: str, xs: np.ndarray):
    """(own rank, nr. 1 set, top-N set) of every grid value xs of one cell, by re-scoring."""
    raw = np.broadcast_to(raw_array(matrix, model), (len(xs), *matrix.shape)).copy()
    a = list(matrix.index).index(area)
    j = [i.id for i in model.indicators].index(ind)
    raw[:, a, j] = xs
    result = score_areas(matrix, model, weights, subs)
    active = np.array([result.weights[c] > 0 for c in model.criterion_ids])
    scores, _ = criterion_arrays(
        raw, model, result.sub_weights, required={c for c in model.criterion_ids if result.weights[c] > 0}
    )
    weights = np.array([result.weights[c] for c in model.criterion_ids])
    unranked = np.isnan(scores[:, :, active]).any(axis=2)
    totals = np.where(unranked, np.nan, np.nansum(scores[:, :, active] * weights[active], axis=2))
    keys = tie_keys(totals)
    higher = (keys[:, None, :] > keys[:, :, None]).sum(axis=2)
    rank = np.where(unranked, 0, 1 + higher)
    own = rank[:, a]
    first = np.where(unranked, False, rank == 1)
    top = np.where(unranked, False, rank <= top_n)
    return own, first, top


def current_state(result, matrix, top_n):
    ranks = result.table.set_index("area_id")["rank"].reindex(matrix.index)
    r = np.array([0 if pd.isna(v) else int(v) for v in ranks])
    return r, r == 1, (r >= 1) & (r <= top_n)


def brute_thresholds(matrix, model, weights, subs, top_n, area, ind_id, ref, steps=4001):
    """Nearest grid value above/below ``ref`` whose state differs from the current one, per effect."""
    ind = model.indicator(ind_id)
    xs = np.linspace(ind.scale_min, ind.scale_max, steps)
    if ind.whole:  # only the values the indicator can take: whole numbers, or 0/1 for yes/no
        xs = np.arange(ind.scale_min, ind.scale_max + 0.5)
    elif ind.computed == "sector_coverage" and model.sectors:  # whole sectors
        xs = np.linspace(ind.scale_min, ind.scale_max, len(model.sectors) + 1)
    result = score_areas(matrix, model, weights, subs)
    own, first, top = states(matrix, model, weights, subs, top_n, area, ind_id, xs)
    r0, f0, t0 = current_state(result, matrix, top_n)
    a = list(matrix.index).index(area)
    changed = {"rank": own != r0[a], "first": (first != f0).any(axis=1), "top": (top != t0).any(axis=1)}
    out = {}
    for eff, mask in changed.items():
        up = xs[(xs > ref) & mask] if not math.isnan(ref) else xs[mask]
        down = xs[(xs < ref) & mask] if not math.isnan(ref) else np.array([])
        out[f"{eff}_up"] = up.min() if len(up) else np.nan
        out[f"{eff}_down"] = down.max() if len(down) else np.nan
    return out, (xs[1] - xs[0])


def assert_matches_brute(matrix, model, weights, subs, top_n):
    result = score_areas(matrix, model, weights, subs)
    table = critical_values(matrix, model, result, None, top_n)
    checked = 0
    for row in table.itertuples(index=False):
        if row.slope == 0:
            continue
        ref = row.reference
        brute, step = brute_thresholds(matrix, model, weights, subs, top_n, row.area_id, row.indicator_id, ref)
        for eff in EFFECTS:
            for d in ("up", "down"):
                exact, found = getattr(row, f"{eff}_{d}"), brute[f"{eff}_{d}"]
                if row.enters and eff == "rank":
                    continue  # any value changes it: checked separately
                if math.isnan(exact):
                    assert math.isnan(found), (row.area_id, row.indicator_id, eff, d, found)
                else:
                    assert not math.isnan(found), (row.area_id, row.indicator_id, eff, d, exact)
                    assert abs(found - exact) <= step * 1.0001, (row.area_id, row.indicator_id, eff, d, exact, found)
                checked += 1
    return checked


# --------------------------------------------------------------------------- hand-solved cases


def test_two_areas_one_criterion_two_indicators():
    m = frame({"a": [5, 50], "b": [3, 25]})
    # totals: a = 100 * (1.0 + 0.5) / 2 = 75; b = 100 * (0.5 + 0.75) / 2 = 62.5
    c = crit(m)
    # A's x falls to where 100 * (n + 0.5) / 2 = 62.5 -> n = 0.75 -> x = 1 + 0.75 * 4 = 4. At the tie B
    # already shares nr. 1 (the set of nr. 1 changes at 4: closed), below it B is nr. 1 alone.
    assert c.at[("a", "x"), "first_down"] == pytest.approx(4.0)
    assert c.at[("a", "x"), "first_down_closed"]
    assert c.at[("a", "x"), "first_down_what"] == "B bliver nr. 1 i stedet for A"
    assert math.isnan(c.at[("a", "x"), "first_up"])
    # A's y (cost): total 62.5 at n_y = 0.25 -> y = 75 %; higher y is worse, so the change is upwards.
    assert c.at[("a", "y"), "first_up"] == pytest.approx(75.0)
    assert math.isnan(c.at[("a", "y"), "first_down"])
    # B's x: 100 * (n + 0.75) / 2 = 75 -> n = 0.75 -> x = 4; rising to a tie already shares nr. 1 (closed).
    assert c.at[("b", "x"), "first_up"] == pytest.approx(4.0)
    assert c.at[("b", "x"), "first_up_closed"]
    # B's y: n = 0.5 would be needed -> y = 50 %, but B would have to go *down* from 25 to... n_y up means y down.
    # 100 * (0.5 + n) / 2 = 75 -> n = 1.0 -> y = 0 (the end of the scale, closed: reachable).
    assert c.at[("b", "y"), "first_down"] == pytest.approx(0.0)
    # A's own rank is still 1 at the tie and becomes 2 just below it (open).
    assert c.at[("a", "x"), "rank_down"] == pytest.approx(4.0)
    assert not c.at[("a", "x"), "rank_down_closed"]
    assert c.at[("a", "x"), "rank_down_what"] == "A bliver nr. 2"


def test_no_change_possible_within_the_scale():
    m = frame({"a": [5, 0], "b": [1, 100]})  # a = 100, b = 0
    c = crit(m)
    # B cannot reach 100 with x alone: 100 * (n + 0) / 2 <= 50.
    assert math.isnan(c.at[("b", "x"), "first_up"])
    assert math.isnan(c.at[("b", "y"), "first_down"])
    # A can fall: x at n = 0 gives 50, still above 0 -> no change in x either.
    assert math.isnan(c.at[("a", "x"), "first_down"])


def test_three_areas_top_two_and_rank():
    model = parse_criteria(
        {
            "criteria": [
                {
                    "id": "c",
                    "label": "K",
                    "default_weight": 1,
                    "indicators": [
                        {
                            "id": "x",
                            "label": "X",
                            "direction": "benefit",
                            "scale": {"min": 0, "max": 10},
                            "default_weight": 1,
                        }
                    ],
                }
            ]
        }
    )
    m = frame({"a": [9], "b": [6], "c": [3]}, cols=("x",))
    c = crit(m, model, top_n=2)
    # c enters the top 2 at x = 6 (tie with b: both nr. 2, closed); beyond it b drops out.
    assert c.at[("c", "x"), "top_up"] == pytest.approx(6.0)
    assert c.at[("c", "x"), "top_up_closed"]
    assert c.at[("c", "x"), "top_up_what"] == "C kommer i top 2, og B ryger ud"
    assert c.at[("c", "x"), "rank_up"] == pytest.approx(6.0)
    assert c.at[("c", "x"), "rank_up_what"] == "C bliver nr. 2"
    assert c.at[("c", "x"), "first_up"] == pytest.approx(9.0)
    # At b = 3, C ties B and joins the top 2 (closed); below it B is out.
    assert c.at[("b", "x"), "top_down"] == pytest.approx(3.0)
    assert c.at[("b", "x"), "top_down_closed"]
    assert c.at[("b", "x"), "top_down_what"] == "B ryger ud af top 2, og C kommer ind"
    assert c.at[("b", "x"), "first_up"] == pytest.approx(9.0)
    assert c.at[("b", "x"), "rank_up_what"] == "B bliver nr. 1"
    # a leaves nr. 1 below 6; the top 2 changes only below 3.
    assert c.at[("a", "x"), "first_down"] == pytest.approx(6.0)
    assert c.at[("a", "x"), "top_down"] == pytest.approx(3.0)
    assert c.at[("a", "x"), "rank_down"] == pytest.approx(6.0)


def test_tie_changes_at_once():
    model = parse_criteria(
        {
            "criteria": [
                {
                    "id": "c",
                    "label": "K",
                    "default_weight": 1,
                    "indicators": [
                        {
                            "id": "x",
                            "label": "X",
                            "direction": "benefit",
                            "scale": {"min": 0, "max": 10},
                            "default_weight": 1,
                        }
                    ],
                }
            ]
        }
    )
    c = crit(frame({"a": [5], "b": [5]}, cols=("x",)), model)
    assert c.at[("a", "x"), "first_up"] == 5.0
    assert not c.at[("a", "x"), "first_up_closed"]
    assert c.at[("a", "x"), "first_up_what"] == "A bliver alene nr. 1"
    assert c.at[("a", "x"), "first_down"] == 5.0
    assert c.at[("a", "x"), "first_down_what"] == "B bliver alene nr. 1"
    assert c.at[("a", "x"), "rank_down"] == 5.0
    assert math.isnan(c.at[("a", "x"), "rank_up"])


def test_missing_value_uses_the_reweighting_rule():
    # a has no y: its criterion score is x alone (n = 0.5 -> 50). Setting y to v gives 100 * (0.5 + n_y) / 2,
    # the same as today at n_y = 0.5 -> y = 50 %. b: x = 2 (0.25), y = 0 (1.0) -> 62.5.
    m = frame({"a": [3, np.nan], "b": [2, 0]})
    c = crit(m)
    row = c.loc[("a", "y")]
    assert row["kind"] == "missing"
    assert row["reference"] == pytest.approx(50.0)
    # a = 50 < b = 62.5. With y set: 100 * (0.5 + n) / 2 >= 62.5 -> n >= 0.75 -> y <= 25 % (closed).
    assert row["first_down"] == pytest.approx(25.0)
    assert row["first_down_closed"]
    assert row["first_down_what"] == "A bliver nr. 1 i stedet for B"
    # The same by re-scoring: y = 25 ties, y = 24 wins, y = 26 does not.
    for y, first in ((24.0, {"a"}), (25.0, {"a", "b"}), (26.0, {"b"})):
        r = score_areas(frame({"a": [3, y], "b": [2, 0]}), MODEL, MODEL.default_weights)
        assert set(r.table.loc[r.table["rank"] == 1, "area_id"]) == first
    # a's x still moves the score alone (its only value): 100 * n >= 62.5 -> x >= 3.5.
    assert c.at[("a", "x"), "first_up"] == pytest.approx(3.5)


def test_unranked_area_enters_with_its_missing_value():
    model = parse_criteria(
        {
            "criteria": [
                {
                    "id": "p",
                    "label": "P",
                    "default_weight": 1,
                    "indicators": [
                        {
                            "id": "x",
                            "label": "X",
                            "direction": "benefit",
                            "scale": {"min": 0, "max": 10},
                            "default_weight": 1,
                        }
                    ],
                },
                {
                    "id": "q",
                    "label": "Q",
                    "default_weight": 1,
                    "indicators": [
                        {
                            "id": "z",
                            "label": "Z",
                            "direction": "benefit",
                            "scale": {"min": 0, "max": 10},
                            "default_weight": 1,
                        }
                    ],
                },
            ]
        }
    )
    m = frame({"a": [8, 8], "b": [6, 6], "u": [10, np.nan], "v": [np.nan, np.nan]}, cols=("x", "z"))
    c = crit(m, model, top_n=2)
    # u enters the ranking with any z; its total 50 + 5 z reaches b (60) at z = 2 and a (80) at z = 6.
    assert c.at[("u", "z"), "enters"]
    assert c.at[("u", "z"), "rank_up"] == 0.0
    assert c.at[("u", "z"), "top_up"] == pytest.approx(2.0)
    assert c.at[("u", "z"), "top_up_what"] == "U kommer i top 2, og B ryger ud"
    assert c.at[("u", "z"), "first_up"] == pytest.approx(6.0)
    # u's x cannot rank it; v lacks two criteria, so no single value can.
    assert math.isnan(c.at[("u", "x"), "first_up"])
    assert c.at[("u", "x"), "note"]
    assert all(math.isnan(c.at[("v", i), f"{e}_up"]) for i in ("x", "z") for e in EFFECTS)


def test_zero_weight_changes_nothing():
    c = crit(frame({"a": [5, 50], "b": [3, 25]}), subs={"y": 0})
    assert c.at[("a", "y"), "slope"] == 0
    assert c.at[("a", "y"), "note"]
    assert all(math.isnan(c.at[("a", "y"), f"{e}_{d}"]) for e in EFFECTS for d in ("up", "down"))


# --------------------------------------------------------------------------- brute force on the bundled data


@pytest.fixture(scope="module")
def bundled():
    ds = load_dataset()
    perf, _ = evaluate(ds)
    return ds, perf


@pytest.mark.parametrize(
    ("weights", "subs", "top_n"),
    [
        (None, None, 3),
        ({"trust": 1, "actors": 0, "need": 2}, {"need_outside_labour": 1}, 1),
        ({"trust": 2, "actors": 1, "need": 1}, {"trust_plans": 0}, 5),
    ],
)
def test_bundled_data_matches_brute_force(bundled, weights, subs, top_n):
    ds, perf = bundled
    checked = assert_matches_brute(perf.matrix, ds.model, weights or ds.model.default_weights, subs, top_n)
    assert checked > 100


def test_bundled_with_gaps_matches_brute_force(bundled):
    ds, perf = bundled
    _, result = evaluate(ds)
    first, fourth = result.table["area_id"].iloc[0], result.table["area_id"].iloc[3]
    m = perf.matrix.copy()
    m.loc[first, "need_assessed"] = np.nan  # a ranked area with a missing value
    m.loc[fourth, ["need_assessed", "need_documented"]] = np.nan  # unranked: no need data
    checked = assert_matches_brute(m, ds.model, ds.model.default_weights, {"need_outside_labour": 1}, 3)
    assert checked > 100


# --------------------------------------------------------------------------- properties

MODEL2 = parse_criteria(
    {
        "criteria": [
            {
                "id": "c1",
                "label": "K1",
                "default_weight": 1,
                "indicators": [
                    {
                        "id": "x",
                        "label": "X",
                        "direction": "benefit",
                        "scale": {"min": 1, "max": 5},
                        "default_weight": 1,
                    },
                    {
                        "id": "y",
                        "label": "Y",
                        "direction": "cost",
                        "scale": {"min": 0, "max": 100},
                        "default_weight": 1,
                    },
                ],
            },
            {
                "id": "c2",
                "label": "K2",
                "default_weight": 1,
                "indicators": [
                    {
                        "id": "z",
                        "label": "Z",
                        "direction": "benefit",
                        "scale": {"min": 0, "max": 2},
                        "default_weight": 1,
                    }
                ],
            },
        ]
    }
)


@st.composite
def problems(draw):
    n = draw(st.integers(2, 5))
    cells = {
        "x": st.sampled_from([1, 1.5, 2, 3, 3.5, 4, 5]),
        "y": st.sampled_from([0, 10, 25, 50, 75, 100]),
        "z": st.sampled_from([0, 0.5, 1, 2]),
    }
    rows = {f"a{i}": [draw(cells[c]) if draw(st.integers(0, 9)) else np.nan for c in ("x", "y", "z")] for i in range(n)}
    weights = {"c1": draw(st.sampled_from([0.2, 1, 2])), "c2": draw(st.sampled_from([0, 0.5, 1]))}
    subs = {"x": draw(st.sampled_from([0.5, 1, 3])), "y": draw(st.sampled_from([0, 1, 2])), "z": 1}
    return frame(rows, cols=("x", "y", "z")), weights, subs, draw(st.integers(1, n))


def state_at(matrix, weights, subs, top_n, area, ind, x):
    own, first, top = states(matrix, MODEL2, weights, subs, top_n, area, ind, np.array([x]))
    return {"rank": own[0], "first": tuple(first[0]), "top": tuple(top[0])}


@given(problems())
def test_just_beyond_the_critical_value_changes_just_before_does_not(problem):
    matrix, weights, subs, top_n = problem
    result = score_areas(matrix, MODEL2, weights, subs)
    table = critical_values(matrix, MODEL2, result, None, top_n)
    r0, f0, t0 = current_state(result, matrix, top_n)
    for row in table.itertuples(index=False):
        ind = MODEL2.indicator(row.indicator_id)
        eps = 1e-6 * (ind.scale_max - ind.scale_min)
        a = list(matrix.index).index(row.area_id)
        now = {"rank": r0[a], "first": tuple(f0), "top": tuple(t0)}
        for eff in EFFECTS:
            for d, sign in (("up", 1.0), ("down", -1.0)):
                x = getattr(row, f"{eff}_{d}")
                if math.isnan(x):
                    continue
                beyond = x + sign * eps
                if ind.scale_min <= beyond <= ind.scale_max:
                    after = state_at(matrix, weights, subs, top_n, row.area_id, row.indicator_id, beyond)
                    assert after[eff] != now[eff], (row.area_id, row.indicator_id, eff, d, x)
                if getattr(row, f"{eff}_{d}_closed"):
                    at = state_at(matrix, weights, subs, top_n, row.area_id, row.indicator_id, x)
                    assert at[eff] != now[eff], (row.area_id, row.indicator_id, eff, d, x, "closed")
                ref = row.reference
                before = x - sign * eps
                if not math.isnan(ref) and sign * (before - ref) > 0:
                    at = state_at(matrix, weights, subs, top_n, row.area_id, row.indicator_id, before)
                    assert at[eff] == now[eff], (row.area_id, row.indicator_id, eff, d, x, "before")


# --------------------------------------------------------------------------- plausible ranges


def test_assessor_spread_sets_the_plausible_range():
    m = frame({"a": [5, 50], "b": [3, 25]})
    result = score_areas(m, MODEL, MODEL.default_weights, None, {"a": "A", "b": "B"})
    prov = pd.DataFrame(
        {
            "area_id": ["a", "a", "b", "b"],
            "indicator_id": ["x", "y", "x", "y"],
            "kind": ["assessed", "sourced", "assessed", "sourced"],
            "n_assessors": [3, None, 1, None],
            "min": [4.5, None, 2.0, None],
            "max": [5.0, None, 5.0, None],
        }
    )
    table = critical_values(m, MODEL, result, prov, 1).set_index(["area_id", "indicator_id"])
    # a's spread 4.5–5 does not reach x = 4 (nr. 1 changes); b's single judgement (±1 step) reaches 4.
    assert (table.at[("a", "x"), "plausible_lo"], table.at[("a", "x"), "plausible_hi"]) == (4.5, 5.0)
    assert (table.at[("b", "x"), "plausible_lo"], table.at[("b", "x"), "plausible_hi"]) == (2.0, 4.0)
    plist = priority_list(table.reset_index(), MODEL, {"a": "A", "b": "B"}, 1)
    assert list(zip(plist["area_id"], plist["indicator_id"], strict=True)) == [("b", "x")]
    assert plist.iloc[0]["sentence"] == (
        "Hvis 'X' for B var mindst 4 point i stedet for 3 point, ville B blive nr. 1 i stedet for A."
    )
    # Without the spread columns an assessed value gets ± one scale step.
    bare = critical_values(m, MODEL, result, prov.drop(columns=["n_assessors", "min", "max"]), 1)
    assert bare.set_index(["area_id", "indicator_id"]).at[("a", "x"), "plausible_lo"] == 4.0


# --------------------------------------------------------------------------- combined change (linprog)


def illustrative(matrix: pd.DataFrame) -> pd.DataFrame:
    long = matrix.stack().rename("value").reset_index()
    long.columns = ["area_id", "indicator_id", "value"]
    return long.assign(kind="illustrative")


def apply_changes(matrix: pd.DataFrame, flip) -> pd.DataFrame:
    changed = matrix.copy()
    for rec in flip.changes.itertuples(index=False):
        changed.loc[rec.area_id, rec.indicator_id] = rec.new_value
    return changed


def test_combined_flip_hand_solved():
    from selection.analysis.critical.combined import combined_flip, combined_sentence

    m = frame({"a": [5, 50], "b": [3, 25]})  # a = 75, b = 62.5
    result = score_areas(m, MODEL, MODEL.default_weights, None, {"a": "A", "b": "B"})
    flip = combined_flip(m, MODEL, result, illustrative(m))
    # One step of x (12.5 points) is the cheapest way to close the 12.5-point gap; a step of y gives 5.
    assert flip.challenger == "b"
    assert flip.total_steps == pytest.approx(1.0, abs=1e-6)
    assert set(flip.changes["indicator_id"]) == {"x"}
    after = score_areas(apply_changes(m, flip), MODEL, MODEL.default_weights)
    assert list(after.table.loc[after.table["rank"] == 1, "area_id"]) == ["b"]
    assert combined_sentence(flip, MODEL, {"a": "A", "b": "B"}).endswith(
        "ville B blive nr. 1 i stedet for A (i alt 1 skalatrin)."
    )
    # Sourced values are fixed: nothing can move, so there is no combined change.
    assert combined_flip(m, MODEL, result, illustrative(m).assign(kind="sourced")) is None


@given(problems())
def test_combined_flip_flips_and_is_no_larger_than_one_value(problem):
    from selection.analysis.critical.combined import combined_flip

    matrix, weights, subs, top_n = problem
    full = matrix.fillna({"x": 3.0, "y": 50.0, "z": 1.0})  # the combined change leaves missing values out
    result = score_areas(full, MODEL2, weights, subs)
    prov = illustrative(full)
    flip = combined_flip(full, MODEL2, result, prov)
    table = critical_values(full, MODEL2, result, prov, top_n)
    winner = result.ranked["area_id"].iloc[0]
    runners_tied = int((result.ranked["rank"] == 2).sum()) > 1  # then no single change of nr. 1 leaves one winner
    single = [
        abs(r[f"first_{d}"] - r["reference"]) / r["step"]
        for r in table.to_dict("records")
        for d in ("up", "down")
        if not math.isnan(r[f"first_{d}"]) and not (runners_tied and r["area_id"] == winner)
    ]
    if flip is None:
        tied = len(result.ranked) > 1 and int(result.ranked["rank"].iloc[1]) == 1
        assert tied or len(result.ranked) < 2 or not single
        return
    after = score_areas(apply_changes(full, flip), MODEL2, weights, subs)
    assert list(after.table.loc[after.table["rank"] == 1, "area_id"]) == [flip.challenger]
    if single:
        assert flip.total_steps <= min(single) + 1e-4


def test_kind_text_and_rows_for_one_area(bundled):
    from selection.analysis.critical.wording import kind_text

    assert (
        kind_text("assessed", "assessed", {"n_assessors": 3, "plausible_lo": 3.0, "plausible_hi": 5.0})
        == "Lokal vurdering (3 vurderinger: 3–5)"
    )
    assert kind_text("assessed", "assessed", {"n_assessors": 1}) == "Lokal vurdering (én vurdering)"
    assert kind_text("assessed") == "Lokal vurdering"
    assert kind_text("computed", "illustrative") == "Beregnet (af illustrative aktører)"
    # The rows of one area are the same whether it is computed alone or with all areas.
    ds, perf = bundled
    _, result = evaluate(ds)
    full = critical_values(perf.matrix, ds.model, result, perf.provenance, 3)
    for aid in result.table["area_id"].iloc[[0, 3, -1]]:
        alone = critical_values(perf.matrix, ds.model, result, perf.provenance, 3, [aid])
        pd.testing.assert_frame_equal(alone, full[full["area_id"] == aid].reset_index(drop=True))


def test_out_of_reach_areas(bundled):
    from selection.analysis.critical.priorities import out_of_reach
    from selection.analysis.critical.wording import out_of_reach_sentence

    c = crit(frame({"a": [5, 0], "b": [4, 10], "c": [1, 100]}), top_n=2)
    # a = 100, b = 82.5, c = 0: c's own x or y alone gives it at most 50 < 82.5, so it cannot reach the top 2.
    table = c.reset_index().assign(
        plausible_lo=lambda d: d["indicator_id"].map({"x": 1.0, "y": 0.0}),
        plausible_hi=lambda d: d["indicator_id"].map({"x": 5.0, "y": 100.0}),
    )
    assert out_of_reach(table, 2) == ["c"]
    assert (
        out_of_reach_sentence(["C", "D"], 2)
        == "Ingen plausibel ændring af én af deres egne værdier flytter C eller D ind i top 2."
    )
    # On the bundled data, an area is out of reach exactly when none of its own rows is in the priority list
    # with a top-N change.
    ds, perf = bundled
    _, result = evaluate(ds)
    full = critical_values(perf.matrix, ds.model, result, perf.provenance, 3)
    plist = priority_list(full, ds.model, ds.areas["name"].to_dict(), 3)
    fixed = out_of_reach(full, 3)
    outside = [a for a, r in zip(result.table["area_id"], result.table["rank"], strict=True) if pd.isna(r) or r > 3]
    assert set(fixed) == set(outside) - set(plist["area_id"])
