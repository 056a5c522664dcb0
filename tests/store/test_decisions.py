"""The decision record (both databases): append-only rows, a frozen snapshot, corrections, what changed since."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from selection.assessments import NewAssessment, record_assessment, value_version
from selection.data.dataset import load_dataset
from selection.decisions import (
    DecisionError,
    NewDecision,
    Participant,
    changes_since,
    get_decision,
    list_decisions,
    record_decision,
)
from selection.report import render_html
from selection.report.snapshot import snapshot_from_store
from selection.scenarios import parse_rule, parse_settings
from selection.storage.database.tables import decision as decision_table
from tests.support.databases import assessment_criteria
from tests.support.factory import ADMIN, make_package

DAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return load_dataset(make_package(tmp_path_factory.mktemp("dec") / "p", criteria=assessment_criteria()))


def assess(engine, dataset, area, indicator, value, reason, name="Anna Hansen"):
    version = value_version(engine, area, indicator)
    return record_assessment(
        engine,
        NewAssessment(area, indicator, value, reason, "", name, "SSP", DAY),
        dataset.model,
        dataset.area_ids,
        version,
        actor=ADMIN,
    )


def form(**changes) -> NewDecision:
    fields = {
        "decided_on": DAY,
        "participants": (Participant("Bo Jensen", "Formand"), Participant("Eva Lund", "SSP")),
        "scenario": "Standardvægte",
        "chosen_area_id": "a",
        "reasons": "Stærkest på tillid.\nAftalt enstemmigt.",
        "dissent": "",
        "conditions": "Evaluering efter et år.",
        "recorded_by": "Bo Jensen",
    }
    return NewDecision(**{**fields, **changes})


def snapshot(engine, dataset):
    return snapshot_from_store(dataset, engine, None, 2, n_samples=300)


def count(engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(decision_table)).scalar_one())


def test_a_decision_is_stored_with_its_snapshot_and_listed_newest_first(engine, dataset):
    frozen = snapshot(engine, dataset)
    first = record_decision(engine, form(), frozen, actor=ADMIN)
    second = record_decision(engine, form(chosen_area_id="b", reasons="Andet møde"), frozen, actor=ADMIN)
    assert first.snapshot == frozen
    assert first.participants == (Participant("Bo Jensen", "Formand"), Participant("Eva Lund", "SSP"))
    assert first.reasons == "Stærkest på tillid.\nAftalt enstemmigt."
    assert first.recorded_at.utcoffset() == timedelta(0)
    assert (first.data_version, first.content_hash) == (frozen["dataset"]["version"], frozen["dataset"]["content_hash"])
    listed = list_decisions(engine)
    assert [d.id for d in listed] == [second.id, first.id]
    assert all(d.snapshot is None for d in listed)
    assert get_decision(engine, first.id) == first
    assert get_decision(engine, first.id).snapshot == frozen


def test_decisions_cannot_be_changed_or_deleted_in_the_database(engine, dataset):
    saved = record_decision(engine, form(), snapshot(engine, dataset), actor=ADMIN)
    for statement in (
        "UPDATE decision SET reasons = 'ændret'",
        "UPDATE decision SET snapshot = '{}'",
        "DELETE FROM decision",
    ):
        with pytest.raises(DBAPIError, match="Beslutninger kan ikke ændres eller slettes"), engine.begin() as conn:
            conn.execute(text(statement))
    if engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="Beslutninger kan ikke ændres eller slettes"), engine.begin() as conn:
            conn.execute(text("TRUNCATE decision"))
    assert get_decision(engine, saved.id) == saved
    assert get_decision(engine, saved.id).snapshot == saved.snapshot


def test_the_snapshot_and_its_report_keep_the_old_data_after_an_assessment_changes(engine, dataset):
    assess(engine, dataset, "c", "n1", 1, "Lavt behov ifølge SSP-møde")
    before = snapshot(engine, dataset)
    saved = record_decision(engine, form(chosen_area_id="a"), before, actor=ADMIN)
    assert changes_since(get_decision(engine, saved.id), dataset, engine) == []
    old_html = render_html(get_decision(engine, saved.id).snapshot, get_decision(engine, saved.id).report_fields())

    assess(engine, dataset, "c", "n1", 5, "Nyt: meget højt behov efter hændelser")
    assess(engine, dataset, "b", "t1", 1, "Indsatsen er lukket")
    again = get_decision(engine, saved.id)
    assert again.snapshot == before  # frozen: today's data does not leak in
    reasons = [a["reason"] for a in again.snapshot["assessments"]]
    assert reasons == ["Lavt behov ifølge SSP-møde"]
    assert render_html(again.snapshot, again.report_fields()) == old_html
    lines = changes_since(again, dataset, engine)
    assert lines[0].startswith("2 vurderinger er ændret siden beslutningen")
    assert "Charlie: N1" in lines[0]
    assert "Bravo: T1" in lines[0]
    today = snapshot(engine, dataset)
    assert today["ranking"] != before["ranking"]  # the assessments moved the ranking today


def test_a_correction_is_a_new_record_pointing_to_the_one_it_corrects(engine, dataset):
    frozen = snapshot(engine, dataset)
    original = record_decision(engine, form(), frozen, actor=ADMIN)
    fixed = record_decision(engine, form(reasons="Rettet begrundelse", corrects_id=original.id), frozen, actor=ADMIN)
    assert fixed.corrects_id == original.id
    assert fixed.id != original.id
    assert get_decision(engine, original.id).reasons == "Stærkest på tillid.\nAftalt enstemmigt."
    assert get_decision(engine, original.id).corrected_by == (fixed.id,)
    with pytest.raises(DecisionError, match=re.escape("Beslutning nr. 999 findes ikke")):
        record_decision(engine, form(corrects_id=999), frozen, actor=ADMIN)
    assert count(engine) == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"participants": ()}, "mindst én deltager"),
        ({"participants": (Participant("", "Formand"),)}, "har en rolle, men intet navn"),
        ({"reasons": "   "}, "Begrundelsen skal udfyldes"),
        ({"scenario": ""}, "Scenarie/vægte skal udfyldes"),
        ({"recorded_by": ""}, "Registreret af skal udfyldes"),
        ({"chosen_area_id": "zz"}, "Vælg et af områderne"),
        ({"decided_on": date.today() + timedelta(days=3)}, "ligger i fremtiden"),
        ({"decided_on": "2026-11-20"}, "skal være en dato"),
        ({"reasons": "a\x00b"}, "kontroltegn"),
        ({"dissent": "x" * 8001}, "for mange tegn"),
    ],
)
def test_bad_input_gets_a_danish_message_and_writes_nothing(engine, dataset, changes, message):
    with pytest.raises(DecisionError, match=message):
        record_decision(engine, form(**changes), snapshot(engine, dataset), actor=ADMIN)
    assert count(engine) == 0


def test_an_unknown_decision_number_gives_a_danish_message(engine):
    with pytest.raises(DecisionError, match=re.escape("Der er ingen beslutning nr. 7")):
        get_decision(engine, 7)


def test_markup_in_a_decision_is_stored_as_typed(engine, dataset):
    evil = "<script>alert(1)</script> {{ 7*7 }}"
    saved = record_decision(
        engine, form(reasons=evil, participants=(Participant(evil, evil),)), snapshot(engine, dataset), actor=ADMIN
    )
    assert get_decision(engine, saved.id).reasons == evil
    html = render_html(saved.snapshot, saved.report_fields())
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in html
    assert json.loads(json.dumps(saved.report_fields()))["participants"][0]["name"] == evil


def test_what_changed_since_a_decision_is_judged_with_its_own_exclusion_rules(engine, dataset):
    """A decision made with a rule that screens out nr. 1 said 'Bravo is nr. 2 today (was nr. 1)' although
    nothing had changed: the ranking was recomputed with the decision's weights but without its rules."""
    rules = parse_settings({"rules": [{"kind": "max_value", "indicator": "t1", "max": 4}]}, dataset.model).rules
    frozen = snapshot_from_store(dataset, engine, None, 2, n_samples=300, rules=rules)
    chosen = frozen["ranking"][0]["area_id"]
    assert [r["area_id"] for r in frozen["ranking"] if r["rank"] is None] == ["a"]  # the rule excludes Alfa
    saved = record_decision(engine, form(chosen_area_id=chosen), frozen, actor=ADMIN)
    assert changes_since(get_decision(engine, saved.id), dataset, engine) == []
    assess(engine, dataset, "a", "t1", 3, "Indsatsen er skrumpet")  # Alfa passes the rule now and goes first
    lines = changes_since(get_decision(engine, saved.id), dataset, engine)
    assert lines[-1] == "Med de samme vægte og regler er Bravo i dag nr. 2 (var nr. 1)."


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        # the rules shown exclude the chosen area (t1: a 5, b 3, c 1) ...
        ({"kind": "max_value", "indicator": "t1", "max": 3}, "Alfa er udelukket af udelukkelsesreglerne"),
        # ... or every area: the page then keeps the last ranking on screen, but the decision's snapshot has none
        ({"kind": "max_value", "indicator": "t1", "max": 0}, "Alfa er udelukket af udelukkelsesreglerne"),
    ],
)
def test_a_chosen_area_the_shown_rules_exclude_is_refused_and_nothing_is_written(engine, dataset, rule, message):
    frozen = snapshot_from_store(dataset, engine, None, 2, n_samples=300, rules=(parse_rule(rule, dataset.model),))
    with pytest.raises(DecisionError, match=message):
        record_decision(engine, form(chosen_area_id="a"), frozen, actor=ADMIN)
    assert count(engine) == 0


