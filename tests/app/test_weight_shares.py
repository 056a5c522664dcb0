"""Main weight sliders as whole-percent shares that always add up to 100 (ui/sidebar.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ui.sidebar import rebalance, settle_shares, whole_shares

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


def press_quickly(start: dict[str, int], key: str, lags: list[int], step: int = 1) -> tuple[dict[str, int], dict]:
    """A page that sends every slider's value with each key press on ``key`` while the code's new values for the
    other sliders reach it late: before press i, all but the last ``lags[i]`` runs' values have arrived.
    Returns the page's sliders once everything has arrived (and one more run has settled) and the server's."""
    page, shares, pending = dict(start), dict(start), {}
    sent: list[dict[str, int]] = []  # per run, the values the code set (arriving in order)
    arrived = 0

    def arrive(upto: int) -> None:
        nonlocal arrived
        for writes in sent[arrived:upto]:
            assert key not in writes, "the code set the slider the person is pressing"
            page.update(writes)
        arrived = max(arrived, upto)

    for i, lag in enumerate([*lags, 0]):  # the last report: a run after everything arrived (the next interaction)
        arrive(len(sent) - min(lag, len(sent)))
        if i < len(lags):
            pressed = min(max(page[key] + step, 0), 100)
            if pressed == page[key]:
                continue  # at the end of the slider a press changes nothing, and the page sends nothing
            page[key] = pressed
        shares, pending = settle_shares(shares, page, pending)
        sent.append({k: shares[k] for k in pending})
    arrive(len(sent))
    return page, shares


def test_quick_presses_with_the_page_a_run_behind_all_count():
    """Issue 29 (17): ten quick presses moved 33 % to 40 %, not 43 % (the other sliders arrived late)."""
    start = {"trust": 34, "actors": 33, "need": 33}
    page, shares = press_quickly(start, "actors", [0, 1, 1, 1, 2, 1, 1, 1, 1, 1])
    assert page["actors"] == 43
    assert page == shares
    assert sum(page.values()) == 100


@given(
    weights,
    st.sampled_from(KEYS),
    st.sampled_from((1, -1)),
    st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=25),
)
def test_every_press_counts_however_late_the_page_is(w, key, step, lags):
    start = whole_shares(w)
    page, shares = press_quickly(start, key, lags, step)
    assert page[key] == min(max(start[key] + step * len(lags), 0), 100)
    assert page == shares, "the page ends showing what the ranking uses"
    assert sum(page.values()) == 100


def test_a_late_slider_alone_is_read_as_moved():
    """One slider differing is a person's move, even at a value it had before (dragged back): not undone."""
    before, pending = {"trust": 50, "actors": 25, "need": 25}, {"actors": (33,)}
    shares, still = settle_shares(before, {"trust": 50, "actors": 33, "need": 25}, pending)
    assert shares["actors"] == 33
    assert "actors" not in still
