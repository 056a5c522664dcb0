"""Actor presence per sector within a distance (selection/geo/actor_presence.py, data/performance.py).

Factory geometry: a1 (school, sourced) inside Alfa, a2 (club, illustrative) ~300 m east
of Alfa's east edge, a3 (club, illustrative) far from every area.
"""

from __future__ import annotations

import copy
import math

import geopandas as gpd
import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import Point

from selection.data.dataset import load_dataset
from selection.data.performance import build_performance
from selection.geo.actor_presence import actor_distances, actors_near, sector_presence
from selection.geo.geometry import METRIC_CRS
from tests.support.factory import ACTORS, CRITERIA, make_package

SECTORS = ["school", "club"]


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    return load_dataset(make_package(tmp_path_factory.mktemp("actors") / "p"))


def test_presence_at_500_m(ds):
    counts = sector_presence(ds.areas, ds.actors, SECTORS, 500)
    assert list(counts.index) == ["a", "b", "c"]
    assert counts.loc["a"].to_dict() == {"school": 1, "club": 1}
    assert counts.loc["b"].to_dict() == {"school": 0, "club": 0}
    assert counts.loc["c"].to_dict() == {"school": 0, "club": 0}


@pytest.mark.parametrize("distance", [0, 100])
def test_presence_at_short_distance_only_school(ds, distance):
    counts = sector_presence(ds.areas, ds.actors, SECTORS, distance)
    assert counts.loc["a"].to_dict() == {"school": 1, "club": 0}
    assert int(counts.loc[["b", "c"]].to_numpy().sum()) == 0


def test_far_actor_counts_only_at_a_large_distance(ds):
    counts = sector_presence(ds.areas, ds.actors, SECTORS, 20_000)
    assert counts.loc["a"].to_dict() == {"school": 1, "club": 2}


def test_distances_in_metres(ds):
    pairs = actor_distances(ds.areas, ds.actors, 500)
    assert list(pairs["area_id"]) == ["a", "a"]
    assert list(pairs["actor_index"]) == [0, 1]
    d_inside, d_east = pairs["distance_m"]
    assert d_inside == 0.0
    assert 200 < d_east < 400
    # Independent geodesic check: a2 lies due east of Alfa's east edge (lon 12.516).
    a2 = ACTORS[1][4]
    _, _, geodesic = Geod(ellps="GRS80").inv(12.516, a2.y, a2.x, a2.y)
    assert d_east == pytest.approx(geodesic, abs=2.0)


def test_distance_threshold_is_inclusive_and_exact(ds):
    d_east = float(actor_distances(ds.areas, ds.actors, 500)["distance_m"].iloc[1])
    assert 1 in actor_distances(ds.areas, ds.actors, d_east + 0.01)["actor_index"].tolist()
    assert 1 not in actor_distances(ds.areas, ds.actors, d_east - 0.01)["actor_index"].tolist()


def test_actor_just_inside_the_distance_near_a_corner_is_found(ds):
    """Points around Alfa's NE corner, 0.5 m inside / outside 500 m, at many angles.

    A buffer polygon only approximates the rounded corner (its chords lie inside the circle),
    so this checks that the result follows the exact distance, not the polygon.
    """
    poly = ds.areas.loc[["a"]].to_crs(METRIC_CRS).geometry.iloc[0]
    cx, cy = max(poly.exterior.coords, key=lambda p: p[0] + p[1])
    inside, outside = [], []
    for deg in np.arange(5.0, 85.0, 0.75):
        rad = math.radians(deg)
        inside.append(Point(cx + 499.5 * math.cos(rad), cy + 499.5 * math.sin(rad)))
        outside.append(Point(cx + 500.5 * math.cos(rad), cy + 500.5 * math.sin(rad)))
    assert all(abs(poly.distance(p) - 499.5) < 1e-6 for p in inside)  # construction check
    pts = gpd.GeoDataFrame(
        {"sector": ["school"] * (2 * len(inside))}, geometry=inside + outside, crs=METRIC_CRS
    ).to_crs("EPSG:4326")
    found = set(actor_distances(ds.areas.loc[["a"]], pts, 500)["actor_index"])
    assert found == set(range(len(inside)))


