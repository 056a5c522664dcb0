"""Danish wording of critical values (selection/analysis/critical/wording.py)."""

from __future__ import annotations

from selection.analysis.critical.wording import condition_text


def test_conditions_round_to_the_safe_side():
    assert condition_text(3.314815, "down", True, "point") == "højst 3,31 point"
    assert condition_text(3.311, "up", True) == "mindst 3,32"
    assert condition_text(4.0000000001, "up", False) == "over 4"
    assert condition_text(0.7222, "down", False, "%") == "under 0,72 %"


def test_kind_text_without_a_plausible_range_gives_the_count_alone():
    """Two or more assessors but no plausible range in the row: the count, no made-up spread (was a KeyError)."""
    from selection.analysis.critical.wording import kind_text

    assert kind_text("assessed", "assessed", {"n_assessors": 2}) == "Lokal vurdering (2 vurderinger)"
    nan = float("nan")
    row = {"n_assessors": 4, "plausible_lo": nan, "plausible_hi": nan}
    assert kind_text("assessed", "assessed", row) == "Lokal vurdering (4 vurderinger)"