def test_a_decision_builds_on_a_revealed_round_whose_summary_is_in_its_snapshot(engine, dataset):
    from tests.support.rounds import make_round

    answers = [("Zebulon Quistgaard", {"trust": 60, "actors": 20, "need": 20}), ("Xenia Pjuskebusk", {"need": 100})]
    item = make_round(engine, dataset, answers, anonymous=True)
    frozen = snapshot_from_store(dataset, engine, None, 2, n_samples=300, weighting_round=item)
    saved = record_decision(engine, form(round_id=item.id), frozen, actor=ADMIN)
    again = get_decision(engine, saved.id)
    assert again.cited_round is not None
    assert again.cited_round["id"] == item.id
    assert [p["label"] for p in again.cited_round["participants"]] == ["Deltager 1", "Deltager 2"]
    fields = again.report_fields()
    assert fields["round"].startswith(f"nr. {item.id} 'Runde maj' (resultat vist): ")
    html = render_html(again.snapshot, fields)
    assert "Bygger på vægtningsrunde" in html
    assert 'id="vaegtning"' in html
    assert "Quistgaard" not in html
    assert "Quistgaard" not in json.dumps(again.snapshot, ensure_ascii=False)
    plain = record_decision(engine, form(), snapshot(engine, dataset), actor=ADMIN)
    assert plain.cited_round is None
    assert plain.report_fields()["round"] == ""
    assert "Bygger på vægtningsrunde" not in render_html(plain.snapshot or {}, plain.report_fields())


