"""Issue 7, class 10: areas and actors far from where they can be are warned about or refused,
naming the area and the likely cause."""

from __future__ import annotations

import json

import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point, box, mapping

from selection.data.dataset import load_dataset
from selection.importing import validate_import
from tests.support.factory import make_package

ALFA = box(12.50, 55.66, 12.516, 55.67)
_UTM = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)


def to_utm(geom):
    return shapely.transform(geom, lambda xy: list(zip(*_UTM.transform(xy[:, 0], xy[:, 1]), strict=True)))


def swapped(geom):
    return shapely.transform(geom, lambda xy: xy[:, ::-1])


@pytest.fixture
def current(tmp_path):
    return load_dataset(make_package(tmp_path / "pkg"))


def areas_file(geom, crs: str | None = None) -> bytes:
    fc = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": mapping(geom), "properties": {"area_id": "a", "name": "Alfa"}}],
    }
    if crs:
        fc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(fc).encode()


def problems(plan, severity: str) -> list[str]:
    return [str(p) for p in plan.report.problems if p.severity == severity]


@pytest.mark.parametrize(
    ("geom", "crs", "cause"),
    [
        (swapped(ALFA), None, "byttet om"),  # lat/lon swapped
        (to_utm(ALFA), None, "ligner meter i EPSG:25832"),  # metres declared as degrees
        (ALFA, "EPSG:25832", "ligner længde- og breddegrader"),  # degrees declared as metres
        (box(0, -89.9, 1, -89.8), None, "langt fra Danmark"),  # the South Pole
    ],
)
def test_impossible_places_are_refused_with_the_area_and_cause(current, geom, crs, cause):
    plan = validate_import([("omr.geojson", areas_file(geom, crs))], current)
    assert not plan.ok
    found = [e for e in problems(plan, "error") if cause in e]
    assert found, problems(plan, "error")
    assert "Alfa" in found[0]
    assert "langt fra Danmark" in found[0]


def test_a_place_just_outside_denmark_is_a_warning(current):
    hamburg = box(9.99, 53.55, 10.01, 53.56)
    plan = validate_import([("omr.geojson", areas_file(hamburg))], current)
    assert plan.ok, problems(plan, "error")
    assert any("Alfa" in w and "uden for Danmark" in w for w in problems(plan, "warning"))


def test_areas_in_denmark_in_any_crs_pass_without_extent_warnings(current):
    plan = validate_import([("omr.geojson", areas_file(to_utm(ALFA), "EPSG:25832"))], current)
    assert plan.ok, problems(plan, "error")
    assert not any("Danmark" in w for w in problems(plan, "warning"))


def test_actors_with_swapped_coordinates_are_refused(current):
    table = "navn;sektor;lon;lat\nSkole;Skole;55,665;12,508\nKlub;Klub;12,52;55,665\n".encode("cp1252")
    plan = validate_import([("aktører.csv", table)], current, kinds="actors", crs="EPSG:4326")
    assert not plan.ok
    assert any("række 2" in e and "byttet om" in e for e in problems(plan, "error")), problems(plan, "error")


def test_actor_points_far_away_in_a_geojson(current):
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": mapping(Point(12.5, -80)),
                "properties": {"name": "Pingvin", "sector": "school"},
            }
        ],
    }
    plan = validate_import([("a.geojson", json.dumps(fc).encode())], current, kinds="actors")
    assert any("Pingvin" in e and "langt fra Danmark" in e for e in problems(plan, "error")), problems(plan, "error")
