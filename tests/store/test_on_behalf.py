"""Who assessed is the sign-in, never a cell or a display name (issue 29, class 2), on both databases.

A signed-in assessor is (issuer, subject): two people with the same name claim stay two assessors. An entry
naming someone else is recorded on behalf of that person by the one saving, keeps both names, needs a role
that allows it, and never replaces anyone's own value."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert, select

from selection.access import (
    ASSESS_ON_BEHALF,
    AccessDenied,
    AccessPolicy,
    Actor,
    assign_role,
    local_identity,
    oidc_identity,
    roles,
)
from selection.assessments import (
    NewAssessment,
    aggregate,
    current_assessments,
    history,
    record_assessment,
    record_assessments,
    value_version,
)
from selection.assessments.history import entry_key, identity_key
from selection.storage.database.tables import access_role, assessment
from tests.support.databases import AREA_IDS, MODEL
from tests.support.factory import ADMIN

ISSUER = "https://login.example.org/tenant"
PLANNERS = AccessPolicy(unknown_role="planlaegger")  # every signed-in person may assess
DAY = date(2026, 11, 2)


def signed_in(subject: str, name: str, issuer: str = ISSUER, policy: AccessPolicy = PLANNERS) -> Actor:
    return Actor(oidc_identity({"sub": subject, "iss": issuer, "name": name}, issuer), policy)


def new(value, name, reason="Kender området", area="a", indicator="t1", on_behalf=False) -> NewAssessment:
    return NewAssessment(area, indicator, value, reason, "", name, "SSP", DAY, on_behalf=on_behalf)


def save(engine, entry: NewAssessment, actor: Actor):
    version = value_version(engine, entry.area_id, entry.indicator_id)
    return record_assessment(engine, entry, MODEL, AREA_IDS, version, actor=actor)


def current(engine) -> list[tuple[str, float, bool, str]]:
    frame = current_assessments(engine)
    return sorted(zip(frame["assessor_name"], frame["value"], frame["on_behalf"], frame["recorded_by"], strict=True))


def test_two_signed_in_people_with_the_same_name_claim_stay_two_assessors(engine) -> None:
    first, second = signed_in("sub-1", "Anna Hansen"), signed_in("sub-2", "Anna Hansen")
    save(engine, new(2, "Anna Hansen"), first)
    save(engine, new(5, "Anna Hansen"), second)
    assert current(engine) == [("Anna Hansen", 2.0, False, "Anna Hansen"), ("Anna Hansen", 5.0, False, "Anna Hansen")]
    assert int(aggregate(current_assessments(engine))["n_assessors"].iloc[0]) == 2
    again = save(engine, new(3, "anna hansen"), first)  # the first one changes her mind: only her value changes
    assert again.previous_value == 2.0
    assert sorted(current_assessments(engine)["value"]) == [3.0, 5.0]
    keys = {e.assessor_key for e in history(engine)}
    assert keys == {identity_key(first.identity), identity_key(second.identity)}
    assert all(k.startswith("oidc:") and "anna" not in k for k in keys), "the key is the sign-in, not the name"


def test_the_same_subject_from_another_issuer_is_another_person(engine) -> None:
    here = signed_in("sub-1", "Anna Hansen")
    there = signed_in("sub-1", "Anna Hansen", issuer="https://other.example.org")
    assert identity_key(here.identity) != identity_key(there.identity)
    assert identity_key(here.identity) == identity_key(signed_in("sub-1", "Someone Else").identity)


def test_a_sheet_row_naming_a_colleague_never_replaces_the_colleagues_own_value(engine) -> None:
    anna, bo = signed_in("sub-anna", "Anna Hansen"), signed_in("sub-bo", "Bo Berg")
    save(engine, new(4, "Bo Berg"), bo)  # Bo's own value
    written = record_assessments(
        engine, [new(1, "Bo Berg", reason="Fra Bos papirark"), new(2, "Anna Hansen")], MODEL, AREA_IDS, [1, 1],
        actor=anna,
    )  # fmt: skip
    assert [(e.on_behalf, e.recorded_by, e.assessor_text) for e in written] == [
        (True, "Anna Hansen", "Bo Berg (registreret af Anna Hansen)"),
        (False, "Anna Hansen", "Anna Hansen"),
    ]
    assert current(engine) == [
        ("Anna Hansen", 2.0, False, "Anna Hansen"),
        ("Bo Berg", 1.0, True, "Anna Hansen"),
        ("Bo Berg", 4.0, False, "Bo Berg"),  # Bo's own value is still in force
    ]
    frame = current_assessments(engine)
    assert "Bo Berg (registreret af Anna Hansen)" in set(frame["assessor_shown"])
    assert written[0].assessor_key == entry_key("Bo Berg", anna.identity, on_behalf=True)
    assert written[0].assessor_key != identity_key(bo.identity)
    bo_again = save(engine, new(5, "Bo Berg"), bo)
    assert bo_again.previous_value == 4.0, "Bo's own history is his own: the entry on his behalf is not in it"
    [stored] = [e for e in history(engine) if e.on_behalf]
    assert (stored.assessor_name, stored.recorded_by, stored.actor_subject) == ("Bo Berg", "Anna Hansen", "sub-anna")


def test_a_role_without_the_permission_may_not_record_on_behalf_of_others(engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(access_role).values(id="vurderer", label="Vurderer", rank=2, permissions="assess"))
    assign_role(engine, ADMIN, "sub:sub-carl", "vurderer", "Må kun vurdere selv")
    carl = signed_in("sub-carl", "Carl Dahl", policy=AccessPolicy(unknown_role=None))
    with pytest.raises(AccessDenied, match="på vegne af andre"):
        save(engine, new(3, "Bo Berg"), carl)
    with pytest.raises(AccessDenied, match="på vegne af andre"):  # one such row refuses the whole sheet
        record_assessments(
            engine, [new(3, "Carl Dahl"), new(3, "Opfundet Person")], MODEL, AREA_IDS, [0, 0], actor=carl
        )
    assert history(engine) == []
    save(engine, new(3, "Carl Dahl"), carl)  # his own value he may save
    assert current(engine) == [("Carl Dahl", 3.0, False, "Carl Dahl")]


def test_planners_and_administrators_may_record_on_behalf_readers_and_participants_not(engine) -> None:
    allowed = {r.id for r in roles(engine).values() if r.allows(ASSESS_ON_BEHALF)}
    assert allowed == {"planlaegger", "administrator"}


def test_local_mode_marks_a_name_other_than_the_typed_one_as_on_behalf(engine) -> None:
    bo, anna = Actor(local_identity("Bo Berg")), Actor(local_identity("Anna Hansen"))
    save(engine, new(4, "Bo Berg"), bo)
    save(engine, new(1, "bo  berg"), anna)  # Anna's sheet names Bo
    assert current(engine) == [("Bo Berg", 4.0, False, "Bo Berg"), ("bo berg", 1.0, True, "Anna Hansen")]
    assert [e.assessor_key for e in history(engine)] == ["bo berg", "for:bo berg"]


def test_entries_from_before_revision_0010_keep_working(engine) -> None:
    with engine.begin() as conn:  # as the store held them: no on-behalf mark, no recorder, no issuer
        conn.execute(
            insert(assessment).values(
                area_id="a", indicator_id="t1", value=2.0, reason="Gammel", assessor_name="Anna Hansen",
                assessed_on=DAY, recorded_at=DAY, assessor_role="", evidence="", value_version=1,
                assessor_key="anna hansen",
            )
        )  # fmt: skip
    save(engine, new(4, "Anna Hansen"), Actor(local_identity("Anna Hansen")))
    [entry, newer] = history(engine)
    assert (entry.on_behalf, entry.recorded_by, entry.assessor_text) == (False, "", "Anna Hansen")
    assert newer.previous_value == 2.0, "the same typed name is the same assessor, as before"
    assert current(engine) == [("Anna Hansen", 4.0, False, "Anna Hansen")]
    with engine.connect() as conn:
        assert conn.execute(select(assessment.c.on_behalf).order_by(assessment.c.id)).scalars().all() == [None, False]


def test_the_report_names_both_the_assessor_and_who_recorded_it(engine, tmp_path) -> None:
    from selection.data.dataset import load_dataset
    from selection.report import render_html
    from selection.report.snapshot import snapshot_from_store
    from tests.support.databases import assessment_criteria
    from tests.support.factory import make_package

    dataset = load_dataset(make_package(tmp_path / "p", criteria=assessment_criteria()))
    anna = Actor(local_identity("Anna Hansen"))
    indicator = next(i for i in dataset.model.indicators if i.assessment)
    area = dataset.area_ids[0]
    version = value_version(engine, area, indicator.id)
    entry = NewAssessment(area, indicator.id, 3, "Fra mødet", "", "Bo Berg", "SSP", DAY)
    record_assessment(engine, entry, dataset.model, dataset.area_ids, version, actor=anna)
    html = render_html(snapshot_from_store(dataset, engine, None, 2, n_samples=100))
    assert "Bo Berg (registreret af Anna Hansen)" in html
