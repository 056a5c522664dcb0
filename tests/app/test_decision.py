"""AppTest: the "Beslutning" view saves a decision, the log shows it with its frozen ranking and what changed
since; bad input gets a Danish message; the ranking view offers the report as PDF and HTML."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from selection.assessments import NewAssessment, record_assessment, value_version
from selection.data.dataset import load_dataset
from selection.decisions import list_decisions
from selection.storage.database import open_store
from tests.support.databases import assessment_criteria
from tests.support.factory import ADMIN, make_package
from tests.support.folds import SHORTLIST, open_folds, open_section

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    folder = make_package(tmp_path / "pkg", criteria=assessment_criteria())
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("SELECTION_DATA", str(folder))
    monkeypatch.setenv("SELECTION_DB_URL", url)
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "imports"))
    return folder, url


def decision_view() -> AppTest:
    at = open_folds(AppTest.from_file(APP, default_timeout=120)).run()
    assert not at.exception, at.exception
    at.segmented_control(key="view").set_value("Beslutning").run()
    assert not at.exception, at.exception
    return at


def fill(at: AppTest, reasons: str) -> AppTest:
    at.text_area(key="dec_people").input("Bo Jensen, formand\nEva Lund, SSP")
    at.text_area(key="dec_reasons").input(reasons)
    at.text_area(key="dec_dissent").input("Eva: <b>Charlie</b> {{ 7*7 }}")
    at.text_input(key="dec_by").input("Bo Jensen")
    next(b for b in at.button if b.proto.form_id == "decision_form").click().run()  # the form's submit button
    assert not at.exception, at.exception
    return at


def test_a_decision_is_saved_and_the_log_keeps_its_ranking_after_an_assessment_changes(setup):
    folder, url = setup
    at = fill(decision_view(), "Alfa har de stærkeste indsatser")
    assert any("Beslutning nr. 1 er gemt" in s.value for s in at.success)
    [saved] = list_decisions(open_store(url))
    assert saved.chosen_area_id == "a"
    assert saved.dissent == "Eva: <b>Charlie</b> {{ 7*7 }}"
    [entry] = [e for e in at.expander if e.label.replace("\\", "").startswith("Nr.")]
    assert "Nr. 1" in entry.label.replace("\\", "")
    assert "Alfa" in entry.label
    texts = [t.value for t in at.text]
    assert "Eva: <b>Charlie</b> {{ 7*7 }}" in texts  # shown as typed, as plain text
    before = next(df.value for df in at.dataframe if "Samlet score" in df.value.columns)
    assert all(re.fullmatch(r"[0-9]+,[0-9]", s) for s in before["Samlet score"]), "Danish decimal comma"
    assert all(re.fullmatch(r"[0-9]+|–", r) for r in before["Rang"]), "ranks are whole numbers"

    dataset = load_dataset(folder)
    engine = open_store(url)
    record_assessment(
        engine,
        NewAssessment("a", "t1", 1, "Indsatsen er lukket", "", "Anna", "SSP", date(2026, 11, 20)),
        dataset.model,
        dataset.area_ids,
        value_version(engine, "a", "t1"),
        actor=ADMIN,
    )
    engine.dispose()
    at.run()
    assert not at.exception, at.exception
    assert any("1 vurdering er ændret siden beslutningen" in w.value for w in at.warning)
    after = next(df.value for df in at.dataframe if "Samlet score" in df.value.columns)
    assert after.equals(before)  # the log shows the ranking as it was


def test_a_decision_without_reasons_is_refused_in_danish_and_nothing_is_saved(setup):
    _, url = setup
    at = fill(decision_view(), "   ")
    assert any("Begrundelsen skal udfyldes" in e.value for e in at.error)
    assert list_decisions(open_store(url)) == []
    assert at.text_area(key="dec_people").value.startswith("Bo Jensen")  # what was typed is kept


def test_the_ranking_view_offers_the_report_as_pdf_and_html(setup):
    at = open_section(open_folds(AppTest.from_file(APP, default_timeout=120)), SHORTLIST).run()
    assert not at.exception, at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Hent rapport (PDF)" in labels
    assert "Hent rapport (HTML)" in labels


def test_report_and_decision_use_the_open_scenario_and_its_rules(tmp_path, monkeypatch):
    """The report buttons read the on-screen settings, rules and opened scenario; the decision's snapshot has them."""
    from selection.config import BUNDLED_DATA_DIR
    from selection.decisions import get_decision
    from selection.scenarios import describe, evaluate_settings, excluded_reasons
    from selection.scenarios.defaults import load_defaults
    from ui.ranked_view import RANKING_VIEW
    from ui.state import REPORT_ARGS

    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.delenv("SELECTION_DATA", raising=False)
    monkeypatch.setenv("SELECTION_DB_URL", url)
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "imports"))
    bundled = load_dataset(BUNDLED_DATA_DIR)
    found, _ = load_defaults(BUNDLED_DATA_DIR, bundled.model)
    ruled = next(d for d in found if d.settings.rules)
    at = open_folds(AppTest.from_file(APP, default_timeout=120)).run()
    at.selectbox(key="scn_pick").select(ruled.key).run()
    assert not at.exception, at.exception
    held = at.session_state[REPORT_ARGS.name]
    assert held["scenario"]["name"] == ruled.name
    assert held["scenario"]["key"] == ruled.key
    assert tuple(held["rules"]) == ruled.settings.rules

    at = fill(decision_view_of(at), "Valgt efter scenariet")
    assert any("Beslutning nr. 1 er gemt" in s.value for s in at.success), [e.value for e in at.error]
    snapshot = get_decision(open_store(url), 1).snapshot
    assert snapshot["scenario"]["name"] == ruled.name
    assert [r["text"] for r in snapshot["rules"]] == [describe(r, bundled.model) for r in ruled.settings.rules]
    _, expected = evaluate_settings(bundled, ruled.settings)
    reasons = excluded_reasons(expected)
    assert reasons
    assert {r["area_id"]: r["excluded"] for r in snapshot["ranking"] if r["excluded"]} == reasons
    assert all(r["rank"] is None for r in snapshot["ranking"] if r["excluded"])
    saved = get_decision(open_store(url), 1)
    assert saved.scenario.startswith(f"Scenarie: {ruled.name}.")
    assert "Udelukkelsesregler: Kun områder" in saved.scenario

    at.segmented_control(key="view").set_value(RANKING_VIEW).run()
    at.slider(key="w_need").set_value(70).run()  # changed on screen: the report says 'ikke gemt', rules stay
    assert not at.exception, at.exception
    held = at.session_state[REPORT_ARGS.name]
    assert held["scenario"] is None
    assert tuple(held["rules"]) == ruled.settings.rules


