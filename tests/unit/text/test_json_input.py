"""JSON from files people give us: every failure is Danish, whatever is wrong with the text (issue 29, class 10)."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selection.scenarios.settings import ScenarioError, parse_settings
from selection.text import json_input
from selection.text.number_parser import MAX_DIGITS

ENGLISH = re.compile(r"Expecting|Extra data|Invalid|Unterminated|Illegal|codec|decode|delimiter|escape|int\b|float")

BROKEN = [
    "",
    "{",
    '{"format": ',
    '{"a" 1}',
    '{"a": 1 "b": 2}',
    "{a: 1}",
    '{"a": 1,}',
    "[1, 2,]",
    '"abc',
    '"a\x01b"',
    '"\\q"',
    '"\\u12"',
    "[1] 2",
    "NaN",
    "[Infinity]",
    "1" * 400,
    '{"w": -' + "9" * 31 + "}",
    "[" * 5000 + "]" * 5000,
]


@pytest.mark.parametrize("text", BROKEN)
def test_every_broken_json_gets_a_danish_reason(text: str) -> None:
    with pytest.raises(json_input.JsonError) as refused:
        json_input.loads(text)
    assert not ENGLISH.search(str(refused.value)), str(refused.value)


@given(st.text(max_size=40))
def test_any_text_is_json_or_a_danish_reason(text: str) -> None:
    reason = ""
    try:
        json_input.loads(text)
    except json_input.JsonError as exc:
        reason = str(exc)
    assert not ENGLISH.search(reason), reason


def test_numbers_up_to_the_digit_limit_are_read() -> None:
    assert json_input.loads("9" * MAX_DIGITS) == int("9" * MAX_DIGITS)
    assert json_input.loads("-12.5e3") == -12500.0


def test_a_400_digit_weight_is_refused_as_a_number_not_as_a_big_file() -> None:
    """It used to end in OverflowError ('int too large to convert to float'), shown as 'filen er for stor'."""
    text = json.dumps({"weights": {"trust": "X"}}).replace('"X"', "9" * 400)
    with pytest.raises(json_input.JsonError, match="for mange cifre \\(400; højst 30"):
        json_input.loads(text)


def test_settings_refuse_a_huge_integer_in_danish() -> None:
    from selection.data.dataset import load_dataset

    model = load_dataset().model
    with pytest.raises(ScenarioError, match="skal være mellem"):
        parse_settings({"weights": {"trust": 10**400}}, model)
