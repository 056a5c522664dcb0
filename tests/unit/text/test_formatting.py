"""Danish display of numbers, shares and times (selection/text/formatting.py)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from selection.text import formatting as fmt


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
    assert fmt.timestamp(winter) == "23. nov. 2026 kl. 10.00"
    assert fmt.timestamp(summer) == "1. jun. 2026 kl. 11.00"
    assert fmt.iso_local(winter) == "2026-11-23T10:00:00+01:00"
    assert fmt.iso_local(summer) == "2026-06-01T11:00:00+02:00"


def test_chart_locale_uses_the_same_symbols():
    spec = fmt.with_locale({"mark": "bar"})
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert spec["config"]["locale"]["number"]["thousands"] == "."
    assert spec["mark"] == "bar"


def test_stored_iso_times_are_shown_in_copenhagen():
    assert fmt.timestamp_text("2026-11-23T09:00:00+00:00") == "23. nov. 2026 kl. 10.00"
    assert fmt.timestamp_text("ikke en tid") == "ikke en tid"


def test_counts_take_the_danish_noun_form_and_thousands_point():
    assert fmt.count(1, "værdi", "værdier") == "1 værdi"
    assert fmt.count(0, "værdi", "værdier") == "0 værdier"
    assert fmt.count(12000, "værdi", "værdier") == "12.000 værdier"


def test_the_data_notice_caveats_use_singular_forms_for_one():
    """One of each kind reads as Danish ('1 udledt', '1 lokal vurdering'), never '1 udledte' or '1 områder'."""
    from selection.data.status import DataStatus
    from selection.report.render import caveat_text

    one = {"verified": 1, "inferred": 1, "estimate": 1}
    status = DataStatus(
        n_areas=1,
        list_confidence=one,
        geometry_quality={"official": 1, "approximate": 1, "placeholder": 1},
        value_kinds={"sourced": 1, "assessed": 1, "illustrative": 1},
        n_missing=0,
        sourced_per_area={},
    )
    text = status.summary()
    for phrase in ("**1 område:**", "1 verificeret,", "1 udledt og", "1 kandidat (ikke verificeret)", "1 officiel,"):
        assert phrase in text
    for phrase in ("1 omtrentlig,", "1 pladsholder", "1 kildebelagt,", "1 lokal vurdering og", "1 illustrativ af 3"):
        assert phrase in text
    many = DataStatus(2000, {"verified": 2000}, {"official": 2000}, {"sourced": 12000}, 0, {})
    assert "**2.000 områder:** 2.000 verificerede, 0 udledte og 0 kandidater (ikke verificerede)" in many.summary()
    assert "12.000 kildebelagte, 0 lokale vurderinger og 0 illustrative af 12.000" in many.summary()
    snapshot = {
        "status": {
            "value_kinds": {"sourced": 1, "assessed": 0, "illustrative": 0},
            "list_confidence": {"verified": 1},
            "geometry_quality": {"official": 1},
            "n_areas": 1,
            "n_missing": 0,
        }
    }
    assert caveat_text(snapshot).startswith(
        "Af 1 værdi bag rangeringen er 1 kildebelagt, 0 lokale vurderinger og 0 illustrative pladsholdere. "
        "1 af 1 områdes plads på listen er verificeret fra en kilde."
    )


def test_a_listing_names_twenty_and_counts_the_rest():
    names = [f"Område {i}" for i in range(1, 2001)]
    text = fmt.listing(names)
    assert text.startswith("Område 1, Område 2, ")
    assert text.endswith("Område 20 og 1.980 andre")
    assert fmt.listing(names[:21]).endswith("Område 20 og 1 anden")
    assert fmt.listing(names[:20]) == ", ".join(names[:20])
    assert fmt.listing([]) == ""


def test_one_way_to_show_a_moment_in_copenhagen_time() -> None:
    """Screen, files, report and command line: the same words for the same moment (issue 29, class 12)."""
    from selection.assessments.wording import time_text
    from selection.report.render import local_time

    late = datetime(2026, 11, 29, 23, 14, tzinfo=UTC)  # 00:14 the next day in Copenhagen
    expected = "30. november 2026 kl. 00.14"
    assert fmt.moment_text(late) == expected
    assert fmt.moment_text(late.replace(tzinfo=None)) == expected, "a naive time is UTC"
    assert fmt.moment_text(late.isoformat()) == expected
    assert time_text(late) == expected
    assert local_time(late.isoformat()) == expected
    summer = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    assert fmt.moment_text(summer) == "1. juni 2026 kl. 11.00"


def test_the_command_line_shows_times_in_copenhagen_not_utc() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[3] / "selection" / "cli"
    for path in root.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "%H:%M} UTC" not in text, f"{path.name} prints a UTC time"
