"""AppTest: what a planner chose stays sensible when the data under it changes during the session."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from selection.config import BUNDLED_DATA_DIR
from selection.data.dataset import load_dataset
from selection.ranking.evaluate import evaluate
from selection.text.formatting import number
from tests.support.factory import CRITERIA, make_package
from tests.support.folds import SHORTLIST, open_folds, open_section

APP = str(Path(__file__).resolve().parents[2] / "app.py")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SELECTION_DB_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "imports"))
    for name in ("SELECTION_DATA", "SELECTION_READ_ONLY", "SELECTION_LOCAL_ROLE", "SELECTION_ADMIN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def import_only(folder: Path, n_areas: int, start: int = 0) -> None:
    """Another planner imports an area list that keeps only ``n_areas`` of the bundled areas (command line)."""
    areas = json.loads((BUNDLED_DATA_DIR / "areas.geojson").read_text(encoding="utf-8"))
    areas["features"] = areas["features"][start : start + n_areas]
    path = folder / "omraader.geojson"
    path.write_text(json.dumps(areas), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "selection", "import", str(path), "--replace-areas", "--user", "Gis Team"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_a_shortlist_longer_than_the_new_area_list_becomes_the_whole_list(store: Path) -> None:
    at = open_section(open_folds(AppTest.from_file(APP, default_timeout=120)), SHORTLIST).run()
    at.number_input(key="top_n").set_value(10).run()
    import_only(store, 3)
    at.run()
    assert not at.exception, at.exception
    assert at.number_input(key="top_n").value == 3  # as many as there are, not Streamlit's reset to the minimum
    shortlist = next(df.value for df in at.dataframe if "Datastatus" in df.value.columns and "Listestatus" in df.value)
    assert len(shortlist) == 3


def negative_scale_package(folder: Path) -> Path:
    """The factory package with an indicator whose scale runs below 0 (e.g. a change in per cent)."""
    criteria = copy.deepcopy(CRITERIA)
    n2 = next(i for c in criteria["criteria"] for i in c["indicators"] if i["id"] == "n2")
    n2["scale"] = {"min": -100, "max": 100}
    return make_package(folder, criteria=criteria)


def test_a_negative_threshold_on_a_negative_scale_can_be_set_and_shared(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SELECTION_DATA", str(negative_scale_package(store / "pkg")))
    at = open_folds(AppTest.from_file(APP, default_timeout=120)).run()
    at.selectbox(key="rule_kind").select("min_value").run()
    at.selectbox(key="rule_target").select("n2").run()
    at.text_input(key="rule_value").set_value("-10").run()
    at.button(key="rule_add").click().run()
    assert not at.exception, at.exception
    assert at.query_params["regel"] == "minvaerdi:n2:-10"
    again = AppTest.from_file(APP, default_timeout=120)  # the link, opened by a colleague
    again.query_params["regel"] = "minvaerdi:n2:-10"
    again.run()
    assert not [w for w in again.warning if "Linket kunne ikke bruges" in w.value]
    assert [r.kind for r in again.session_state["scenario_rules"]] == ["min_value"]
    at.text_input(key="rule_value").set_value("-5").run()
    at.selectbox(key="rule_kind").select("min_score").run()  # a threshold below 0 left in the field
    assert not at.exception, at.exception


def test_package_sub_weights_above_the_sliders_rank_as_the_command_line_does(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another package's default sub-weights 20 : 5 are 4 : 1; cut to the slider's 10 they read 2 : 1."""
    criteria = copy.deepcopy(CRITERIA)
    for ind in next(c for c in criteria["criteria"] if c["id"] == "need")["indicators"]:
        ind["default_weight"] = {"n1": 20, "n2": 5}[ind["id"]]
    folder = make_package(store / "pkg", criteria=criteria)
    monkeypatch.setenv("SELECTION_DATA", str(folder))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    _, result = evaluate(load_dataset(folder))  # the package's own weights, as `python -m selection rank`
    shown = next(df.value for df in at.dataframe if "Rang" in df.value.columns and "Liste" in df.value.columns)
    assert list(shown["Samlet score"]) == [number(t) for t in result.table["total"]]
    at.button(key="weights_reset").click().run()  # 'Nulstil' gives the same
    shown = next(df.value for df in at.dataframe if "Rang" in df.value.columns and "Liste" in df.value.columns)
    assert list(shown["Samlet score"]) == [number(t) for t in result.table["total"]]


def test_rules_that_exclude_every_area_of_a_new_area_list_keep_no_ranking_of_the_old_list(store: Path) -> None:
    """The page keeps the last ranking with eligible areas; after an import that ranking is of other areas."""
    at = open_folds(AppTest.from_file(APP, default_timeout=120))
    at.query_params["regel"] = "listestatus:verified"  # the two verified areas are ranked (and kept)
    at.run()
    import_only(store, 3, start=6)  # three areas whose list status is an estimate: the rule excludes them all
    at.run()
    assert not at.exception, at.exception
    shown = next(df.value for df in at.dataframe if "Rang" in df.value.columns and "Liste" in df.value.columns)
    assert len(shown) == 3