def decision_view_of(at: AppTest) -> AppTest:
    at.segmented_control(key="view").set_value("Beslutning").run()
    assert not at.exception, at.exception
    return at


def test_while_the_rules_exclude_every_area_no_decision_is_recorded(setup):
    _, url = setup
    at = open_folds(AppTest.from_file(APP, default_timeout=120))
    at.query_params["regel"] = "maxvaerdi:t1:0"  # a shared link whose rules exclude every area
    at.run()
    at.segmented_control(key="view").set_value("Beslutning").run()
    at = fill(at, "Alfa")  # the form offers the last ranking kept on screen
    assert any("udelukket af udelukkelsesreglerne" in e.value for e in at.error)
    assert list_decisions(open_store(url)) == []


def test_with_sub_weights_that_cannot_rank_a_decision_gets_a_danish_message_and_nothing_is_saved(setup):
    _, url = setup
    at = open_folds(AppTest.from_file(APP, default_timeout=120)).run()
    for indicator in ("n1", "n2"):  # every sub-weight of a weighted criterion at 0 (the page keeps the last ranking)
        at.select_slider(key=f"sw_{indicator}").set_value(0.0).run()
    at.segmented_control(key="view").set_value("Beslutning").run()
    at = fill(at, "Alfa")
    assert any("Alle delvægte for 'Behov' er 0" in e.value.replace("\\", "") for e in at.error)
    assert list_decisions(open_store(url)) == []


def test_a_decision_can_build_on_a_revealed_round_and_the_report_chooser_offers_it(setup):
    from selection.decisions import get_decision
    from tests.support.rounds import make_round

    folder, url = setup
    engine = open_store(url)
    dataset = load_dataset(folder)
    answers = [("Zebulon Quistgaard", {"trust": 60, "actors": 20, "need": 20}), ("Xenia Pjuskebusk", {"need": 100})]
    item = make_round(engine, dataset, answers, anonymous=True)
    make_round(engine, dataset, answers[:1], name="Skjult", reveal=False)  # not offered: its result is not shown
    engine.dispose()
    at = decision_view()
    chooser = at.selectbox(key="dec_round")
    assert chooser.label == "Bygger på vægtningsrunde"
    assert chooser.options == ["Ingen", "Nr. 1: Runde maj (resultat vist)"]
    assert chooser.value is None  # a decision cites a round only when asked to
    chooser.select(item.id)
    at = fill(at, "Gruppen vægtede behov højt")
    assert any("Beslutning nr. 1 er gemt" in s.value for s in at.success)
    [saved] = list_decisions(open_store(url))
    full = get_decision(open_store(url), saved.id)
    assert full.cited_round is not None
    assert full.cited_round["id"] == item.id
    assert any("Bygger på vægtningsrunde" in m.value.replace("\\", "") for m in at.markdown)
    texts = " ".join(t.value for t in at.text)
    assert "Runde maj" in texts
    assert "Quistgaard" not in texts

    at = open_section(open_folds(AppTest.from_file(APP, default_timeout=120)), SHORTLIST).run()
    assert not at.exception, at.exception
    report_chooser = at.selectbox(key="report_round")
    assert report_chooser.label == "Vægtningsrunde i rapporten"
    assert report_chooser.value == item.id  # the newest revealed round, by default


def test_one_submission_is_one_decision_and_a_saved_form_starts_empty(setup):
    """Issue 29 (5): the second click of "Gem beslutning" on the same submission (a run interrupted after the save,
    so the page still holds the filled form and its token) stores nothing new and says so; after a save the form
    is empty and the next submission is a new decision."""
    _, url = setup
    at = fill(decision_view(), "Alfa har de stærkeste indsatser")
    assert any("Beslutning nr. 1 er gemt" in s.value for s in at.success)
    assert at.text_area(key="dec_reasons").value == ""  # the saved form starts empty …
    assert at.text_area(key="dec_people").value == ""
    token = at.session_state["_decision_token"]
    [first] = list_decisions(open_store(url))
    # … with a new token; the same submission again (the old token, the same fields) is not stored twice
    with open_store(url).connect() as conn:
        old = conn.exec_driver_sql("SELECT submission_id FROM decision").scalar_one()
    assert old
    assert old != token
    at.session_state["_decision_token"] = old
    at = fill(at, "Alfa har de stærkeste indsatser")
    assert any("Beslutning nr. 1 var allerede gemt; den er ikke gemt igen" in s.value for s in at.success)
    assert [d.id for d in list_decisions(open_store(url))] == [first.id]
    at = fill(at, "Et nyt møde, en ny beslutning")
    assert any("Beslutning nr. 2 er gemt" in s.value for s in at.success)
    assert len(list_decisions(open_store(url))) == 2