def test_coverage_indicator(ds):
    perf = build_performance(ds, 500)
    assert perf.matrix["cov"].to_dict() == {"a": 100.0, "b": 0.0, "c": 0.0}
    assert build_performance(ds, 100).matrix.at["a", "cov"] == 50.0
    assert build_performance(ds, 0).matrix.at["a", "cov"] == 50.0
    assert perf.sector_counts.loc["a"].to_dict() == {"school": 1, "club": 1}


def test_coverage_uses_number_of_sectors_as_denominator(tmp_path):
    crit = copy.deepcopy(CRITERIA)
    crit["sectors"].append({"id": "library", "label": "Bibliotek"})
    ds = load_dataset(make_package(tmp_path / "p", criteria=crit))
    perf = build_performance(ds, 500)
    assert perf.matrix.at["a", "cov"] == pytest.approx(100 * 2 / 3)
    assert perf.matrix.at["a", "cov"] == pytest.approx(100.0 * (perf.sector_counts.loc["a"] > 0).sum() / 3)
    # Several actors in one sector still count the sector once.
    actors = [*ACTORS, ("a4", "Skole B", "school", "sourced", Point(12.505, 55.662))]
    ds2 = load_dataset(make_package(tmp_path / "q", criteria=crit, actors=actors))
    perf2 = build_performance(ds2, 500)
    assert perf2.sector_counts.at["a", "school"] == 2
    assert perf2.matrix.at["a", "cov"] == pytest.approx(100 * 2 / 3)


def test_default_distance_comes_from_criteria(tmp_path):
    crit = copy.deepcopy(CRITERIA)
    crit["actor_distance_m"] = 100
    ds = load_dataset(make_package(tmp_path / "p", criteria=crit))
    assert build_performance(ds).matrix.at["a", "cov"] == 50.0
    assert build_performance(ds, 500).matrix.at["a", "cov"] == 100.0


def _coverage_provenance(perf):
    prov = perf.provenance
    return prov[prov["indicator_id"] == "cov"].set_index("area_id")


def test_provenance_is_illustrative_when_an_illustrative_actor_contributes(ds):
    prov = _coverage_provenance(build_performance(ds, 500))
    assert prov.at["a", "kind"] == "illustrative"  # a2 (illustrative) is within 500 m
    assert prov.at["a", "value"] == 100.0
    assert "2 af 2 sektorer" in prov.at["a", "note"]
    # At 100 m only the sourced school counts.
    prov100 = _coverage_provenance(build_performance(ds, 100))
    assert prov100.at["a", "kind"] == "sourced"
    # No actor nearby, but the layer holds illustrative actors: the 0 is illustrative too.
    assert prov.at["b", "kind"] == "illustrative"


def test_provenance_sourced_when_every_actor_is_sourced(tmp_path):
    actors = [(aid, name, sector, "sourced", pt) for aid, name, sector, _, pt in ACTORS]
    ds = load_dataset(make_package(tmp_path / "p", actors=actors))
    prov = _coverage_provenance(build_performance(ds, 500))
    assert prov.at["a", "kind"] == "sourced"
    assert prov.at["b", "kind"] == "sourced"


def test_actors_near_returns_nearest_first(tmp_path):
    # File order deliberately not by distance: far club, 150 m actor, inside school.
    actors = [
        ACTORS[1],  # a2, ~300 m east
        ("a4", "Forening", "club", "sourced", Point(12.5184, 55.665)),  # ~150 m east
        ACTORS[2],  # a3, far away
        ACTORS[0],  # a1, inside
    ]
    ds = load_dataset(make_package(tmp_path / "p", actors=actors))
    near = actors_near(ds.areas, ds.actors, "a", 500)
    assert list(near["actor_id"]) == ["a1", "a4", "a2"]
    assert list(near["distance_m"]) == sorted(near["distance_m"])
    assert near["distance_m"].iloc[0] == 0
    assert 100 < near["distance_m"].iloc[1] < 200
    assert "geometry" not in near.columns
    assert list(near["sector"]) == ["school", "club", "club"]


def test_actors_near_empty(ds):
    near = actors_near(ds.areas, ds.actors, "b", 500)
    assert len(near) == 0
    assert "distance_m" in near.columns
