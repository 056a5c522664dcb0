"""Danish numbers on every slider (issue 29, class 11): the sub-weight sliders showed '1.00'. A slider's format
(sprintf) has no decimal comma, so a slider shows whole numbers only and the sub-weights are steps with Danish
labels ('1,0'), whose values stay the sub-weights themselves (links and scenarios keep working)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.factory import make_package
from tests.support.folds import open_folds
from ui import state
from ui.sidebar import SUB_GRID, sub_weight_label, sub_weight_options

APP = str(Path(__file__).resolve().parents[2] / "app.py")
DANISH = re.compile(r"[0-9]{1,2},[0-9]{1,2}")


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = make_package(tmp_path / "pkg")
    monkeypatch.setenv("SELECTION_DATA", str(folder))
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "imports"))
    return folder


def sub_weight_sliders(at: AppTest) -> dict[str, object]:
    return {w.key: w for w in at.select_slider if str(w.key).startswith("sw_")}


def test_every_slider_shows_danish_numbers(package: Path) -> None:
    at = open_folds(AppTest.from_file(APP, default_timeout=60)).run()
    assert not at.exception, at.exception
    for slider in at.slider:  # whole numbers only: '%0.2f' would show '1.00'
        assert "f" not in slider.proto.format, (slider.key, slider.proto.format)
    subs = sub_weight_sliders(at)
    assert subs, "the sub-weights are drawn (their part is open)"
    for key, slider in subs.items():
        assert all(DANISH.fullmatch(label) for label in slider.options), (key, slider.options)
        assert "1,0" in slider.options
        assert "0,5" in slider.options
    assert subs["sw_t1"].format_func(subs["sw_t1"].value) == "1,0"


def test_a_sub_weight_between_the_steps_is_kept_exactly(package: Path) -> None:
    """A link's sub-weight of 1.3 (or a scenario's scaled one) is shown as it is, not moved to a step."""
    at = open_folds(AppTest.from_file(APP, default_timeout=60), state.SUB_WEIGHTS_FOLD.name)
    at.query_params["delvaegte"] = "t1:1.3"
    at.run()
    assert not at.exception, at.exception
    slider = sub_weight_sliders(at)["sw_t1"]
    assert slider.value == 1.3
    assert "1,3" in slider.options
    at.select_slider(key="sw_t1").set_value(2.5).run()
    assert at.session_state["sw_t1"] == 2.5
    assert "delvaegte" in at.query_params, "the link follows the screen"
    assert "t1:2.5" in str(at.query_params["delvaegte"])


def test_sub_weight_labels_are_unique_and_danish() -> None:
    assert [sub_weight_label(v) for v in (0.0, 0.5, 1.0, 2.5, 10.0)] == ["0,0", "0,5", "1,0", "2,5", "10,0"]
    assert sub_weight_label(10 / 3) == "3,33"
    assert sub_weight_label(1.0000001) == "1,00", "a value beside a step is not labelled as the step"
    for value in (1.3, 10 / 3, 1.0000001, 7.25):
        labels = [sub_weight_label(v) for v in sub_weight_options(value)]
        assert len(set(labels)) == len(labels)
        assert value in sub_weight_options(value)
    assert sub_weight_options(1.0) == list(SUB_GRID)
