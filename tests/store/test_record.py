"""Saving assessments: validation, versions and conflicts, withdrawals, history, append-only (both databases)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from selection.assessments import (
    AssessmentConflict,
    AssessmentError,
    NewAssessment,
    current_assessments,
    history,
    record_assessment,
    record_assessments,
    store_revision,
    value_version,
    value_versions,
)
from selection.assessments.model import MAX_NAME, MAX_REASON
from selection.storage.database import open_store
from tests.support.databases import AREA_IDS, MODEL
from tests.support.factory import ADMIN

DAY = date(2026, 11, 2)


def new(value, name="Anna Hansen", area="a", indicator="t1", reason="Kender området godt", role="SSP", **kw):
    return NewAssessment(area, indicator, value, reason, kw.get("evidence", ""), name, role, kw.get("on", DAY))


def save(engine, assessment, expected=None):
    if expected is None:
        expected = value_version(engine, assessment.area_id, assessment.indicator_id)
    return record_assessment(engine, assessment, MODEL, AREA_IDS, expected, actor=ADMIN)


def test_a_save_is_stored_with_version_and_utc_time(engine):
    saved = save(engine, new(4, evidence="https://example.org/notat"))
    assert (saved.value, saved.version, saved.previous_value) == (4.0, 1, None)
    assert saved.recorded_at.utcoffset() == timedelta(0)
    [stored] = history(engine)
    assert stored == saved
    assert value_version(engine, "a", "t1") == 1
    assert value_version(engine, "b", "t1") == 0
    assert store_revision(engine) == saved.id


def test_history_shows_each_assessors_old_and_new_value(engine):
    save(engine, new(2, "Anna Hansen"))
    save(engine, new(5, "Bo Berg"))
    save(engine, new(3, "anna  hansen", reason="Rettet efter møde"))  # same assessor: case and spaces ignored
    entries = history(engine, area_id="a", indicator_id="t1")
    assert [(e.assessor_name, e.previous_value, e.value, e.version) for e in entries] == [
        ("Anna Hansen", None, 2.0, 1),
        ("Bo Berg", None, 5.0, 2),
        ("anna hansen", 2.0, 3.0, 3),
    ]
    assert entries[-1].reason == "Rettet efter møde"
    assert history(engine, area_id="b") == []
    assert [e.indicator_id for e in history(engine, indicator_id="t1")] == ["t1"] * 3


def test_a_stale_save_is_refused_with_the_newer_value_and_who_set_it(engine):
    opened = value_version(engine, "a", "t1")
    save(engine, new(4, "Bo Berg", role="Skoleleder"))
    before = history(engine)
    with pytest.raises(AssessmentConflict) as caught:
        record_assessment(engine, new(2, "Anna Hansen"), MODEL, AREA_IDS, opened, actor=ADMIN)
    message = str(caught.value)
    assert "Bo Berg (Skoleleder)" in message
    assert "gemte værdien 4" in message
    assert "ikke gemt" in message
    assert caught.value.latest.value == 4.0
    assert caught.value.version == 1
    assert history(engine) == before


def test_a_save_on_the_current_version_after_a_conflict_goes_through(engine):
    save(engine, new(4, "Bo Berg"))
    with pytest.raises(AssessmentConflict):
        record_assessment(engine, new(2), MODEL, AREA_IDS, 0, actor=ADMIN)
    saved = record_assessment(engine, new(2), MODEL, AREA_IDS, 1, actor=ADMIN)
    assert saved.version == 2


def test_a_withdrawal_is_a_new_entry_and_removes_the_assessors_value(engine):
    save(engine, new(4, "Anna Hansen"))
    save(engine, new(2, "Bo Berg"))
    withdrawn = save(engine, new(None, "Anna Hansen", reason="Fejl i min vurdering"))
    assert withdrawn.is_withdrawal
    assert withdrawn.previous_value == 4.0
    assert withdrawn.version == 3
    current = current_assessments(engine)
    assert list(current["assessor_name"]) == ["Bo Berg"]
    assert len(history(engine)) == 3
    with pytest.raises(AssessmentError, match="ingen gældende vurdering"):
        save(engine, new(None, "Anna Hansen"))
    assert len(history(engine)) == 3


def test_current_assessments_keep_each_assessors_latest_value(engine):
    save(engine, new(1, "Anna Hansen"))
    save(engine, new(2, "Anna Hansen"))
    save(engine, new(5, "Bo Berg"))
    save(engine, new(3, "Bo Berg", area="b", indicator="n1"))
    current = current_assessments(engine).sort_values(["area_id", "assessor_name"])
    assert list(zip(current["area_id"], current["assessor_name"], current["value"], strict=True)) == [
        ("a", "Anna Hansen", 2.0),
        ("a", "Bo Berg", 5.0),
        ("b", "Bo Berg", 3.0),
    ]
    assert value_versions(engine) == {("a", "t1"): 3, ("b", "n1"): 1}


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (new(6), "uden for skalaen 1–5"),
        (new(0.5), "uden for skalaen"),
        (new(5.0000001), "Værdien 5,0000001 for 'T1' ligger uden for skalaen"),
        (new("4"), "skal være et tal"),
        (new(float("nan")), "skal være et tal"),
        (new(float("inf")), "skal være et tal"),
        (new(True), "skal være et tal"),
        (new(3, reason=""), "Begrundelsen skal udfyldes"),
        (new(3, reason=" \n\t "), "Begrundelsen skal udfyldes"),
        (new(3, reason="x" * (MAX_REASON + 1)), "for mange tegn"),
        (new(3, name=" "), "Vurdererens navn skal udfyldes"),
        (new(3, name="x" * (MAX_NAME + 1)), "for mange tegn"),
        (new(3, reason="nul\x00byte"), "kontroltegn"),
        (new(3, area="zz"), "Ukendt område 'zz'"),
        (new(3, indicator="nope"), "Ukendt indikator 'nope'"),
        (new(3, indicator="n2"), "ikke en lokal vurdering"),
        (new(3, indicator="cov"), "ikke en lokal vurdering"),
        (new(3, on=date.today() + timedelta(days=3)), "i fremtiden"),
        # Invisible text counts as empty; bidi controls can make a stored text read differently.
        (new(3, reason="\u200b \ufeff\u2060"), "Begrundelsen skal udfyldes"),
        (new(3, reason="\u3164\u2800"), "Begrundelsen skal udfyldes"),
        (new(3, name="\u00ad\u200e"), "Vurdererens navn skal udfyldes"),
        (new(3, name="Anna \u202eneseH"), "retningstegn"),
        (new(3, reason="ok \u2067skjult\u2069"), "retningstegn"),
    ],
)
def test_bad_input_gets_a_danish_message_and_writes_nothing(engine, bad, message):
    save(engine, new(4, "Bo Berg"))
    before = history(engine)
    with pytest.raises(AssessmentError, match=message):
        record_assessment(engine, bad, MODEL, AREA_IDS, 1, actor=ADMIN)
    assert history(engine) == before


def test_text_is_stored_as_typed_markup_included(engine):
    reason = "<script>alert(1)</script> **fed** [link](http://x) æøå\nlinje 2"
    saved = save(engine, new(3, reason=reason, name="<b>Anna</b>"))
    [stored] = history(engine)
    assert stored.reason == reason == saved.reason
    assert stored.assessor_name == "<b>Anna</b>"


def test_invisible_characters_do_not_make_a_second_assessor(engine):
    save(engine, new(4, "Anna Hansen"))
    save(engine, new(2, "Anna\u200b Hansen\ufeff"))  # the same person, pasted with zero-width characters
    current = current_assessments(engine)
    assert list(current["value"]) == [2.0]
    assert list(current["assessor_name"]) == ["Anna Hansen"]


def test_emoji_and_right_to_left_text_are_kept_as_typed(engine):
    reason = "Godt samarbejde 👍🏽 👨\u200d👩\u200d👧 med مركز الحي"
    saved = save(engine, new(3, reason=reason, name="سارة أحمد"))
    assert saved.reason == reason
    assert saved.assessor_name == "سارة أحمد"


def test_two_assessors_of_one_value_in_one_batch_do_not_conflict_with_each_other(engine):
    """A sheet may hold several people's view of one value; all were read at the same version."""
    batch = [new(4, "Anna Hansen"), new(2, "Bo Berg"), new(3, "Cai Dahl", area="b")]
    saved = record_assessments(engine, batch, MODEL, AREA_IDS, [0, 0, 0], actor=ADMIN)
    assert [s.version for s in saved] == [1, 2, 1]
    # ... but a batch read before someone else saved is still refused whole.
    with pytest.raises(AssessmentConflict):
        record_assessments(engine, [new(5, "Eva Falk"), new(1, "Finn Gram")], MODEL, AREA_IDS, [0, 0], actor=ADMIN)
    assert len(history(engine)) == 3


