"""Display geometry (simplified once, served as a file) and the per-move map payload (no coordinates)."""

from __future__ import annotations

import json
import math
import sys

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, box

from selection.data.dataset import load_dataset
from selection.geo.geometry import WGS84
from selection.output.map_elements import RankedStyles
from selection.output.map_geometry import (
    COARSE_FROM,
    COORDINATE_DECIMALS,
    MAX_ZOOM,
    SHAPES_FOLDER,
    coarse_geometry,
    coarse_zoom,
    display_geometry,
    display_tolerance_m,
    encoded_shapes,
)
from selection.output.map_layers import (
    LABEL_ALL_MAX,
    LABEL_TOP_N,
    area_shapes,
    base_map,
    escape_text,
    ranked_layer,
    score_colour,
)
from selection.ranking.evaluate import evaluate
from tests.support.factory import REPO, area_features, make_package
from tests.support.map_checks import decoded_ring, decoded_shape, external_links, is_displayable

sys.path.insert(0, str(REPO / "bench"))
from make_package import generate

METRES_PER_DEGREE = 111_320.0


def star(lon: float, lat: float, radius_m: float, vertices: int, jitter: list[float]) -> Polygon:
    ring = []
    for k in range(vertices):
        angle = 2 * math.pi * k / vertices
        r = radius_m * (1 + jitter[k % len(jitter)])
        ring.append(
            (
                lon + r * math.cos(angle) / (METRES_PER_DEGREE * math.cos(math.radians(lat))),
                lat + r * math.sin(angle) / METRES_PER_DEGREE,
            )
        )
    return Polygon(ring)


def frame(geoms: list) -> gpd.GeoDataFrame:
    ids = [f"a{i}" for i in range(len(geoms))]
    return gpd.GeoDataFrame({"area_id": ids}, geometry=geoms, crs=WGS84, index=ids)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """60 generated areas of 200 vertices (the benchmark's generator), scored."""
    folder = generate(tmp_path_factory.mktemp("gen") / "pkg", 60, 200, actors_per_area=2)
    dataset = load_dataset(folder)
    return dataset, evaluate(dataset)[1]


def test_simplified_generated_areas_stay_valid_non_empty_and_close(generated):
    dataset, _ = generated
    shown = display_geometry(dataset.areas)
    assert list(shown.index) == list(dataset.areas.index)
    assert all(is_displayable(g) for g in shown)
    tolerance_deg = display_tolerance_m(55.0) / 110_000 + 10**-COORDINATE_DECIMALS
    for original, simple in zip(dataset.areas.geometry, shown, strict=True):
        assert shapely.get_num_coordinates(simple) <= shapely.get_num_coordinates(original)
        assert original.hausdorff_distance(simple) <= tolerance_deg


def test_awkward_shapes_stay_valid_and_non_empty():
    lon, lat = 12.5, 55.7
    tiny = box(lon, lat, lon + 1e-7, lat + 1e-7)  # far below the tolerance and the rounding
    holed = Polygon(star(lon, lat, 300, 80, [0.0]).exterior.coords, [star(lon, lat, 100, 40, [0.0]).exterior.coords])
    sliver = Polygon([(lon, lat), (lon + 0.01, lat), (lon + 0.01, lat + 2e-7), (lon, lat + 1e-7)])
    collinear = Polygon([(lon + i * 1e-4, lat) for i in range(50)] + [(lon + 0.005, lat + 0.003), (lon, lat + 0.003)])
    multi = MultiPolygon([box(lon, lat, lon + 0.001, lat + 0.001), box(lon + 0.002, lat, lon + 0.0021, lat + 1e-7)])
    shown = display_geometry(frame([tiny, holed, sliver, collinear, multi]))
    assert all(is_displayable(g) for g in shown)
    assert all(is_displayable(decoded_shape(s)) for s in encoded_shapes(shown.to_numpy())), "as the map gets them"
    assert len(shown.iloc[1].interiors) == 1, "a hole stays a hole"
    assert shapely.get_num_coordinates(shown.iloc[3]) < shapely.get_num_coordinates(collinear)


