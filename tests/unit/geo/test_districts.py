"""The orientation layer made from the data's own district names (issue 29, class 16)."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import box

from selection.geo.districts import district_name, districts
from selection.geo.geometry import WGS84


def test_a_district_value_names_the_district_before_its_note_and_unknown_names_none():
    assert district_name("Nørrebro (Ydre Nørrebro, 2200 N)") == "Nørrebro"
    assert district_name("  Amager   Vest ") == "Amager Vest"
    assert district_name("Ukendt (hypotese: Brønshøj-Husum/Bellahøj)") is None
    assert district_name("") is None
    assert district_name(None) is None
    assert district_name(float("nan")) is None


def test_each_named_district_frames_its_areas_with_its_name_on_top():
    areas = gpd.GeoSeries(
        [box(12.50, 55.70, 12.51, 55.71), box(12.53, 55.70, 12.54, 55.71), box(12.60, 55.65, 12.61, 55.66)],
        crs=WGS84,
    )
    found = districts(["Nørrebro", "Nørrebro (note)", "Amager Vest"], areas)
    assert [d.name for d in found] == ["Amager Vest", "Nørrebro"]
    nørrebro = found[1]
    assert nørrebro.outline.contains(areas[0])
    assert nørrebro.outline.contains(areas[1])
    assert not nørrebro.outline.intersects(areas[2])
    assert nørrebro.label_y >= areas[0].bounds[3]  # the name sits above the areas, not on them


def test_one_district_or_none_draws_no_orientation_layer():
    areas = gpd.GeoSeries([box(12.50, 55.70, 12.51, 55.71), box(12.53, 55.70, 12.54, 55.71)], crs=WGS84)
    assert districts(["Valby", "Valby"], areas) == []
    assert districts(["Ukendt", None], areas) == []