def test_a_batch_is_saved_whole_or_not_at_all(engine):
    save(engine, new(4, "Bo Berg", area="b"))
    batch = [new(2, area="a"), new(3, area="b"), new(5, area="c")]
    with pytest.raises(AssessmentConflict, match=r"^række 3: "):
        record_assessments(
            engine, batch, MODEL, AREA_IDS, [0, 0, 0], labels=["række 2", "række 3", "række 4"], actor=ADMIN
        )
    assert len(history(engine)) == 1
    saved = record_assessments(engine, batch, MODEL, AREA_IDS, [0, 1, 0], actor=ADMIN)
    assert [s.version for s in saved] == [1, 2, 1]
    assert len(history(engine)) == 4


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE assessment SET value = 1",
        "UPDATE assessment SET reason = 'ændret' WHERE id = 1",
        "DELETE FROM assessment",
        "DELETE FROM assessment WHERE id = 1",
    ],
)
def test_the_database_itself_refuses_update_and_delete(engine, statement):
    save(engine, new(4))
    before = history(engine)
    with pytest.raises(DBAPIError, match="kan ikke ændres eller slettes"), engine.begin() as conn:
        conn.execute(text(statement))
    assert history(engine) == before


def test_postgresql_also_refuses_truncate(postgres):
    engine = open_store(postgres.new_database())
    try:
        save(engine, new(4))
        with pytest.raises(DBAPIError, match="kan ikke ændres eller slettes"), engine.begin() as conn:
            conn.execute(text("TRUNCATE assessment"))
        assert len(history(engine)) == 1
    finally:
        engine.dispose()
