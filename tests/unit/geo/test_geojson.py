"""The fast GeoJSON reader gives exactly what geopandas/GDAL give, and leaves every other file to GDAL.

Generated FeatureCollections (simple ones, and ones with nulls, missing keys, mixed or nested property
types, date-like texts, feature ids, other CRS members, 3D, open rings, mixed geometry types) are read
both ways: the frames (columns, dtypes, values, CRS, geometry, order) or the errors must be identical.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from selection.data.dataset import load_dataset
from selection.geo.geojson import WGS84_NAMES, read_geojson, read_simple_geojson
from tests.support.factory import BUNDLED, REPO

# GDAL warns about the odd files generated here (mixed types, open rings, repeated ids); the reference read
# is the point, not its warnings.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:geopandas.io.file", "ignore::RuntimeWarning:pyogrio.raw")

KEYS = ["area_id", "name", "Name", "id", "note", "residents", "x", "med mellemrum", "æøå", "a.b"]
SIMPLE_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00", max_codepoint=0xFFFF), max_size=12
).filter(lambda t: not re.match(r" *[-+]?[0-9]*[-/:]", t))  # not one GDAL may read as a date
TRICKY_TEXT = st.sampled_from(
    [
        "2023-01-05",
        "2023/01/05",
        "12:30",
        " 7-9",
        "+3:4",
        "2023-01-05T10:00:00Z",
        "x\x00y",
        "Område 7",
        "smil 😀",
        "",
        "  ",
    ]
)
INT = st.integers(min_value=-(10**18) + 1, max_value=10**18 - 1)
HUGE_INT = st.sampled_from([10**18, -(10**18), 2**63 - 1, -(2**63), 2**64])
SMALL_INT = st.integers(min_value=-(2**31) - 2, max_value=2**31 + 2)
FLOAT = st.floats(allow_nan=False, allow_infinity=False)
LON = st.floats(min_value=-180, max_value=180, allow_nan=False)
LAT = st.floats(min_value=-90, max_value=90, allow_nan=False)
POSITION = st.tuples(LON | st.integers(-180, 180), LAT | st.integers(-90, 90)).map(list)


def write(tmp: Path, collection: object, indent: int | None = None, name: str = "layer.geojson") -> Path:
    path = tmp / name
    path.write_text(json.dumps(collection, indent=indent), encoding="utf-8")
    return path


def closed_ring(points: list[list[float]]) -> list[list[float]]:
    return [*points, points[0]]


RING = st.lists(POSITION, min_size=3, max_size=6).map(closed_ring)
POLYGON = st.lists(RING, min_size=1, max_size=3)
GEOMETRY = {
    "Point": POSITION,
    "Polygon": POLYGON,
    "MultiPolygon": st.lists(POLYGON, min_size=1, max_size=3),
}


@st.composite
def simple_collections(draw: st.DrawFn) -> dict:
    """A collection the fast path reads: one geometry type, every key in every feature (the first with a
    value for each), one type per key."""
    kind = draw(st.sampled_from(sorted(GEOMETRY)))
    keys = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=5))
    value_kinds = {key: draw(st.sampled_from([SIMPLE_TEXT, SMALL_INT, INT, FLOAT, LON])) for key in keys}
    features = []
    for n in range(draw(st.integers(min_value=1, max_value=6))):
        order = draw(st.permutations(keys))
        # Missing values (null) anywhere but in the first feature, which names every key with a value.
        properties = {key: draw(value_kinds[key] if n == 0 else value_kinds[key] | st.none()) for key in order}
        features.append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": {"type": kind, "coordinates": draw(GEOMETRY[kind])},
            }
        )
    collection: dict = {"type": "FeatureCollection", "features": features}
    if draw(st.booleans()):
        collection["crs"] = {"type": "name", "properties": {"name": draw(st.sampled_from(WGS84_NAMES))}}
    if draw(st.booleans()):
        collection["name"] = draw(SIMPLE_TEXT)
    return collection


VALUE = st.one_of(
    SIMPLE_TEXT, TRICKY_TEXT, INT, HUGE_INT, FLOAT, st.none(), st.booleans(), st.just([1, 2]), st.just({"a": 1})
)
ODD_GEOMETRY = st.one_of(
    st.none(),
    st.just({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}),  # not closed
    st.just({"type": "Polygon", "coordinates": [[[0, 0, 5], [1, 0, 5], [1, 1, 5], [0, 0, 5]]]}),  # 3D
    st.just({"type": "Polygon", "coordinates": []}),
    st.just({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}),
    st.just({"type": "Point", "coordinates": [10, 55]}),
)


@st.composite
def any_collections(draw: st.DrawFn) -> dict:
    """A simple collection with some of what the fast path must leave to GDAL mixed in."""
    collection = draw(simple_collections())
    for feature in collection["features"]:
        if draw(st.integers(0, 4)) == 0:
            feature["properties"][draw(st.sampled_from(KEYS))] = draw(VALUE)
        if draw(st.integers(0, 6)) == 0:
            feature["properties"].pop(draw(st.sampled_from(KEYS)), None)
        if draw(st.integers(0, 8)) == 0:
            feature["geometry"] = draw(ODD_GEOMETRY)
        if draw(st.integers(0, 10)) == 0:
            feature["id"] = draw(st.integers(0, 9) | SIMPLE_TEXT)
    if draw(st.integers(0, 5)) == 0:
        collection["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}
    return collection


def assert_same_frame(fast: gpd.GeoDataFrame, reference: gpd.GeoDataFrame) -> None:
    assert list(fast.columns) == list(reference.columns)
    assert fast.geometry.name == reference.geometry.name == "geometry"
    pd.testing.assert_frame_equal(fast.drop(columns="geometry"), reference.drop(columns="geometry"))
    assert fast.crs == reference.crs
    left, right = fast.geometry.to_numpy(), reference.geometry.to_numpy()
    missing = pd.isna(left)
    assert (missing == pd.isna(right)).all()
    assert bool(shapely.equals_identical(left[~missing], right[~missing]).all())
    pd.testing.assert_index_equal(fast.index, reference.index)


def assert_same_outcome(reference: object, result: object) -> None:
    """The same frame, or the same exception (type and message)."""
    if isinstance(reference, Exception):
        assert type(result) is type(reference)
        assert str(result) == str(reference)
    else:
        assert isinstance(reference, gpd.GeoDataFrame)
        assert isinstance(result, gpd.GeoDataFrame)
        assert_same_frame(result, reference)


def read_both(path: Path) -> tuple[object, object]:
    """(frame or exception) of geopandas.read_file and of read_geojson."""
    outcomes = []
    for read in (gpd.read_file, read_geojson):
        try:
            outcomes.append(read(path))
        except Exception as exc:  # the library's own error: compared below
            outcomes.append(exc)
    return outcomes[0], outcomes[1]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(simple_collections(), st.sampled_from([None, 2]))
def test_simple_collections_take_the_fast_path_and_equal_gdal(tmp_path, collection, indent):
    path = write(tmp_path, collection, indent)
    fast = read_simple_geojson(path)
    assert fast is not None, "a simple collection is read by the fast path"
    assert_same_frame(fast, gpd.read_file(path))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(any_collections())
@example(  # the smallest int64, whose absolute value wraps round in numpy (found by this test)
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"area_id": -(2**63)},
                "geometry": {"type": "Point", "coordinates": [0.0, 0.0]},
            }
        ],
    }
)
def test_any_collection_reads_as_gdal_reads_it(tmp_path, collection):
    assert_same_outcome(*read_both(write(tmp_path, collection)))


def feature(properties: dict, geometry: dict | None = None) -> dict:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": geometry or {"type": "Point", "coordinates": [12.5, 55.7]},
    }


def collection_of(*features: dict, **members: object) -> dict:
    return {"type": "FeatureCollection", "features": list(features), **members}


@pytest.mark.parametrize(
    "collection",
    [
        collection_of(feature({"b": "x"}), feature({"a": "y", "b": "z"})),  # GDAL orders a key first met later
        collection_of(feature({"b": "x"}), feature({"b": None, "a": "y"})),
        collection_of(feature({"a": None}), feature({"a": None})),
        collection_of(feature({"a": True})),
        collection_of(feature({"a": "2023-01-05"})),
        collection_of(feature({"a": "12:30"})),
        collection_of(feature({"a": "x\u0000y"})),
        collection_of(feature({"a": "smil 😀"})),
        collection_of(feature({"a": [1, 2]})),
        collection_of(feature({"a": 1}), feature({"a": "x"})),
        collection_of(feature({"a": 1}, {"type": "Point", "coordinates": [12.5, 55.7, 3.0]})),
        collection_of(feature({"a": 1}, {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]})),
        collection_of(
            feature({"a": 1}), feature({"a": 2}, {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]})
        ),
        collection_of(feature({"a": 1}), crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}),
        collection_of(feature({"a": 1}), crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC::CRS84"}}),
        collection_of(feature({"a": 1}), bbox=[0, 0, 1, 1]),
        collection_of({**feature({"a": 1}), "id": 7}),
        collection_of(),
    ],
    ids=[
        "missing-key",
        "missing-key-and-null",
        "all-null",
        "boolean",
        "date",
        "time",
        "nul-character",
        "beyond-bmp",
        "list",
        "mixed-types",
        "3d",
        "open-ring",
        "mixed-geometry",
        "other-crs",
        "crs84-other-spelling",
        "bbox",
        "feature-id",
        "no-features",
    ],
)
def test_what_the_fast_path_does_not_read_goes_to_gdal(tmp_path, collection):
    path = write(tmp_path, collection)
    assert read_simple_geojson(path) is None
    assert_same_outcome(*read_both(path))


def test_other_files_go_to_gdal(tmp_path):
    simple = collection_of(feature({"a": "x"}))
    assert read_simple_geojson(write(tmp_path, simple)) is not None
    assert read_simple_geojson(write(tmp_path, simple), max_bytes=10) is None, "over the size limit"
    assert read_simple_geojson(write(tmp_path, simple, name="layer.txt")) is None
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    assert read_simple_geojson(broken) is None
    reference, result = read_both(broken)
    assert isinstance(reference, Exception)
    assert_same_outcome(reference, result)
    bom = tmp_path / "bom.geojson"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps(simple).encode())
    assert_same_outcome(*read_both(bom))


@pytest.mark.parametrize(
    "collection",
    [
        collection_of(feature({"a": "x", "n": 1, "f": 2.5}), feature({"a": None, "n": None, "f": None})),
        collection_of(feature({"a": None, "b": "x"}), feature({"b": "y"}), feature({"b": "z", "a": "w"})),
    ],
    ids=["nulls", "first-feature-names-every-key"],
)
def test_missing_values_take_the_fast_path_when_the_first_feature_names_every_key(tmp_path, collection):
    path = write(tmp_path, collection, indent=1)
    fast = read_simple_geojson(path)
    assert fast is not None
    assert_same_frame(fast, gpd.read_file(path))


def test_a_text_that_is_not_utf8_goes_to_gdal(tmp_path):
    path = tmp_path / "latin1.geojson"
    text = json.dumps(collection_of(feature({"a": "Område"})), ensure_ascii=False)
    path.write_bytes(text.encode("latin-1"))
    assert read_simple_geojson(path) is None
    reference, result = read_both(path)
    assert isinstance(reference, Exception)
    assert_same_outcome(reference, result)


def test_a_key_given_twice_goes_to_gdal(tmp_path):
    path = tmp_path / "twice.geojson"
    point = '{"type": "Point", "coordinates": [12.5, 55.7]}'
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"a": "x", "a": "y"}, '
        f'"geometry": {point}}}]}}',
        encoding="utf-8",
    )
    assert read_simple_geojson(path) is None
    assert_same_outcome(*read_both(path))


def test_the_generated_benchmark_package_takes_the_fast_path(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    from make_package import generate

    folder = generate(tmp_path / "pkg", 40, 12, actors_per_area=3)
    for name in ("areas.geojson", "actors.geojson"):
        fast = read_simple_geojson(folder / name)
        assert fast is not None, name
        assert_same_frame(fast, gpd.read_file(folder / name))
    assert len(load_dataset(folder).areas) == 40


def test_the_bundled_files_read_as_gdal_reads_them():
    for name in ("areas.geojson", "actors.geojson"):
        assert_same_outcome(*read_both(BUNDLED / name))
