"""A participant's answer as normalised weights, and the group's weights (selection/rounds/weights.py)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from selection.rounds.model import MEAN, MEDIAN, RoundError
from selection.rounds.weights import from_percent, from_swing, group_weights, normalise, swing_order

PROPS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
IDS = ["trust", "actors", "need", "place"]
LABELS = {"trust": "Tillid", "actors": "Aktører", "need": "Behov", "place": "Sted"}

finite = st.floats(min_value=0, max_value=1_000_000, allow_nan=False, allow_infinity=False)
positive_rows = st.lists(finite, min_size=len(IDS), max_size=len(IDS)).filter(lambda r: sum(r) > 0)


def danish(message: str) -> None:
    """A message a Danish reader understands: no Python repr of an exception, at least one Danish word."""
    assert "Traceback" not in message
    assert "Error" not in message
    words = ("skal", "må", "ikke", "Ukendt", "Alle", "Vægten", "Rækkefølgen", "point", "sving", "tal")
    assert any(w in message for w in words), message


def assert_sums_to_one(weights: dict[str, float], ids=IDS) -> None:
    assert list(weights) == list(ids)
    assert all(v >= 0 and math.isfinite(v) for v in weights.values())
    assert math.isclose(sum(weights.values()), 1.0, rel_tol=0, abs_tol=1e-12)


# ---------------------------------------------------------------- one participant


@PROPS
@given(positive_rows)
def test_any_non_negative_numbers_from_a_file_normalise_to_one(row):
    raw = dict(zip(IDS, row, strict=True))
    weights = normalise(raw, IDS, LABELS)
    assert_sums_to_one(weights)
    total = sum(row)
    for cid, value in raw.items():
        assert math.isclose(weights[cid], value / total, rel_tol=1e-12, abs_tol=1e-300)


@PROPS
@given(positive_rows, st.sampled_from([str, lambda v: f"{v:.6f}".replace(".", ",")]))
def test_numbers_written_as_text_normalise_like_numbers(row, write):
    raw = {cid: write(round(v, 6)) for cid, v in zip(IDS, row, strict=True)}
    assume(sum(round(v, 6) for v in row) > 0)
    assert_sums_to_one(normalise(raw, IDS))


def test_a_missing_criterion_counts_zero():
    assert normalise({"need": 3}, IDS) == {"trust": 0.0, "actors": 0.0, "need": 1.0, "place": 0.0}


@PROPS
@given(st.lists(st.integers(min_value=0, max_value=100), min_size=len(IDS) - 1, max_size=len(IDS) - 1))
def test_shares_in_per_cent_that_add_up_to_100_normalise_to_exactly_one(head):
    assume(sum(head) <= 100)
    row = [*head, 100 - sum(head)]
    assume(sum(row) > 0)
    weights = from_percent(dict(zip(IDS, row, strict=True)), IDS, LABELS)
    assert_sums_to_one(weights)
    for cid, value in zip(IDS, row, strict=True):
        assert math.isclose(weights[cid], value / 100, abs_tol=1e-12)


@PROPS
@given(st.lists(finite, min_size=len(IDS), max_size=len(IDS)))
def test_shares_that_do_not_add_up_to_100_are_refused_in_danish(row):
    total = sum(row)
    assume(total > 0 and abs(total - 100) > 0.5 + 1e-9)
    with pytest.raises(RoundError, match=r"Andelene skal give 100 % tilsammen; de giver .* %") as err:
        from_percent(dict(zip(IDS, row, strict=True)), IDS, LABELS)
    shown = err.value.args[0].split("giver ")[1]
    assert shown.endswith(" %.")  # a full stop
    assert "." not in shown[:-1]  # a Danish decimal comma


def test_shares_within_half_a_point_of_100_are_accepted_and_rescaled():
    weights = from_percent({"trust": "33,5", "actors": "33,3", "need": "33,3"}, IDS)  # 100.1 %
    assert_sums_to_one(weights)
    assert math.isclose(weights["trust"], 33.5 / 100.1)
    assert weights["place"] == 0.0


def test_danish_decimal_comma_is_read():
    assert normalise({"trust": "33,5", "need": "66,5"}, IDS)["trust"] == pytest.approx(0.335)
    assert from_percent({"trust": " 33,5 ", "need": "66,5"}, IDS)["need"] == pytest.approx(0.665)
    assert from_swing(IDS, {"trust": "100", "actors": "33,5", "need": "0,5", "place": ""}, IDS)["actors"] == (
        pytest.approx(33.5 / 134)
    )


@st.composite
def swing_answers(draw):
    order = draw(st.permutations(IDS))
    ratings = {order[0]: 100.0}
    before = 100.0
    for cid in order[1:]:
        before = draw(st.floats(min_value=0, max_value=before, allow_nan=False))
        ratings[cid] = before
    return order, ratings


@PROPS
@given(swing_answers())
def test_swing_ratings_in_order_normalise_to_one_in_proportion_to_the_points(answer):
    order, ratings = answer
    weights = from_swing(order, ratings, IDS, LABELS)
    assert_sums_to_one(weights)
    total = sum(ratings.values())
    for cid in IDS:
        assert math.isclose(weights[cid], ratings[cid] / total, rel_tol=1e-12, abs_tol=1e-300)
    assert weights[order[0]] == max(weights.values())
    implied = swing_order(ratings, IDS)
    assert [ratings[c] for c in implied] == sorted(ratings.values(), reverse=True)


@PROPS
@given(swing_answers(), st.data())
def test_swing_ratings_that_break_the_order_are_refused_in_danish(answer, data):
    order, ratings = answer
    k = data.draw(st.integers(min_value=1, max_value=len(order) - 1))
    before, after = order[k - 1], order[k]
    assume(ratings[before] < 100)
    broken = dict(
        ratings,
        **{after: data.draw(st.floats(min_value=ratings[before], max_value=100).filter(lambda v: v > ratings[before]))},
    )
    with pytest.raises(RoundError) as err:
        from_swing(order, broken, IDS, LABELS)
    message = err.value.args[0]
    danish(message)
    assert "flere point" in message
    assert "Ret rækkefølgen eller pointene" in message


def test_the_first_swing_must_have_100_points_and_the_others_at_most_100():
    with pytest.raises(RoundError, match=r"Det vigtigste sving \('Tillid'\) har 100 point"):
        from_swing(IDS, {"trust": 90, "actors": 50}, IDS, LABELS)
    with pytest.raises(RoundError, match=r"Point for 'Aktører' skal være mellem 0 og 100"):
        from_swing(IDS, {"trust": 100, "actors": 100.5}, IDS, LABELS)
    with pytest.raises(RoundError, match="må ikke være negativ"):
        from_swing(IDS, {"trust": 100, "actors": -1}, IDS, LABELS)


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (["trust", "actors", "need"], "mangler 'Sted'"),
        (["trust", "actors", "need", "place", "need"], "står flere gange: 'Behov'"),
        (["trust", "actors", "need", "plac"], "ukendt: plac"),
        ([], "mangler"),
    ],
)
def test_a_swing_order_must_name_every_criterion_once(order, expected):
    with pytest.raises(RoundError, match="Rækkefølgen skal nævne hvert kriterium én gang") as err:
        from_swing(order, {"trust": 100}, IDS, LABELS)
    assert expected in err.value.args[0]


def test_swing_ratings_for_an_unknown_criterion_are_refused():
    with pytest.raises(RoundError, match="Ukendt kriterium: plac"):
        from_swing(IDS, {"trust": 100, "plac": 5}, IDS, LABELS)


BAD_VALUES = [
    (-1, "må ikke være negativ"),
    (-0.0001, "må ikke være negativ"),
    ("-3", "må ikke være negativ"),
    (float("nan"), "endeligt tal"),
    (float("inf"), "endeligt tal"),
    (float("-inf"), "endeligt tal"),
    (np.float64("nan"), "endeligt tal"),
    ("nan", "endeligt tal"),
    ("inf", "endeligt tal"),
    ("Infinity", "endeligt tal"),
    ("1e400", "endeligt tal"),
    ("abc", "ikke et tal"),
    ("12 %", "ikke et tal"),
    ("0x10", "ikke et tal"),
    ("1" * 400, "for mange tegn"),
    ("1" * 31, "cifre"),
    (10**400, "urimeligt stor; højst 1.000.000."),
    ([1], "tal"),
    ({"a": 1}, "tal"),
    (object(), "tal"),
    (True, "tal"),
    (2_000_000, "urimeligt stor (2e+06); højst 1.000.000."),
]


@pytest.mark.parametrize(("value", "expected"), BAD_VALUES, ids=[repr(v)[:20] for v, _ in BAD_VALUES])
@pytest.mark.parametrize("how", ["file", "shares", "swing"])
def test_a_weight_that_is_not_a_usable_number_is_refused_in_danish(value, expected, how):
    calls = {
        "file": lambda: normalise({"trust": 1, "need": value}, IDS, LABELS),
        "shares": lambda: from_percent({"trust": 50, "need": value}, IDS, LABELS),
        "swing": lambda: from_swing(["trust", "need", "actors", "place"], {"trust": 100, "need": value}, IDS, LABELS),
    }
    with pytest.raises(RoundError) as err:
        calls[how]()
    message = err.value.args[0]
    danish(message)
    assert expected in message
    assert "'Behov'" in message  # names the criterion by its label
    assert len(message) < 400


@pytest.mark.parametrize("function", [normalise, from_percent])
@pytest.mark.parametrize("raw", [{}, {"trust": 0}, dict.fromkeys(IDS, 0), dict.fromkeys(IDS, "0,0"), {"need": ""}])
def test_all_weights_zero_is_refused_in_danish(function, raw):
    with pytest.raises(RoundError, match=r"Alle vægte er 0\. Giv mindst ét kriterium en vægt over 0\."):
        function(raw, IDS, LABELS)


@pytest.mark.parametrize("function", [normalise, from_percent])
@pytest.mark.parametrize("key", ["plac", "TRUST", "", 3, None, "x" * 1000])
def test_an_unknown_criterion_is_refused_in_danish(function, key):
    with pytest.raises(RoundError, match="Ukendt kriterium") as err:
        function({"trust": 100, key: 1}, IDS, LABELS)
    assert "Kendte kriterier: trust, actors, need, place" in err.value.args[0]
    assert len(err.value.args[0]) < 400


# ---------------------------------------------------------------- the group


def weight_rows(n_min=1, n_max=12):
    return st.lists(positive_rows, min_size=n_min, max_size=n_max).map(
        lambda rows: np.array([[v / sum(r) for v in r] for r in rows], dtype=float)
    )


@PROPS
@given(weight_rows())
def test_the_group_mean_sums_to_one_and_is_the_mean(rows):
    weights, used = group_weights(rows, IDS, MEAN)
    assert used == MEAN
    assert_sums_to_one(weights)
    for k, cid in enumerate(IDS):
        assert weights[cid] == pytest.approx(rows[:, k].mean(), abs=1e-12)


@PROPS
@given(weight_rows())
def test_the_group_median_is_renormalised_to_sum_to_one(rows):
    weights, used = group_weights(rows, IDS, MEDIAN)
    medians = np.median(rows, axis=0)
    if medians.sum() > 0:
        assert used == MEDIAN
        for k, cid in enumerate(IDS):
            assert weights[cid] == pytest.approx(medians[k] / medians.sum(), abs=1e-12)
    else:
        assert used == MEAN
        assert weights == pytest.approx(group_weights(rows, IDS, MEAN)[0], abs=1e-15)
    assert_sums_to_one(weights)


def test_the_median_falls_back_to_the_mean_when_every_median_is_zero():
    # each of four participants puts everything on a different criterion: every criterion's median is 0
    rows = np.eye(4)
    weights, used = group_weights(rows, IDS, MEDIAN)
    assert used == MEAN
    assert weights == pytest.approx(dict.fromkeys(IDS, 0.25))
    # three of them: the median of (1, 0, 0) is 0 for each, and the fourth criterion has no weight at all
    weights, used = group_weights(np.eye(4)[:3], IDS, MEDIAN)
    assert used == MEAN
    assert weights == pytest.approx({"trust": 1 / 3, "actors": 1 / 3, "need": 1 / 3, "place": 0.0})


def test_the_median_of_two_participants_is_their_mean_per_criterion_renormalised():
    rows = np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]])
    weights, used = group_weights(rows, IDS, MEDIAN)
    assert used == MEDIAN
    assert weights == pytest.approx({"trust": 0.5, "actors": 0.5, "need": 0.0, "place": 0.0})


@PROPS
@given(weight_rows(n_min=2), st.sampled_from([MEAN, MEDIAN]), st.randoms(use_true_random=False))
def test_the_group_weights_do_not_depend_on_the_order_of_the_participants(rows, method, rnd):
    order = list(range(len(rows)))
    rnd.shuffle(order)
    first, used_first = group_weights(rows, IDS, method)
    second, used_second = group_weights(rows[order], IDS, method)
    assert used_first == used_second
    assert first == second  # exactly: the group's ranking must not change with the order answers arrived in


def test_no_answers_and_an_unknown_method_are_refused_in_danish():
    with pytest.raises(RoundError, match="Ingen deltagere har svaret endnu"):
        group_weights(np.zeros((0, len(IDS))), IDS, MEAN)
    with pytest.raises(RoundError, match="Ukendt måde at samle vægtene på: 'mode'; brug 'mean' eller 'median'"):
        group_weights(np.eye(4), IDS, "mode")


def test_one_participant_is_the_group():
    rows = np.array([[0.1, 0.2, 0.3, 0.4]])
    for method in (MEAN, MEDIAN):
        weights, used = group_weights(rows, IDS, method)
        assert used == method
        assert weights == pytest.approx(dict(zip(IDS, rows[0], strict=True)), abs=1e-15)


def test_random_shuffles_of_many_participants_give_the_same_mean_to_the_last_bit():
    rnd = random.Random(27)
    rows = np.array([[rnd.random() for _ in IDS] for _ in range(31)])
    rows = rows / rows.sum(axis=1, keepdims=True)
    first, _ = group_weights(rows, IDS, MEAN)
    for _ in range(50):
        order = list(range(len(rows)))
        rnd.shuffle(order)
        assert group_weights(rows[order], IDS, MEAN)[0] == first
