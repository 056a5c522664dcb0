"""One import of several files: each area and each value comes from one place, and 'Erstat hele
områdesættet' takes the area files together as the complete list (a list split over two files keeps
every area). Two files with the same name cannot be told apart and are refused."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from selection.data.dataset import load_dataset
from selection.importing import validate_import
from tests.support.factory import AREAS, REPO, area_features, make_package


@pytest.fixture
def current(tmp_path):
    return load_dataset(make_package(tmp_path / "pkg"))


def geojson(areas) -> bytes:
    return json.dumps(area_features(areas)).encode()


def test_replace_areas_with_the_list_split_over_two_files_keeps_every_area(current):
    plan = validate_import(
        [("del1.geojson", geojson(AREAS[:1])), ("del2.geojson", geojson(AREAS[1:]))], current, replace_areas=True
    )
    assert plan.ok, [str(p) for p in plan.report.errors]
    assert sorted(plan.areas.index) == ["a", "b", "c"]
    assert plan.diff.areas_removed == []
    assert plan.diff.areas_added == []
    assert len(plan.values) == len(current.values)  # no value removed with an area


def test_replace_areas_over_two_files_removes_only_areas_in_neither(current):
    plan = validate_import(
        [("del1.geojson", geojson(AREAS[:1])), ("del2.geojson", geojson(AREAS[2:]))], current, replace_areas=True
    )
    assert plan.ok, [str(p) for p in plan.report.errors]
    assert plan.diff.areas_removed == ["b"]
    assert sorted(plan.areas.index) == ["a", "c"]
    removal = [p.message for p in plan.report.warnings if "fjernes" in p.message]
    assert len(removal) == 1, removal
    assert "Bravo" in removal[0]


def test_the_same_area_in_two_area_files_is_an_error(current):
    moved = [(AREAS[0][0], AREAS[0][1], AREAS[0][2].buffer(0.001))]
    plan = validate_import([("a1.geojson", geojson(AREAS[:1])), ("a2.geojson", geojson(moved))], current)
    assert not plan.ok
    assert any("a1.geojson" in p.message and p.file == "a2.geojson" for p in plan.report.errors), plan.report.errors


def test_the_same_value_in_two_value_files_is_an_error(current):
    plan = validate_import([("v1.csv", b"area_id;t1\na;4\n"), ("v2.csv", b"area_id;t1\na;2\n")], current)
    assert not plan.ok
    problem = next(p for p in plan.report.errors if p.file == "v2.csv")
    assert "v1.csv" in problem.message
    assert "række 2" in problem.message


def test_values_for_different_areas_in_two_files_are_fine(current):
    plan = validate_import([("v1.csv", b"area_id;t1\na;4\n"), ("v2.csv", b"area_id;t1\nb;2\n")], current)
    assert plan.ok, [str(p) for p in plan.report.errors]
    assert {(c.area_id, c.new) for c in plan.diff.values_changed} == {("a", 4.0), ("b", 2.0)}


def test_two_files_with_the_same_name_are_refused(current):
    plan = validate_import([("v.csv", b"area_id;t1\na;4\n"), ("v.csv", b"area_id;n1\nb;2\n")], current)
    assert not plan.ok
    assert any("v.csv" in str(p) and "samme navn" in p.message for p in plan.report.errors)


def test_import_view_with_two_uploads_of_the_same_name_shows_a_danish_error(tmp_path, monkeypatch):
    pkg = make_package(tmp_path / "pkg")
    monkeypatch.setenv("SELECTION_DATA", str(pkg))
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "store"))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    at.segmented_control(key="view").set_value("Indlæs data").run()
    at.get("file_uploader")[0].set_value(
        [("v.csv", b"area_id;t1\na;4\n", "text/csv"), ("v.csv", b"area_id;n1\nb;2\n", "text/csv")]
    )
    at.run()
    assert not at.exception, at.exception
    assert any("hedder det samme" in e.value for e in at.error), [e.value for e in at.error]
    assert not any(b.key == "import_apply" for b in at.button)
    assert not (tmp_path / "store").exists()
