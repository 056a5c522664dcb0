"""Scenarios in the page (AppTest): save, open, links, bad links, exclusion rules, compare."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from selection.config import BUNDLED_DATA_DIR
from selection.data.dataset import load_dataset
from selection.scenarios import evaluate_settings, parse_settings, saved
from selection.scenarios.defaults import load_defaults
from selection.storage.database import open_store
from selection.text.formatting import number
from selection.workspace import workspace_of
from tests.support.factory import ADMIN
from tests.support.folds import SHORTLIST, open_folds, open_section
from tests.support.markup import interpreted, shown

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'scenarios.sqlite'}"
    monkeypatch.setenv("SELECTION_DB_URL", url)
    monkeypatch.delenv("SELECTION_DATA", raising=False)
    for name in ("SELECTION_READ_ONLY", "SELECTION_LOCAL_ROLE", "SELECTION_ADMIN", "SELECTION_ROLES_FILE"):
        monkeypatch.delenv(name, raising=False)  # local mode, the one person's default role (Administrator)
    return url


@pytest.fixture(scope="module")
def bundled():
    return workspace_of(load_dataset(BUNDLED_DATA_DIR), None).dataset  # with its registers, as the app ranks it


def run_app(**params: str | list[str]) -> AppTest:
    at = open_folds(AppTest.from_file(APP, default_timeout=60))  # the scenario parts are drawn while open
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def table(at: AppTest):
    return next(df.value for df in at.dataframe if "Rang" in df.value.columns and "Liste" in df.value.columns)


def expected_order(dataset, raw: dict) -> list[str]:
    _, result = evaluate_settings(dataset, parse_settings(raw, dataset.model))
    return list(result.table["name"])


def test_save_as_scenario_stores_it_and_the_link_names_it(db, bundled):
    at = run_app()
    at.slider(key="w_need").set_value(60).run()
    at.sidebar.text_input(key="assessor_name").input("Anna Hansen")  # local mode: the name typed once
    at.text_input(key="scn_name").input("Behov <b>først</b>")  # form fields: sent with the submit
    at.text_area(key="scn_rationale").input("Styregruppen prioriterer behov.")
    at.button(key="FormSubmitter:scn_save-Gem som scenarie").click().run()
    assert not at.exception
    (message,) = [s.value for s in at.success if "Gemt som scenarie" in shown(s.value)]
    assert shown(message) == "Gemt som scenarie nr. 1: Behov <b>først</b>."
    assert interpreted(message) == []
    engine = open_store(db)
    (stored,) = saved.list_scenarios(engine)
    engine.dispose()
    assert stored.name == "Behov <b>først</b>"
    assert stored.author == "Anna Hansen"
    assert stored.stored_by == "Anna Hansen (lokal tilstand)"
    assert stored.settings(bundled.model).weights["need"] == 60.0
    assert at.query_params["scenarie"] == "1"
    at.text_input(key="scn_new_name").input("Mere behov")
    at.button(key="scn_rename").click().run()
    history = next(df.value for df in at.dataframe if "Ændring" in df.value.columns)
    assert list(history["Version"]) == [1, 2]
    assert list(history["Ændring"]) == [
        "Oprettet",
        "Omdøbt fra 'Behov <b>først</b>'",
    ]
    assert list(history["Gemt af (identitet)"]) == ["Anna Hansen (lokal tilstand)"] * 2
    at.button(key="scn_archive").click().run()
    assert any("arkiveret" in shown(s.value) for s in at.success)
    assert not any("(nr. 1," in o for o in at.selectbox(key="scn_pick").options)  # archived: not offered unless asked
    at.checkbox(key="scn_archived").check().run()
    assert "Mere behov (nr. 1, version 3, arkiveret)" in at.selectbox(key="scn_pick").options
    # opening its link in a fresh session gives the same ranking as the command line would
    fresh = run_app(scenarie="1")
    assert list(table(fresh)["Område"]) == expected_order(bundled, stored.settings_data)
    assert fresh.slider(key="w_need").value == 60


def test_a_save_without_rationale_or_author_is_refused_in_danish(db):
    at = run_app()
    at.text_input(key="scn_name").input("Uden begrundelse")
    at.button(key="FormSubmitter:scn_save-Gem som scenarie").click().run()
    assert any("Forfatteren skal udfyldes" in shown(e.value) for e in at.error)
    at.sidebar.text_input(key="assessor_name").input("Bo")
    at.text_input(key="scn_name").input("Uden begrundelse")
    at.button(key="FormSubmitter:scn_save-Gem som scenarie").click().run()
    assert any("Begrundelsen skal udfyldes" in shown(e.value) for e in at.error)
    engine = open_store(db)
    assert saved.list_scenarios(engine) == []
    engine.dispose()


def test_opening_a_starting_point_sets_the_sliders_and_the_url(db, bundled):
    defaults, _ = load_defaults(BUNDLED_DATA_DIR, bundled.model)
    need_first = next(d for d in defaults if d.key == "behov-foerst")
    at = run_app()
    at.selectbox(key="scn_pick").select("behov-foerst").run()
    assert [at.slider(key=f"w_{c}").value for c in ("trust", "actors", "need")] == [25, 25, 50]
    assert list(table(at)["Område"]) == expected_order(bundled, need_first.settings.to_dict())
    assert at.query_params["scenarie"] == "behov-foerst"
    at.slider(key="w_need").set_value(70).run()  # a change: the link spells out the settings
    assert at.query_params["vaegte"].startswith("trust:")
    assert "scenarie" not in at.query_params


def test_a_readable_link_restores_weights_and_rules(db, bundled):
    at = run_app(vaegte="trust:1,actors:1,need:2", regel=["listestatus:verified+inferred"])
    shown = table(at)
    assert list(shown["Område"]) == expected_order(
        bundled,
        {
            "weights": {"trust": 1, "actors": 1, "need": 2},
            "rules": [{"kind": "list_status", "allowed": ["verified", "inferred"]}],
        },
    )
    excluded = shown[shown["Rang"] == "–"]
    assert len(excluded) == 7
    assert all(s.startswith("Udelukket: listestatus er Kandidat") for s in excluded["Datastatus"])
    assert set(shown["Liste"]) == {"Verificeret", "Udledt", "Kandidat"}


@pytest.mark.parametrize(
    "params",
    [
        {"vaegte": "trust:-1,actors:1,need:1"},
        {"vaegte": "trust:1e300,actors:1,need:1"},
        {"scenarie": "987"},
        {"vaegte": "<img src=x onerror=alert(1)>"},
        {"regel": ["minscore:need:40"] * 300},
        {"delvaegte": "need_assessed:0,need_documented:0"},  # a weighted criterion with no indicator left
    ],
)
def test_bad_links_give_a_notice_and_the_defaults(db, bundled, params):
    at = run_app(**params)
    notices = [w.value for w in at.warning if "Linket kunne ikke bruges" in shown(w.value)]
    assert len(notices) == 1
    assert interpreted(notices[0]) == []
    assert list(table(at)["Område"]) == expected_order(bundled, {})


def test_rules_editor_adds_a_rule_and_all_excluded_keeps_the_last_ranking(db, bundled):
    at = run_app()
    before = list(table(at)["Område"])
    at.selectbox(key="rule_kind").select("min_score").run()
    at.selectbox(key="rule_target").select("trust").run()  # the best trust score is below 100
    at.text_input(key="rule_value").set_value("101").run()
    at.button(key="rule_add").click().run()
    assert any("Mindste score skal være et tal mellem 0 og 100" in shown(e.value) for e in at.error)
    at.text_input(key="rule_value").set_value("100").run()
    at.button(key="rule_add").click().run()
    assert not at.exception
    assert any(
        "Reglerne udelukker alle områder" in shown(e.value)
        and "Score for Tillidsfulde indsatser mindst 100" in shown(e.value)
        for e in at.error
    )
    assert list(table(at)["Område"]) == before  # the last ranking stays visible
    at.button(key="rule_remove_0").click().run()
    assert not any("udelukker alle" in shown(e.value) for e in at.error)


def test_compare_shows_ranks_counts_and_a_sentence(db, bundled):
    at = run_app()
    at.multiselect(key="compare_pick").set_value(["__now__", "behov-foerst", "byg-videre"]).run()
    frame = next(df.value for df in at.dataframe if "I top 3" in df.value.columns)
    assert len(frame) == len(bundled.areas)
    assert {"Behov først (udgangspunkt): rang", "Byg videre på det, der virker (udgangspunkt): score"} <= set(
        frame.columns
    )
    sentences = [shown(m.value) for m in at.markdown if "er nr. 1 i" in shown(m.value)]
    assert sentences
    assert "af 3 scenarier" in sentences[0]


WRITE_BUTTONS = ("FormSubmitter:scn_save-Gem som scenarie", "scn_change", "scn_rename", "scn_duplicate", "scn_archive")
WRITE_FIELDS = ("scn_name", "scn_rationale", "scn_reason", "scn_new_name")


def write_controls(at: AppTest) -> list[str]:
    """The keys of the scenario write controls on the page."""
    keys = [b.key for b in at.button] + [t.key for t in at.text_input] + [t.key for t in at.text_area]
    return [k for k in keys if k in WRITE_BUTTONS + WRITE_FIELDS]


def store_one(db: str, model) -> saved.Scenario:
    engine = open_store(db)
    try:
        return saved.save_new(
            engine, model, "Behov først", "Fordi.", parse_settings({"weights": {"need": 2}}, model), "Anna", actor=ADMIN
        )
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("setting", "value", "notice"),
    [
        ("SELECTION_LOCAL_ROLE", "Læser", "din rolle giver ikke adgang til at gemme scenarier"),
        ("SELECTION_READ_ONLY", "1", "Skrivebeskyttet visning: scenarier kan åbnes, sammenlignes og deles med link"),
    ],
)
def test_a_reader_and_read_only_mode_see_no_scenario_write_controls_but_open_compare_and_link(
    db, bundled, monkeypatch: pytest.MonkeyPatch, setting: str, value: str, notice: str
):
    first = store_one(db, bundled.model)
    monkeypatch.setenv(setting, value)
    at = run_app()
    assert write_controls(at) == []
    assert any(notice in shown(c.value) for c in at.sidebar.caption)
    at.selectbox(key="scn_pick").select(str(first.id)).run()  # opening stays possible
    assert not at.exception
    assert write_controls(at) == []
    assert at.slider(key="w_need").value == 50
    assert at.query_params["scenarie"] == str(first.id)
    history = next(df.value for df in at.dataframe if "Ændring" in df.value.columns)
    assert list(history["Gemt af (identitet)"]) == ["tester@test-host (kommandolinjen)"]
    assert list(table(at)["Område"]) == expected_order(bundled, first.settings_data)
    at.multiselect(key="compare_pick").set_value(["__now__", str(first.id), "behov-foerst"]).run()  # comparing too
    assert any("I top 3" in df.value.columns for df in at.dataframe)
    fresh = run_app(scenarie=str(first.id))  # and its link
    assert fresh.slider(key="w_need").value == 50
    assert write_controls(fresh) == []


def test_a_planner_can_save_change_and_archive_under_the_name_typed_once(db, bundled, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SELECTION_LOCAL_ROLE", "Planlægger")
    at = run_app()
    assert set(write_controls(at)) == {"FormSubmitter:scn_save-Gem som scenarie", "scn_name", "scn_rationale"}
    assert any("Skriv dit navn i sidepanelet" in shown(c.value) for c in at.sidebar.caption)
    at.sidebar.text_input(key="assessor_name").input("Pia Planlægger").run()
    assert any("Du gemmer som: Pia Planlægger" in shown(c.value) for c in at.sidebar.caption)
    at.slider(key="w_need").set_value(70).run()
    at.text_input(key="scn_name").input("Pias scenarie")
    at.text_area(key="scn_rationale").input("Behov vejer mest.")
    at.button(key="FormSubmitter:scn_save-Gem som scenarie").click().run()
    assert any("Gemt som scenarie nr. 1" in shown(s.value) for s in at.success), [shown(e.value) for e in at.error]
    assert set(WRITE_BUTTONS) <= set(write_controls(at))
    at.button(key="scn_archive").click().run()
    engine = open_store(db)
    try:
        versions = saved.history(engine, 1)
    finally:
        engine.dispose()
    assert [(v.version, v.author, v.archived, v.stored_by) for v in versions] == [
        (1, "Pia Planlægger", False, "Pia Planlægger (lokal tilstand)"),
        (2, "Pia Planlægger", True, "Pia Planlægger (lokal tilstand)"),
    ]


def test_rules_editor_offers_every_indicator_for_a_value_rule(db, bundled):
    """A value rule lists the indicators with their scales and can be added (choosing the kind used to crash)."""
    from selection.scenarios import describe, parse_rule

    at = run_app()
    at.selectbox(key="rule_kind").select("max_value").run()
    assert not at.exception, at.exception
    indicators = bundled.model.indicators
    assert at.selectbox(key="rule_target").options == [f"{i.label} ({i.scale_text})" for i in indicators]
    last = indicators[-1]
    at.selectbox(key="rule_target").select(last.id).run()
    at.text_input(key="rule_value").set_value(f"{last.scale_max:g}".replace(".", ",")).run()
    at.button(key="rule_add").click().run()
    assert not at.exception, at.exception
    rule = parse_rule({"kind": "max_value", "indicator": last.id, "max": float(last.scale_max)}, bundled.model)
    assert any(describe(rule, bundled.model) in shown(m.value) for m in at.markdown)


def test_while_the_rules_exclude_every_area_no_shortlist_file_is_offered(db, bundled):
    at = open_folds(AppTest.from_file(APP, default_timeout=60))
    open_section(at, SHORTLIST)
    at.query_params["regel"] = "maxvaerdi:need_assessed:0"  # a link whose rule excludes every area
    at.run()
    assert not at.exception, at.exception
    assert any("Reglerne udelukker alle områder" in shown(e.value) for e in at.error)
    assert table(at) is not None, "the last ranking stays on screen"
    labels = [b.proto.label for b in at.get("download_button")]
    assert not [label for label in labels if "kortliste" in label.lower()], labels  # not the kept ranking as a file
    assert any("ingen kortliste" in shown(i.value) for i in at.info)


def test_while_the_rules_exclude_every_area_the_robustness_view_analyses_nothing(db, bundled):
    at = open_folds(AppTest.from_file(APP, default_timeout=60))
    at.query_params["regel"] = "maxvaerdi:need_assessed:0"  # a link whose rule excludes every area
    at.run()
    at.segmented_control(key="view").set_value("Robusthed").run()
    assert not at.exception, at.exception
    assert any("intet at afprøve" in shown(i.value) for i in at.info)
    assert not at.get("download_button"), "no priority list of the ranking kept on screen leaves as a file"
    assert not at.get("vega_lite_chart"), "no heat map or sweep of a ranking the rules do not give"


def test_a_link_with_sub_weights_above_the_sliders_ranks_as_the_link_says(db, bundled):
    """Sub-weights count only in proportion within their criterion: above the slider's 10 they are scaled down
    together (the ranking stays the link's and the command line's), not each cut to 10 (another ranking)."""
    raw = {
        "weights": {"trust": 0, "actors": 0, "need": 1},
        "sub_weights": {"need_assessed": 1000, "need_documented": 1},
    }
    at = run_app(vaegte="trust:0,actors:0,need:1", delvaegte="need_assessed:1000,need_documented:1")
    _, result = evaluate_settings(bundled, parse_settings(raw, bundled.model))
    shown_table = table(at)
    assert list(shown_table["Område"]) == list(result.table["name"])
    assert list(shown_table["Samlet score"]) == [number(t) for t in result.table["total"]]
    assert any("forholdet mellem dem" in shown(w.value) for w in at.warning)


@pytest.mark.parametrize(
    ("typed", "link"), [("2,5", "minvaerdi:need_assessed:2.5"), ("2.5", "minvaerdi:need_assessed:2.5")]
)
def test_a_rule_threshold_takes_the_danish_comma(db, bundled, typed, link):
    """Issue 29 (11): every number a person types accepts the decimal comma (and the point)."""
    at = run_app()
    at.selectbox(key="rule_kind").select("min_value").run()
    at.selectbox(key="rule_target").select("need_assessed").run()
    at.text_input(key="rule_value").set_value(typed).run()
    at.button(key="rule_add").click().run()
    assert not at.exception, at.exception
    assert at.query_params["regel"] == link


@pytest.mark.parametrize("typed", ["2,5,5", "to", "1e999"])
def test_a_rule_threshold_that_is_no_number_is_refused_in_danish(db, bundled, typed):
    at = run_app()
    at.selectbox(key="rule_kind").select("min_value").run()
    at.selectbox(key="rule_target").select("need_assessed").run()
    at.text_input(key="rule_value").set_value(typed).run()
    at.button(key="rule_add").click().run()
    assert not at.exception, at.exception
    assert any(shown(e.value).startswith("Grænsen:") for e in at.error)
    assert "regel" not in at.query_params


def test_a_saved_scenarios_link_says_what_was_stored_since_it_was_saved(db, bundled):
    """Issue 29 (13): a link shows today's data, and says when assessments or register records were stored
    after the scenario was saved."""
    import time
    from datetime import date

    from selection.assessments import NewAssessment, record_assessment, value_version

    engine = open_store(db)
    settings = parse_settings({"weights": {"trust": 1, "actors": 1, "need": 2}}, bundled.model)
    made = saved.save_new(engine, bundled.model, "Behov <b>dobbelt</b>", "Til mødet.", settings, "Anna", actor=ADMIN)
    at = run_app(scenarie=str(made.id))
    assert not [i for i in at.info if "Siden scenariet" in shown(i.value)]  # nothing stored since: nothing said
    time.sleep(1.1)  # the store keeps whole seconds
    package = load_dataset(BUNDLED_DATA_DIR)
    record_assessment(
        engine,
        NewAssessment("folehaven", "need_assessed", 5, "Nyt fra SSP", "", "Bo", "SSP", date(2026, 12, 1)),
        package.model,
        package.area_ids,
        value_version(engine, "folehaven", "need_assessed"),
        actor=ADMIN,
    )
    engine.dispose()
    at = run_app(scenarie=str(made.id))
    (raw,) = [i.value for i in at.info if "Siden scenariet" in shown(i.value)]
    said = shown(raw)
    assert said.startswith("Siden scenariet «Behov <b>dobbelt</b>» blev gemt (")
    assert "er 1 vurdering gemt" in said
    assert interpreted(raw) == []  # the name is text, not markup
    at.slider(key="w_need").set_value(10).run()  # no longer the saved scenario on screen: nothing said
    assert not [i for i in at.info if "Siden scenariet" in shown(i.value)]
