"""An initiative or actor record checked against the vocabulary (selection/registers/model.py): Danish messages,
every problem named, the nearest entry suggested, nothing returned for bad input."""

from __future__ import annotations

from datetime import date

import pytest

from selection.registers.model import Actor, Initiative, RegisterError, check_actor, check_initiative
from selection.registers.vocabulary import load_vocabulary

AREAS = ("bispeparken", "mjolnerparken")
SECTORS = ("civil_society", "housing_org", "school", "club")


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary()


def initiative(**changes: object) -> dict[str, object]:
    raw: dict[str, object] = {
        "area_ids": ["bispeparken"],
        "name": "Bydelsmødre i Bispeparken",
        "type": "Bydelsmødre",
        "operator": "Civilsamfund",
        "target_groups": ["Kvinder", "foraeldre"],
        "start": date(2021, 3, 1),
        "end": None,
        "status": "Aktiv",
        "relevance": "Direkte",
        "trust_evidence": "attendance",
        "evidence_text": "Fremmødelister 2023",
        "source": "Helhedsplanens årsrapport 2023",
        "verification": "verified",
    }
    raw.update(changes)
    return raw


def actor(**changes: object) -> dict[str, object]:
    raw: dict[str, object] = {
        "sector": "school",
        "name": "Bispebjerg Skole",
        "lon": 12.53,
        "lat": 55.71,
        "area_ids": ["bispeparken"],
        "relation": "Distriktsskole",
        "motivation": "Forpligtet",
        "motivation_reason": "Skoleleder har sagt ja til forældredialog",
        "learned_via": "Møde",
        "nsk_competence": True,
        "source": "Mødereferat 2024-05-02",
        "verification": "unverified",
    }
    raw.update(changes)
    return raw


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(RegisterError) as caught:
        call(*args, **kwargs)
    message = str(caught.value)
    assert "Intet er gemt" in message
    assert "Traceback" not in message
    assert "Error" not in message
    return message


# ------------------------------------------------------------------------------------ initiatives


def test_a_good_initiative_gets_the_ids_for_the_labels(vocabulary):
    item = check_initiative(initiative(), vocabulary, AREAS, record_id="i1")
    assert isinstance(item, Initiative)
    assert (item.type, item.operator, item.status, item.relevance) == (
        "bydelsmoedre",
        "civilsamfund",
        "aktiv",
        "direct",
    )
    assert item.target_groups == ("kvinder", "foraeldre")
    assert item.area_ids == ("bispeparken",)


def test_unknown_type_suggests_the_nearest(vocabulary):
    message = refused(check_initiative, initiative(type="Bydelsmødr"), vocabulary, AREAS, record_id="i1")
    assert "Type: 'Bydelsmødr' findes ikke i listen." in message
    assert "Mente du 'Bydelsmødre'?" in message


def test_unknown_target_group_and_status_are_named_each(vocabulary):
    message = refused(
        check_initiative, initiative(target_groups=["Kvindr"], status="aktive"), vocabulary, AREAS, record_id="i1"
    )
    assert "Målgruppe: 'Kvindr'" in message
    assert "Mente du 'Kvinder'?" in message
    assert "Status: 'aktive'" in message
    assert "Mente du 'Aktiv'?" in message


def test_end_before_start_is_refused(vocabulary):
    raw = initiative(start=date(2024, 5, 1), end=date(2024, 4, 30), status="afsluttet")
    message = refused(check_initiative, raw, vocabulary, AREAS, record_id="i1")
    assert "Slut (2024-04-30) ligger før start (2024-05-01)." in message


def test_a_date_must_be_a_date(vocabulary):
    message = refused(check_initiative, initiative(start="1. marts 2021"), vocabulary, AREAS, record_id="i1")
    assert "Start: skal være en dato." in message


def test_an_active_initiative_has_not_ended(vocabulary):
    raw = initiative(start=date(1999, 1, 1), end=date(2000, 1, 1))
    message = refused(check_initiative, raw, vocabulary, AREAS, record_id="i1")
    assert "vælg 'Afsluttet'" in message