@given(
    st.lists(
        st.tuples(st.integers(3, 300), st.floats(1.0, 2000.0), st.lists(st.floats(-0.4, 0.4), min_size=1, max_size=7)),
        min_size=1,
        max_size=8,
    )
)
def test_any_star_shaped_areas_stay_valid_and_non_empty(specs):
    geoms = [star(8.5 + i * 0.1, 55.0 + i * 0.05, radius, n, jitter) for i, (n, radius, jitter) in enumerate(specs)]
    shown = display_geometry(frame(geoms))
    assert all(is_displayable(g) for g in shown)


def test_encoded_display_geometry_decodes_to_the_same_valid_shapes_and_is_compact(generated):
    dataset, _ = generated
    shown = display_geometry(dataset.areas)
    shapes = encoded_shapes(shown.to_numpy())
    assert len(shapes) == len(shown)
    for encoded, geom in zip(shapes, shown, strict=True):
        back = decoded_shape(encoded)
        assert is_displayable(back)
        assert back.equals_exact(geom, 10**-COORDINATE_DECIMALS / 2)
    encoded_chars = sum(len(ring) for polygons in shapes for rings in polygons for ring in rings)
    assert encoded_chars < 0.25 * sum(len(g) for g in shapely.to_geojson(shown.to_numpy()))


