"""Main weight sliders as whole-percent shares that always add up to 100 (ui/sidebar.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ui.sidebar import rebalance, whole_shares

KEYS = ("trust", "actors", "need")
weights = st.fixed_dictionaries({k: st.floats(min_value=0, max_value=1000, allow_nan=False) for k in KEYS})


@given(weights)
def test_whole_shares_add_up_and_follow_the_proportions(w):
    shares = whole_shares(w)
    assert sum(shares.values()) == 100
    assert all(v >= 0 for v in shares.values())
    total = sum(w.values())
    for k in KEYS:
        exact = 100 * w[k] / total if total > 0 else 100 / 3
        assert abs(shares[k] - exact) < 1


def test_equal_weights_give_34_33_33():
    assert whole_shares(dict.fromkeys(KEYS, 1.0)) == {"trust": 34, "actors": 33, "need": 33}


@given(weights, st.sampled_from(KEYS), st.integers(min_value=0, max_value=100))
def test_moving_one_slider_keeps_it_and_rebalances_the_rest(w, key, value):
    before = whole_shares(w)
    after = rebalance(before, {**before, key: value})
    assert after[key] == value
    assert sum(after.values()) == 100
    assert all(v >= 0 for v in after.values())
    others = [k for k in KEYS if k != key]
    a, b = others
    if before[a] > 0 and before[b] > 0 and after[a] > 1 and after[b] > 1:  # proportions kept up to rounding
        assert abs(after[a] / (after[a] + after[b]) - before[a] / (before[a] + before[b])) < 0.06 + 1 / (
            after[a] + after[b]
        )


def test_several_moved_at_once_are_kept_when_they_add_up_else_scaled():
    before = {"trust": 34, "actors": 33, "need": 33}
    assert rebalance(before, {"trust": 0, "actors": 0, "need": 100}) == {"trust": 0, "actors": 0, "need": 100}
    assert rebalance(before, {"trust": 10, "actors": 10, "need": 20}) == {"trust": 25, "actors": 25, "need": 50}
    assert rebalance(before, {"trust": 0, "actors": 0, "need": 0}) == {"trust": 34, "actors": 33, "need": 33}
