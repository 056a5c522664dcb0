"""The message for shares that do not add up to 100 % ends as a sentence (only the number gets a decimal comma)."""

from __future__ import annotations

import pytest

from selection.rounds.model import RoundError
from selection.rounds.weights import from_percent


def test_shares_that_do_not_add_up_are_told_with_a_decimal_comma_and_a_full_stop():
    with pytest.raises(RoundError) as caught:
        from_percent({"a": 60, "b": 39}, ["a", "b"])
    assert str(caught.value) == "Andelene skal give 100 % tilsammen; de giver 99,0 %."
