"""criteria.json: which indicators are local assessments, and the anchored meanings of their scale points."""

from __future__ import annotations

import copy

import pytest

from selection.data.criteria import load_criteria, parse_criteria
from selection.errors import DataError
from selection.data.package_writer import criteria_json
from tests.support.factory import BUNDLED, CRITERIA


def with_t1(**fields) -> dict:
    raw = copy.deepcopy(CRITERIA)
    raw["criteria"][0]["indicators"][0].update(fields)
    return raw


def messages(raw: dict) -> str:
    with pytest.raises(DataError) as caught:
        parse_criteria(raw)
    return str(caught.value)


def test_the_bundled_judgement_indicators_are_assessments_with_anchors_on_their_scale():
    model = load_criteria(BUNDLED / "criteria.json")
    assessed = {i.id: i for i in model.indicators if i.assessment}
    assert set(assessed) == {"need_assessed"}  # trust and motivation are computed from the registers (issue 28)
    assert {i.id for i in model.indicators if i.from_registers} == {
        "trust_initiatives",
        "trust_breadth",
        "actors_motivation",
    }
    for ind in assessed.values():
        assert [p for p, _ in ind.anchors] == [1.0, 3.0, 5.0]
        assert all(ind.scale_min <= p <= ind.scale_max and text.strip() for p, text in ind.anchors)
    assert not any(i.anchors for i in model.indicators if not i.assessment)


def test_anchors_are_read_sorted_and_the_default_is_no_assessment():
    model = parse_criteria(with_t1(assessment=True, anchors={"5": " Høj ", "1": "Lav", "2,5": "Midt"}))
    t1 = model.indicator("t1")
    assert t1.assessment
    assert t1.anchors == ((1.0, "Lav"), (2.5, "Midt"), (5.0, "Høj"))
    assert not model.indicator("n1").assessment
    assert model.indicator("n1").anchors == ()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"anchors": {"6": "For høj"}}, "Ankerpunktet '6' ligger uden for skalaen 1–5"),
        ({"anchors": {"0": "For lav"}}, "uden for skalaen"),
        ({"anchors": {"høj": "x"}}, "Ankerpunktet 'høj' er ikke et tal"),
        ({"anchors": {"3": "  "}}, "Ankerpunktet '3' mangler en betydning"),
        ({"anchors": {"3": 3}}, "mangler en betydning"),
        ({"anchors": {"3": "a", "3.0": "b"}}, "findes flere gange"),
        ({"anchors": ["1", "lav"]}, "'anchors' skal være et objekt"),
        ({"assessment": "ja"}, "'assessment' skal være true eller false"),
    ],
)
def test_bad_assessment_fields_are_reported_in_danish_with_the_indicator(fields, message):
    text = messages(with_t1(**fields))
    assert message in text
    assert "indikator 't1'" in text


def test_a_computed_indicator_cannot_be_an_assessment():
    raw = copy.deepcopy(CRITERIA)
    raw["criteria"][1]["indicators"][0]["assessment"] = True
    assert "beregnet indikator kan ikke også være en lokal vurdering" in messages(raw)


def test_an_imported_package_keeps_the_assessment_fields():
    model = load_criteria(BUNDLED / "criteria.json")
    assert parse_criteria(criteria_json(model)) == model
