"""Danish display of numbers, shares and times (selection/formatting.py)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from selection import formatting as fmt


def test_decimal_comma_and_thousands_point():
    assert fmt.number(1234.56) == "1.234,6"
    assert fmt.number(90.25, 2) == "90,25"
    assert fmt.number(3, 0) == "3"
    assert fmt.integer(10000) == "10.000"
    assert fmt.number(-0.01) == "0,0"  # no "-0,0"
    assert fmt.number(-2.5) == "-2,5"


def test_missing_values_are_a_dash():
    assert fmt.number(None) == fmt.MISSING
    assert fmt.number(math.nan) == fmt.MISSING
    assert fmt.percent(None) == fmt.MISSING


def test_compact_drops_trailing_zeros():
    assert fmt.compact(2.5) == "2,5"
    assert fmt.compact(3.0) == "3"
    assert fmt.compact(0.125, 3) == "0,125"


def test_percent():
    assert fmt.percent(1 / 3) == "33 %"
    assert fmt.percent(0.005, 1) == "0,5 %"
    assert fmt.points(0.5) == "0,5 procentpoint"


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(min_value=0, max_value=3))
def test_number_round_trips_with_danish_symbols(value, digits):
    text = fmt.number(value, digits)
    parsed = float(text.replace(".", "").replace(",", "."))
    assert abs(parsed - value) <= 0.5 * 10**-digits + 1e-9
    assert ("," in text) == (digits > 0)


def test_times_are_copenhagen_time():
    winter = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    summer = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    assert fmt.timestamp(winter) == "23. nov. 2026 kl. 10:00"
    assert fmt.timestamp(summer) == "1. jun. 2026 kl. 11:00"
    assert fmt.iso_local(winter) == "2026-11-23T10:00:00+01:00"
    assert fmt.iso_local(summer) == "2026-06-01T11:00:00+02:00"


def test_chart_locale_uses_the_same_symbols():
    spec = fmt.with_locale({"mark": "bar"})
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert spec["config"]["locale"]["number"]["thousands"] == "."
    assert spec["mark"] == "bar"


def test_stored_iso_times_are_shown_in_copenhagen():
    assert fmt.timestamp_text("2026-11-23T09:00:00+00:00") == "23. nov. 2026 kl. 10:00"
    assert fmt.timestamp_text("ikke en tid") == "ikke en tid"
