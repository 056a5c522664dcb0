"""A save refused because someone else saved first: the message names what changed, what the user typed
stays, and the next save works in one click (assessments and scenarios; AppTest and the store)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from selection.assessments import AssessmentConflict, NewAssessment, history, record_assessment, value_version
from selection.config import BUNDLED_DATA_DIR
from selection.data.dataset import load_dataset
from selection.scenarios import parse_settings, saved
from selection.storage.database import open_store
from tests.app.test_assessments import assessment_criteria, errors, open_view, run
from tests.app.test_assessments import package as package  # the fixture: the package and a store of the test's own
from tests.app.test_scenarios import db as db  # the fixture: a scenario database of the test's own, local mode
from tests.support.factory import ADMIN, make_package
from tests.support.folds import open_folds
from tests.support.markup import shown
from ui import state

APP = str(Path(__file__).resolve().parents[2] / "app.py")
RACE = "kapløb"  # entries with this reason meet the unique index as if another writer had taken the version


def lose_races(db_file: Path) -> None:
    """A real constraint failure on insert for entries whose reason starts with RACE: the path a writer takes
    when another one took the same version in the same moment (SQLite raises IntegrityError)."""
    engine = open_store(f"sqlite:///{db_file}")
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "CREATE TRIGGER lose_race BEFORE INSERT ON assessment "
                    f"WHEN NEW.reason LIKE '{RACE}%' BEGIN "
                    "SELECT RAISE(ABORT, 'UNIQUE constraint failed: assessment.value_version'); END"
                )
            )
    finally:
        engine.dispose()


def entry(value: float, reason: str, name: str = "Bo Berg") -> NewAssessment:
    return NewAssessment("b", "n1", value, reason, "", name, "Skoleleder", dt.date(2026, 1, 5))


def test_a_lost_race_reports_the_real_version_and_who_saved(tmp_path: Path):
    dataset = load_dataset(make_package(tmp_path / "pkg", criteria=assessment_criteria()))
    db_file = tmp_path / "race.sqlite"
    engine = open_store(f"sqlite:///{db_file}")
    try:
        record_assessment(engine, entry(3, "Første", "Anna Andersen"), dataset.model, dataset.area_ids, 0, actor=ADMIN)
        lose_races(db_file)
        with pytest.raises(AssessmentConflict) as caught:
            record_assessment(engine, entry(5, f"{RACE} nu"), dataset.model, dataset.area_ids, 1, actor=ADMIN)
        assert caught.value.version == value_version(engine, "b", "n1") == 1
        assert "Anna Andersen" in str(caught.value)
        assert "ikke gemt" in str(caught.value)
    finally:
        engine.dispose()


def test_after_a_lost_race_the_form_keeps_the_text_and_saves_in_one_click(package: Path, tmp_path: Path):
    at = open_view()
    at.selectbox(key="assessment_area").set_value("b")
    run(at)  # the form stands on version 0
    lose_races(tmp_path / "store" / "data.sqlite")
    at.text_input(key="assessor_name").set_value("Bo Berg")
    at.text_input(key="assess_value_b_n1").set_value("4")
    at.text_area(key="assess_reason_b_n1").set_value(f"{RACE}: skolens nye tal")
    at.button(key="assess_save_b_n1").click()
    run(at)
    assert any("ikke gemt" in e and "står stadig i formularen" in e for e in errors(at)), errors(at)
    assert at.text_area(key="assess_reason_b_n1").value == f"{RACE}: skolens nye tal"  # nothing typed is lost
    assert at.text_input(key="assess_value_b_n1").value == "4"
    at.text_area(key="assess_reason_b_n1").set_value("Skolens nye tal")
    at.button(key="assess_save_b_n1").click()
    run(at)  # one click: saved
    assert not errors(at), errors(at)
    stored = history(open_store(f"sqlite:///{tmp_path / 'store' / 'data.sqlite'}"))
    assert [(e.assessor_name, e.value, e.reason) for e in stored] == [("Bo Berg", 4.0, "Skolens nye tal")]


# --------------------------------------------------------------------------- scenarios


def scenario_messages(at: AppTest) -> tuple[list[str], list[str]]:
    return [shown(e.value) for e in at.sidebar.error], [shown(s.value) for s in at.sidebar.success]


def test_a_scenario_changed_meanwhile_keeps_the_screen_and_saves_on_the_next_click(db):
    model = load_dataset(BUNDLED_DATA_DIR).model
    engine = open_store(db)
    try:
        first = saved.save_new(
            engine, model, "Behov først", "Fordi.", parse_settings({"weights": {"need": 2}}, model), "Anna", actor=ADMIN
        )
        scenario_fold = state.SCENARIO_FOLD.name
        at = open_folds(AppTest.from_file(APP, default_timeout=60), scenario_fold)  # the scenarios part drawn
        at.run()
        at.sidebar.text_input(key="assessor_name").input("Pia Planlægger")
        at.selectbox(key="scn_pick").select(str(first.id)).run()  # Pia opens version 1
        saved.save_change(  # meanwhile Bo saves version 2
            engine,
            model,
            first,
            parse_settings({"weights": {"trust": 3}}, model),
            "Styregruppen ønskede tillid",
            "Bo",
            actor=ADMIN,
        )
        at.slider(key="w_need").set_value(70).run()
        at.text_input(key="scn_reason").input("Behov endnu mere").run()
        at.button(key="scn_change").click().run()
        refused, _ = scenario_messages(at)
        assert any("ændret af Bo" in e and "Styregruppen ønskede tillid" in e for e in refused), refused
        assert at.slider(key="w_need").value == 70  # the screen is kept
        assert at.text_input(key="scn_reason").value == "Behov endnu mere"
        at.button(key="scn_change").click().run()  # one more click saves on top of version 2
        refused, done = scenario_messages(at)
        assert not refused, refused
        assert any("gemt som version 3" in s for s in done), done
        newest = saved.get_scenario(engine, first.id)
        assert (newest.version, newest.author, newest.change_reason) == (3, "Pia Planlægger", "Behov endnu mere")
    finally:
        engine.dispose()
