"""The page's folded parts (ui.layout.folded): drawn only while open, and closing one loses nothing the user set."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.factory import make_package
from tests.folds import FOLDS, open_folds
from ui import compare, scenarios, sidebar

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = make_package(tmp_path / "pkg")
    monkeypatch.setenv("SELECTION_DATA", str(folder))
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "imports"))
    return folder


def keys(at: AppTest) -> set[str]:
    """The keys of every widget drawn in the last run."""
    found = set()
    for kind in ("slider", "selectbox", "multiselect", "text_input", "radio", "checkbox", "number_input"):
        found |= {w.key for w in at.get(kind) if getattr(w, "key", None)}
    return found


def ranking(at: AppTest) -> list[str]:
    table = next(df.value for df in at.dataframe if "Rang" in df.value.columns)
    return list(table["Område"])


def close(at: AppTest, *fold_keys: str) -> AppTest:
    for key in fold_keys:
        at.session_state[key] = False
    return at.run()


def test_closed_parts_are_not_drawn(package: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    drawn = keys(at)
    assert {"sw_t1", "distance_m", "basemap", "tile_url", "scn_pick", "rule_kind", compare.PICK}.isdisjoint(drawn)
    assert {"w_trust", "w_actors", "w_need"} <= drawn, "the main weights are never folded away"
    labels = {e.label for e in at.expander}
    assert {"Delvægte for indikatorer", "Aktører og kort", "Scenarier og udelukkelse"} <= labels
    open_folds(at).run()
    assert not at.exception, at.exception
    assert {"sw_t1", "distance_m", "basemap", "tile_url", "scn_pick", "rule_kind", compare.PICK} <= keys(at)


def test_values_set_in_a_folded_part_survive_closing_it(package: Path) -> None:
    at = open_folds(AppTest.from_file(APP, default_timeout=60), sidebar.SUB_WEIGHTS_FOLD, sidebar.ACTORS_MAP_FOLD)
    at.run()
    at.slider(key="sw_t1").set_value(0.0).run()
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
    open_folds(at, sidebar.SUB_WEIGHTS_FOLD, sidebar.ACTORS_MAP_FOLD).run()
    assert at.slider(key="sw_t1").value == 0.0
    assert at.slider(key="distance_m").value == 1200
    assert at.text_input(key="tile_url").value == "https://kort.example.dk/{z}/{x}/{y}.png"


def test_a_rule_being_built_survives_closing_the_scenarios(package: Path) -> None:
    """The save form's fields are sent only by 'Gem' (a Streamlit form), so only the rule builder is carried."""
    at = open_folds(AppTest.from_file(APP, default_timeout=60), scenarios.FOLD).run()
    kinds = at.selectbox(key="rule_kind").options
    value_kind = next(k for k in kinds if k != at.selectbox(key="rule_kind").value)
    at.selectbox(key="rule_kind").select(value_kind).run()
    if "rule_value" in keys(at):
        at.number_input(key="rule_value").set_value(40.0).run()
    kind, drawn = at.selectbox(key="rule_kind").value, keys(at)
    close(at, scenarios.FOLD)
    assert "rule_kind" not in keys(at)
    at.run()
    open_folds(at, scenarios.FOLD).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="rule_kind").value == kind
    if "rule_value" in drawn:
        assert at.number_input(key="rule_value").value == 40.0
