"""The area being assessed is one value (issue 29, class 1): the Vurderinger picker, its forms, the line under the
map and a save all name the same area, also after another view or tab; typed text is never silently dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.test_assessments import errors, open_view, package, run, stored  # noqa: F401 (the fixture)
from ui.layout import SECTIONS
from ui.ranked_view import RANKING_VIEW

pytestmark = pytest.mark.usefixtures("package")  # a small package and an empty store of each test's own

NAMES = {"a": "Alfa", "b": "Bravo", "c": "Charlie"}


def pick(at: AppTest, area: str) -> AppTest:
    at.selectbox(key="assessment_area").set_value(area)
    return run(at)


def shown_area(at: AppTest) -> str:
    """The area the view speaks of: the picker's, and it must be the one of the forms and the line under the map."""
    box = at.selectbox(key="assessment_area")
    area = box.value
    # The browser is sent the area on every run, so it never shows one it remembers from before (it did, after the
    # shortlist tab: the picker said one area while the forms and the map were another's).
    assert box.proto.set_value, "the picker's value is the browser's, not the page's"
    assert at.session_state["selected_area"] == area, "the picker and the selected area (map, details) differ"
    assert f"assess_value_{area}_t1" in at.session_state, "the forms are another area's"
    assert any(c.value.replace("\\", "").startswith(f"{NAMES[area]}: ") for c in at.caption), (
        "the line under the map names another"
    )
    return area


def test_picker_forms_and_map_agree_after_the_shortlist_tab_and_the_detail_panel() -> None:
    at = open_view()
    pick(at, "c")
    assert shown_area(at) == "c"
    open_view(RANKING_VIEW, at)
    at.tabs  # noqa: B018 (drawn)
    at.selectbox(key="selected_area").set_value("b")  # the detail panel's choice is the same area
    run(at)
    at.session_state["section"] = SECTIONS[2]  # the shortlist tab
    run(at)
    open_view("Robusthed", at)
    open_view("Vurderinger", at)
    assert shown_area(at) == "b"


def test_the_area_survives_another_view() -> None:
    at = open_view()
    pick(at, "c")
    open_view("Robusthed", at)
    open_view("Vurderinger", at)
    assert shown_area(at) == "c"


def test_typed_text_is_kept_per_area_and_indicator_while_another_area_is_shown(tmp_path: Path) -> None:
    at = open_view()
    at.text_input(key="assessor_name").set_value("Anna Andersen")
    pick(at, "c")
    at.text_input(key="assess_value_c_t1").set_value("3,5")
    at.text_area(key="assess_reason_c_t1").set_value("Skolen ser flere sager.")
    run(at)
    pick(at, "b")
    assert shown_area(at) == "b"
    assert at.text_input(key="assess_value_b_t1").value in (None, ""), "another area's form starts empty"
    warned = [w.value.replace("\\", "") for w in at.warning if "Ikke gemt endnu" in w.value]
    assert warned, "the unsaved text of another area is named"
    assert "Charlie (T1)" in warned[0]
    open_view("Robusthed", at)  # and another view
    open_view("Vurderinger", at)
    pick(at, "c")
    assert at.text_input(key="assess_value_c_t1").value == "3,5"
    assert at.text_area(key="assess_reason_c_t1").value == "Skolen ser flere sager."
    at.button(key="assess_save_c_t1").click()
    run(at)
    assert not errors(at), errors(at)
    saved = [s.value.replace("\\", "") for s in at.success]
    assert any("for Charlie er gemt: 3,5" in s for s in saved), saved
    assert [(e.area_id, e.value) for e in stored(tmp_path)] == [("c", 3.5)]
    assert shown_area(at) == "c"
    assert not [w for w in at.warning if "Ikke gemt endnu" in w.value], "a saved draft is gone"
    pick(at, "b")
    pick(at, "c")
    assert at.text_input(key="assess_value_c_t1").value in (None, ""), "a saved form is emptied for the next one"


def test_a_map_click_in_the_assessments_view_moves_the_picker() -> None:
    at = open_view()
    pick(at, "c")
    at.session_state["selected_area"] = "a"  # what a click on the map (ui.map_panel.show_details) does
    run(at)
    assert shown_area(at) == "a"