def test_a_cited_round_must_be_revealed_and_match_the_snapshot(engine, dataset):
    from tests.support.rounds import make_round

    shown = make_round(engine, dataset, [("Bo", {"trust": 1, "actors": 1, "need": 1})])
    hidden = make_round(engine, dataset, [("Eva", {"need": 1})], name="Skjult", reveal=False)
    frozen = snapshot(engine, dataset)
    with pytest.raises(DecisionError, match=r"indeholder ikke vægtningsrunde nr\. 1"):
        record_decision(engine, form(round_id=shown.id), frozen, actor=ADMIN)
    with_round = snapshot_from_store(dataset, engine, None, 2, n_samples=300, weighting_round=shown)
    with pytest.raises(DecisionError, match="angiver ingen runde"):
        record_decision(engine, form(), with_round, actor=ADMIN)
    forged = {**frozen, "round": {"id": hidden.id}}  # the summary of a hidden round cannot be built; a forged one
    with pytest.raises(DecisionError, match="ikke vist endnu"):
        record_decision(engine, form(round_id=hidden.id), forged, actor=ADMIN)
    with pytest.raises(DecisionError, match=r"ingen vægtningsrunde nr\. 9"):
        record_decision(engine, form(round_id=9), {**frozen, "round": {"id": 9}}, actor=ADMIN)
    with pytest.raises(DecisionError, match="nummer"):
        record_decision(engine, form(round_id=True), frozen, actor=ADMIN)
    assert count(engine) == 0


def test_one_submission_token_stores_one_decision_and_a_bad_token_stores_none(engine, dataset):
    frozen = snapshot(engine, dataset)
    first = record_decision(engine, form(), frozen, actor=ADMIN, submission="form-1a2b")
    again = record_decision(engine, form(reasons="Dobbeltklik"), frozen, actor=ADMIN, submission="form-1a2b")
    assert (again.id, again.repeated, first.repeated) == (first.id, True, False)
    assert again.reasons == first.reasons  # the stored one, not the repeat's fields
    other = record_decision(engine, form(), frozen, actor=ADMIN, submission="form-3c4d")
    assert other.id != first.id
    assert record_decision(engine, form(), frozen, actor=ADMIN).id not in (first.id, other.id)  # no token: new
    for bad in ("", "x" * 65, "a b", "<script>"):
        with pytest.raises(DecisionError, match="engangsnøgle"):
            record_decision(engine, form(), frozen, actor=ADMIN, submission=bad)
    assert count(engine) == 3