def test_unknown_area_is_refused(vocabulary):
    message = refused(
        check_initiative, initiative(area_ids=["bispeparken", "atlantis"]), vocabulary, AREAS, record_id="i1"
    )
    assert "Område: atlantis findes ikke i datasættet." in message


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"name": "   "}, "Navn skal udfyldes"),
        ({"name": "\u200b\u2060"}, "Navn skal udfyldes"),
        ({"name": None}, "Navn skal udfyldes"),
        ({"source": ""}, "Kilde skal udfyldes"),
        ({"area_ids": []}, "Område: angiv mindst ét område."),
        ({"type": ""}, "Type skal vælges"),
        ({"verification": None}, "Verifikation skal vælges"),
        ({"evidence_text": ""}, "Belæg for tillid: beskriv belægget eller giv et link."),
    ],
)
def test_empty_required_fields_are_refused(vocabulary, changes, expected):
    assert expected in refused(check_initiative, initiative(**changes), vocabulary, AREAS, record_id="i1")


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("name", "Bydels\x00mødre", "Navn indeholder kontroltegn"),
        ("name", "Bydelsmødre\x1b[31m", "Navn indeholder kontroltegn"),
        ("name", "Bydelsmødre \u202eerdømsledyB", "Navn indeholder usynlige retningstegn"),
        ("source", "rapport \u2066skjult\u2069", "Kilde indeholder usynlige retningstegn"),
        ("evidence_text", "linje 1\nlinje 2\x07", "Belæg (tekst eller link) indeholder kontroltegn"),
        ("name", "x" * 201, "Navn har for mange tegn (201); højst 200 tegn."),
        ("name", 42, "Navn skal være tekst."),
    ],
)
def test_hostile_text_is_refused(vocabulary, field, text, expected):
    assert expected in refused(check_initiative, initiative(**{field: text}), vocabulary, AREAS, record_id="i1")


def test_every_problem_is_named_at_once(vocabulary):
    raw = initiative(name="", type="xyz", area_ids=["atlantis"], start=date(2024, 1, 2), end=date(2024, 1, 1))
    message = refused(check_initiative, raw, vocabulary, AREAS, record_id="i1")
    for part in ("Navn skal udfyldes", "Type: 'xyz'", "atlantis", "ligger før start"):
        assert part in message


def test_invisible_characters_in_a_line_are_dropped_and_a_line_break_refused(vocabulary):
    item = check_initiative(initiative(name="  Bydels\u200bmødre   i  Bispeparken "), vocabulary, AREAS, record_id="i")
    assert item.name == "Bydelsmødre i Bispeparken"
    message = refused(check_initiative, initiative(name="Bydelsmødre\ni Bispeparken"), vocabulary, AREAS, record_id="i")
    assert "Navn indeholder kontroltegn" in message


# ------------------------------------------------------------------------------------ actors


def test_a_good_actor(vocabulary):
    item = check_actor(actor(), vocabulary, SECTORS, AREAS, record_id="a1")
    assert isinstance(item, Actor)
    assert (item.sector, item.motivation, item.learned_via, item.nsk_competence) == (
        "school",
        "committed",
        "meeting",
        True,
    )


def test_a_sector_differing_only_in_case_is_accepted(vocabulary):
    assert check_actor(actor(sector="School"), vocabulary, SECTORS, AREAS, record_id="a1").sector == "school"


def test_unknown_sector_and_motivation(vocabulary):
    message = refused(
        check_actor, actor(sector="skole", motivation="Forpligtt"), vocabulary, SECTORS, AREAS, record_id="a1"
    )
    assert "Sektor: 'skole' findes ikke" in message
    assert "Mente du 'Forpligtet'?" in message


def test_a_known_motivation_needs_its_reason_and_where_it_was_learned(vocabulary):
    message = refused(
        check_actor, actor(motivation_reason="", learned_via=""), vocabulary, SECTORS, AREAS, record_id="a"
    )
    assert "en kendt motivation skal have en begrundelse og hvor den blev oplyst" in message
    item = check_actor(
        actor(motivation="unknown", motivation_reason="", learned_via=""), vocabulary, SECTORS, AREAS, record_id="a"
    )
    assert item.motivation == "unknown"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"lon": 200.0}, "Længdegrad: skal være et tal mellem -180 og 180."),
        ({"lat": "55,7"}, "Breddegrad: skal være et tal mellem -90 og 90."),
        ({"lon": True}, "Længdegrad: skal være et tal"),
        ({"lon": None, "lat": None, "area_ids": []}, "Placering: angiv koordinater eller mindst ét område"),
        ({"area_ids": ["atlantis"]}, "Område: atlantis findes ikke i datasættet."),
        ({"name": ""}, "Navn skal udfyldes"),
        ({"source": " "}, "Kilde skal udfyldes"),
        ({"name": "Skole\u202e"}, "Navn indeholder usynlige retningstegn"),
        ({"relation": "nær\x00ved"}, "Forhold til området indeholder kontroltegn"),
    ],
)
def test_bad_actors_are_refused(vocabulary, changes, expected):
    assert expected in refused(check_actor, actor(**changes), vocabulary, SECTORS, AREAS, record_id="a1")


def test_an_actor_may_be_placed_by_area_alone(vocabulary):
    item = check_actor(actor(lon=None, lat=None), vocabulary, SECTORS, AREAS, record_id="a1")
    assert (item.lon, item.lat, item.area_ids) == (None, None, ("bispeparken",))
