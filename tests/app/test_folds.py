"""The page's folded parts (ui.layout.folded) and tabs (ui.layout.sections): drawn only while open or chosen,
and closing one loses nothing the user set."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.factory import make_package
from tests.support.folds import DETAILS, FOLDS, SHORTLIST, WHY, open_folds, open_section
from tests.support.fragments import run_fragment
from ui import layout, state

COMPARE_PICK = state.COMPARE_PICK.name

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = make_package(tmp_path / "pkg")
    monkeypatch.setenv("SELECTION_DATA", str(folder))
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "imports"))
    return folder


def keys(at: AppTest) -> set[str]:
    """The keys of every widget drawn in the last run."""
    found = set()
    for kind in (
        "slider",
        "select_slider",
        "selectbox",
        "multiselect",
        "text_input",
        "radio",
        "checkbox",
        "number_input",
    ):
        found |= {w.key for w in at.get(kind) if getattr(w, "key", None)}
    return found


def table(at: AppTest):
    """The ranking table beside the map (a pandas frame)."""
    return next(df.value for df in at.dataframe if "Rang" in df.value.columns)


def ranking(at: AppTest) -> list[str]:
    return list(table(at)["Område"])


def close(at: AppTest, *fold_keys: str) -> AppTest:
    for key in fold_keys:
        at.session_state[key] = False
    return at.run()


def test_closed_parts_are_not_drawn(package: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    drawn = keys(at)
    assert {"sw_t1", "distance_m", "basemap", "tile_url", "scn_pick", "rule_kind", COMPARE_PICK}.isdisjoint(drawn)
    assert {"w_trust", "w_actors", "w_need"} <= drawn, "the main weights are never folded away"
    labels = {e.label for e in at.expander}
    assert {"Delvægte for indikatorer", "Aktører og kort", "Scenarier og udelukkelse"} <= labels
    open_folds(at).run()
    assert not at.exception, at.exception
    assert {"sw_t1", "distance_m", "basemap", "tile_url", "scn_pick", "rule_kind", COMPARE_PICK} <= keys(at)


def test_values_set_in_a_folded_part_survive_closing_it(package: Path) -> None:
    at = open_folds(AppTest.from_file(APP, default_timeout=60), state.SUB_WEIGHTS_FOLD.name, state.ACTORS_MAP_FOLD.name)
    at.run()
    at.select_slider(key="sw_t1").set_value(0.0).run()
    at.slider(key="distance_m").set_value(1200).run()
    at.text_input(key="tile_url").set_value("https://kort.example.dk/{z}/{x}/{y}.png").run()
    changed = ranking(at)
    close(at, *FOLDS)
    assert not at.exception, at.exception
    assert "sw_t1" not in keys(at)
    for _ in range(2):  # a closed part stays as set over later runs too
        at.run()
        assert at.session_state["sw_t1"] == 0.0
        assert at.session_state["distance_m"] == 1200
        assert at.session_state["tile_url"] == "https://kort.example.dk/{z}/{x}/{y}.png"
        assert ranking(at) == changed
    open_folds(at, state.SUB_WEIGHTS_FOLD.name, state.ACTORS_MAP_FOLD.name).run()
    assert at.select_slider(key="sw_t1").value == 0.0
    assert at.slider(key="distance_m").value == 1200
    assert at.text_input(key="tile_url").value == "https://kort.example.dk/{z}/{x}/{y}.png"


def test_a_rule_being_built_survives_closing_the_scenarios(package: Path) -> None:
    """The save form's fields are sent only by 'Gem' (a Streamlit form), so only the rule builder is carried."""
    at = open_folds(AppTest.from_file(APP, default_timeout=60), state.SCENARIO_FOLD.name).run()
    kinds = at.selectbox(key="rule_kind").options
    value_kind = next(k for k in kinds if k != at.selectbox(key="rule_kind").value)
    at.selectbox(key="rule_kind").select(value_kind).run()
    if "rule_value" in keys(at):
        at.text_input(key="rule_value").set_value("40").run()
    kind, drawn = at.selectbox(key="rule_kind").value, keys(at)
    close(at, state.SCENARIO_FOLD.name)
    assert "rule_kind" not in keys(at)
    at.run()
    open_folds(at, state.SCENARIO_FOLD.name).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="rule_kind").value == kind
    if "rule_value" in drawn:
        assert at.text_input(key="rule_value").value == "40"


def drawn_parts(at: AppTest) -> dict[str, bool]:
    """Which tab's content the last run (of the page or of the weight fragment) drew: the details' rank line,
    the chart, the shortlist (its table and files)."""
    return {
        DETAILS: any(m.value.startswith("**Rang:**") for m in at.markdown),
        WHY: bool(at.get("vega_lite_chart")),
        SHORTLIST: bool(at.get("download_button")) or any("Listestatus" in df.value.columns for df in at.dataframe),
    }


def test_only_the_chosen_tab_is_drawn_also_when_a_weight_moves(package: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    assert [t.label for t in at.tabs] == list(layout.SECTIONS)
    assert drawn_parts(at) == {DETAILS: True, WHY: False, SHORTLIST: False}, "the details tab comes first"
    for label in (WHY, SHORTLIST, DETAILS):
        open_section(at, label).run()
        assert not at.exception, at.exception
        assert drawn_parts(at) == {part: part == label for part in layout.SECTIONS}
        before = table(at)
        at.slider(key="w_trust").set_value(0 if at.slider(key="w_trust").value else 100)
        run_fragment(at, state.RANKED_FRAGMENT.name)
        assert not at.exception, at.exception
        assert drawn_parts(at) == {part: part == label for part in layout.SECTIONS}, "a weight move keeps to the tab"
        assert not table(at).equals(before), "the fragment ran: the ranking's scores changed"


def test_choices_in_a_tab_survive_another_tab_being_shown(package: Path) -> None:
    at = open_section(AppTest.from_file(APP, default_timeout=60), SHORTLIST).run()
    at.number_input(key="top_n").set_value(2).run()
    at.radio(key="csv_style").set_value(at.radio(key="csv_style").options[-1]).run()
    at.checkbox(key="csv_robustness").check().run()
    style = at.radio(key="csv_style").value
    open_section(at, DETAILS).run()
    box = at.selectbox(key="selected_area")
    box.select_index(len(box.options) - 1).run()
    area = at.session_state["selected_area"]
    assert area != box.value, "another area than the one shown first"
    open_section(at, WHY).run()
    for _ in range(2):  # the tabs not drawn stay as set over later runs too
        at.run()
        assert not at.exception, at.exception
        assert "top_n" not in keys(at)
        assert "selected_area" not in keys(at)
        assert (at.session_state["top_n"], at.session_state["csv_robustness"]) == (2, True)
        assert at.session_state["selected_area"] == area
    open_section(at, SHORTLIST).run()
    assert at.number_input(key="top_n").value == 2
    assert at.radio(key="csv_style").value == style
    assert at.checkbox(key="csv_robustness").value is True
    open_section(at, DETAILS).run()
    assert at.selectbox(key="selected_area").value == area
