"""Stored scenarios (both databases): versions, rename, duplicate, archive, conflicts; never changed in place."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from selection.scenarios import ScenarioError, parse_settings
from selection.scenarios import saved as scenarios
from selection.storage.database.tables import scenario_version
from tests.support.databases import MODEL
from tests.support.factory import ADMIN


def settings(**raw):
    return parse_settings(raw, MODEL)


def rows(engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(scenario_version)).scalar_one())


def test_save_change_and_history(engine):
    first = scenarios.save_new(
        engine, MODEL, "Behov først", "Behov vejer tungest.", settings(weights={"need": 2}), "Anna Hansen", actor=ADMIN
    )
    assert (first.id, first.version, first.author, first.change_reason) == (1, 1, "Anna Hansen", "")
    assert first.recorded_at.utcoffset() == timedelta(0)
    assert first.settings(MODEL).weights == {"trust": 1.0, "actors": 1.0, "need": 2.0}
    rule = {"kind": "list_status", "allowed": ["verified"]}
    second = scenarios.save_change(
        engine,
        MODEL,
        first,
        settings(weights={"need": 3}, rules=[rule]),
        "Styregruppen ville have mere behov.",
        "Bo Jensen",
        actor=ADMIN,
    )
    assert (second.id, second.version, second.author) == (1, 2, "Bo Jensen")
    assert second.settings(MODEL).rules[0].allowed == ("verified",)
    history = scenarios.history(engine, 1)
    assert [h.version for h in history] == [1, 2]
    assert history[0].settings(MODEL).weights["need"] == 2.0  # the old version is kept as it was
    assert scenarios.get_scenario(engine, 1).version == 2
    assert scenarios.get_scenario(engine, 1, version=1).settings_data == first.settings_data


def test_a_change_needs_a_reason_and_a_stale_version_is_refused(engine):
    first = scenarios.save_new(engine, MODEL, "A", "Fordi.", settings(), "Anna", actor=ADMIN)
    with pytest.raises(ScenarioError, match="Årsagen til ændringen skal udfyldes"):
        scenarios.save_change(engine, MODEL, first, settings(weights={"need": 2}), "  ", "Anna", actor=ADMIN)
    scenarios.save_change(engine, MODEL, first, settings(weights={"need": 2}), "Ny vurdering", "Bo", actor=ADMIN)
    with pytest.raises(ScenarioError, match="er ændret af Bo"):
        scenarios.save_change(engine, MODEL, first, settings(weights={"need": 5}), "Min ændring", "Anna", actor=ADMIN)
    assert rows(engine) == 2
    assert scenarios.get_scenario(engine, first.id).settings(MODEL).weights["need"] == 2.0


@pytest.mark.parametrize(
    ("name", "rationale", "author", "words"),
    [
        ("", "Fordi", "Anna", "Navnet skal udfyldes"),
        ("123", "Fordi", "Anna", "kun bestå af cifre"),
        ("Navn", " \n ", "Anna", "Begrundelsen skal udfyldes"),
        ("Navn", "Fordi", "", "Forfatteren skal udfyldes"),
        ("x" * 121, "Fordi", "Anna", "for mange tegn"),
        ("Navn\x00", "Fordi", "Anna", "kontroltegn"),
    ],
)
def test_bad_form_input_is_refused_and_nothing_is_written(engine, name, rationale, author, words):
    with pytest.raises(ScenarioError, match=words):
        scenarios.save_new(engine, MODEL, name, rationale, settings(), author, actor=ADMIN)
    assert rows(engine) == 0


def test_names_are_unique_among_active_scenarios_rename_duplicate_archive(engine):
    a = scenarios.save_new(engine, MODEL, "Behov først", "Fordi.", settings(weights={"need": 2}), "Anna", actor=ADMIN)
    with pytest.raises(ScenarioError, match="allerede et scenarie"):
        scenarios.save_new(engine, MODEL, "BEHOV FØRST", "Igen.", settings(), "Bo", actor=ADMIN)

    def wide(text: str) -> str:  # the full-width forms of ASCII letters
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)

    for look_alike in (wide("Behov først"), "Behov  først", "Behov\u00a0først"):  # full-width, 2 spaces, no-break
        with pytest.raises(ScenarioError, match="allerede et scenarie"):
            scenarios.save_new(engine, MODEL, look_alike, "Igen.", settings(), "Bo", actor=ADMIN)
    assert scenarios.find_scenario(engine, wide("BEHOV FØRST")).id == a.id
    copy = scenarios.duplicate(engine, MODEL, a, "Behov først (kopi)", "Bo", actor=ADMIN)
    assert copy.id != a.id
    assert copy.version == 1
    assert copy.settings_data == a.settings_data
    renamed = scenarios.rename(engine, MODEL, copy, "Behov og tillid", "Bo", actor=ADMIN)
    assert (renamed.version, renamed.name, renamed.change_reason) == (
        2,
        "Behov og tillid",
        "Omdøbt fra 'Behov først (kopi)'",
    )
    archived = scenarios.set_archived(engine, MODEL, a, True, "Anna", actor=ADMIN)
    assert archived.archived
    assert archived.version == 2
    assert [s.name for s in scenarios.list_scenarios(engine)] == ["Behov og tillid"]
    assert [s.name for s in scenarios.list_scenarios(engine, include_archived=True)] == [
        "Behov først",
        "Behov og tillid",
    ]
    assert len(scenarios.history(engine, a.id)) == 2  # archived, never deleted
    # the name is free again
    again = scenarios.save_new(engine, MODEL, "Behov først", "Nyt forsøg.", settings(), "Bo", actor=ADMIN)
    assert scenarios.find_scenario(engine, "behov først").id == again.id
    assert scenarios.find_scenario(engine, str(a.id)).archived
    with pytest.raises(ScenarioError, match="intet gemt scenarie"):
        scenarios.find_scenario(engine, "findes ikke")
    with pytest.raises(ScenarioError, match=re.escape("intet scenarie nr. 99")):
        scenarios.find_scenario(engine, "99")


def test_scenario_rows_cannot_be_changed_or_deleted_in_the_database(engine):
    scenarios.save_new(engine, MODEL, "A", "Fordi.", settings(), "Anna", actor=ADMIN)
    for statement in ("UPDATE scenario_version SET name = 'B'", "DELETE FROM scenario_version"):
        with pytest.raises(DBAPIError, match="Scenarier kan ikke ændres eller slettes"), engine.begin() as conn:
            conn.execute(text(statement))
    assert rows(engine) == 1


def test_stored_settings_that_no_longer_fit_the_data_say_so(engine):
    saved = scenarios.save_new(engine, MODEL, "A", "Fordi.", settings(weights={"need": 2}), "Anna", actor=ADMIN)
    changed = scenarios.Scenario(**{**saved.__dict__, "settings_data": {"weights": {"gone": 1}}})
    with pytest.raises(ScenarioError, match="passer ikke til datasættet"):
        changed.settings(MODEL)


@pytest.mark.parametrize("ref", ["²", "³", "\u0663", "\uff11"])
def test_a_reference_of_unicode_digits_is_a_name_not_a_number(engine, ref):
    """str.isdigit() is true for superscripts (which int() refuses in English) and for Arabic-Indic and full-width
    digits; a scenario number is ASCII digits, so all of these are names."""
    with pytest.raises(ScenarioError, match="Der er intet gemt scenarie med navnet"):
        scenarios.find_scenario(engine, ref)