@given(
    st.lists(
        st.lists(
            st.tuples(st.floats(-180, 180, allow_nan=False), st.floats(-90, 90, allow_nan=False)),
            min_size=3,
            max_size=40,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_ring_round_trips_within_the_rounding(rings):
    """Any coordinates (the whole globe, big and tiny steps, negative and positive) come back within half
    a unit of the last kept decimal, in order, in printable ASCII; a multipolygon keeps its parts."""
    polygons = [shapely.Polygon(ring) for ring in rings]
    geom = shapely.MultiPolygon(polygons) if len(polygons) > 1 else polygons[0]
    (encoded,) = encoded_shapes(np.array([geom], dtype=object))
    assert all(63 <= ord(c) <= 126 for texts in encoded for text in texts for c in text)
    assert len(encoded) == len(polygons)
    for polygon, texts in zip(polygons, encoded, strict=True):
        original = list(polygon.exterior.coords)
        back = decoded_ring(texts[0])
        assert len(back) == len(original)
        assert back[0] == back[-1]
        for (x, y), (bx, by) in zip(original, back, strict=True):
            assert abs(x - bx) <= 0.5 * 10**-COORDINATE_DECIMALS + 1e-9
            assert abs(y - by) <= 0.5 * 10**-COORDINATE_DECIMALS + 1e-9


def test_a_hole_stays_a_hole_when_encoded():
    outer = star(12.5, 55.7, 300, 30, [0.1, -0.1]).exterior.coords
    holed = shapely.transform(
        Polygon(outer, [star(12.5, 55.7, 80, 12, [0.0]).exterior.coords]), lambda xy: xy.round(COORDINATE_DECIMALS)
    )
    (encoded,) = encoded_shapes(np.array([holed], dtype=object))
    assert [len(texts) for texts in encoded] == [2]
    assert decoded_shape(encoded).equals_exact(holed, 1e-9)


def test_many_coordinates_get_a_coarse_copy_for_the_first_view_that_stays_valid(tmp_path):
    folder = generate(tmp_path / "pkg", 150, 200, actors_per_area=1)  # 30,150 coordinates over Denmark
    areas = load_dataset(folder).areas
    zoom = coarse_zoom(areas, 370)
    assert zoom is not None
    assert zoom < MAX_ZOOM
    coarse = coarse_geometry(areas, zoom)
    assert all(is_displayable(g) for g in coarse)
    assert all(is_displayable(decoded_shape(s)) for s in encoded_shapes(coarse.to_numpy()))
    full = shapely.get_num_coordinates(display_geometry(areas).to_numpy()).sum()
    assert shapely.get_num_coordinates(coarse.to_numpy()).sum() < 0.2 * full
    tolerance_deg = display_tolerance_m(54.0, zoom) / 110_000 + 10**-COORDINATE_DECIMALS
    assert all(o.hausdorff_distance(c) <= tolerance_deg for o, c in zip(areas.geometry, coarse, strict=True))
    # The widest first view: the areas' north-south extent fills the map's height at (at most) that zoom.
    south, north = areas.total_bounds[1], areas.total_bounds[3]
    extent_px = (
        256
        * 2 ** (zoom - 2)
        * (math.asinh(math.tan(math.radians(north))) - math.asinh(math.tan(math.radians(south))))
        / (2 * math.pi)
    )
    assert 350 / 2 < extent_px <= 350 * 2, "two zoom levels below the switch the areas fit the map"
    few = generate(tmp_path / "few", 20, 200, actors_per_area=1)
    assert coarse_zoom(load_dataset(few).areas, 370) is None, f"under {COARSE_FROM} coordinates: no copy"


def walk(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, (*path, key))
    elif isinstance(value, list):
        for item in value:
            yield from walk(item, path)
    else:
        yield path, value


def payload_of(group) -> dict:
    (element,) = [c for c in group._children.values() if isinstance(c, RankedStyles)]
    return element.payload


def test_a_weight_move_carries_no_coordinates(generated):
    dataset, result = generated
    group = ranked_layer(dataset.areas, result.table, selected=dataset.area_ids[5])
    payload = payload_of(group)
    keys = {key for path, _ in walk(payload) for key in path}
    assert not keys & {"coordinates", "geometry", "lat", "lng", "east", "type"}
    numbers = [v for _, v in walk(payload) if isinstance(v, float)]
    assert all(v < 10 for v in numbers), "only style numbers (opacity, line width) are floats"
    m = base_map(dataset.areas)
    group.add_to(m)
    group.render()  # what st_folium sends on a move
    sent = m.get_root().script.render()
    full = dataset.areas[["geometry"]].to_json()
    assert len(sent) < 0.10 * len(full)
    first_corner = dataset.areas.geometry.iloc[0].exterior.coords[0]
    assert f"{first_corner[0]:.5f}"[:-1] not in sent
    assert f"{first_corner[1]:.5f}"[:-1] not in sent
    # Everything a move shows is there: a colour per area, tooltip values, the labels.
    assert len(payload["style"]) == len(payload["tips"]) == len(dataset.areas)
    for total in result.table["total"]:
        assert score_colour(total) in {s["fillColor"] for s in payload["styles"]}


def test_many_areas_label_only_the_best_and_the_selected(generated):
    dataset, result = generated
    assert len(dataset.areas) > LABEL_ALL_MAX
    last = result.table.sort_values("rank")["area_id"].iloc[-1]
    labels = payload_of(ranked_layer(dataset.areas, result.table, selected=last))["labels"]
    assert labels[0]["selected"]
    assert labels[0]["area"] == escape_text(last)
    assert all(label["rank"] <= LABEL_TOP_N for label in labels[1:])
    assert len(labels) == 1 + int((result.table["rank"] <= LABEL_TOP_N).sum())


def test_shapes_file_is_written_once_named_by_content_and_escaped(tmp_path):
    areas = area_features()
    areas["features"][1]["properties"]["name"] = "<img src=x onerror=alert(1)>{{ 7*7 }}"
    dataset = load_dataset(make_package(tmp_path / "p", areas=areas))
    static = tmp_path / "static"
    first = area_shapes(dataset.areas, static)
    again = area_shapes(dataset.areas, static)
    files = list((static / SHAPES_FOLDER).glob("*.js"))
    assert [f.name for f in files] == [f"{first.digest}.js"]
    assert again.digest == first.digest
    text = files[0].read_text()
    assert "<img" not in text
    assert "{{" not in text
    assert "&lt;img src=x" in json.loads(json.dumps(text))
    data = json.loads(text.split(" = ", 2)[-1].rstrip().rstrip(";"))
    assert len(data["shapes"]) == len(data["areas"]) == 3
    shown = display_geometry(dataset.areas)
    assert all(decoded_shape(s).equals_exact(g, 1e-9) for s, g in zip(data["shapes"], shown, strict=True))
    m = base_map(dataset.areas)
    first.add_to(m)
    page = m.get_root().render()
    assert f"/app/static/{SHAPES_FOLDER}/{first.digest}.js" in page
    assert external_links(m) == []
    assert "coordinates" not in page, "the page itself carries no geometry"
