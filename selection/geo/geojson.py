"""A fast reader for the common, simple GeoJSON file, with GDAL (pyogrio) for everything else.

``read_geojson`` gives exactly the GeoDataFrame ``geopandas.read_file`` gives (columns, dtypes, CRS,
geometry, order). A plain FeatureCollection of one geometry type (Point, Polygon or MultiPolygon, 2D,
WGS84) with one JSON type per property (text, whole number or decimal; missing values only if the first
feature names every key) is parsed in one pass by Arrow's JSON reader, and its coordinates go to shapely
as arrays (no Python object per vertex): about three times faster than GDAL at thousands of features.
Anything else (another format or CRS, mixed, boolean or nested property types, texts GDAL reads as
dates, unclosed rings, 3D, texts that are not UTF-8, a file over ``MAX_FAST_BYTES``...) is read by
``geopandas.read_file``, so its result and its error messages are the library's own.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json
import shapely

from selection.limits import MB, Limits

MAX_FAST_BYTES = Limits().max_file_bytes  # larger files go to GDAL (the import refuses them anyway)
# The "crs" member (as GDAL writes it) that GDAL reads as EPSG:4326, as it reads a file without one.
WGS84_NAMES = ("urn:ogc:def:crs:OGC:1.3:CRS84",)
GEOMETRY_TYPES = {  # GeoJSON type -> (shapely type, nesting depth of its coordinates)
    "Point": (shapely.GeometryType.POINT, 1),
    "Polygon": (shapely.GeometryType.POLYGON, 3),
    "MultiPolygon": (shapely.GeometryType.MULTIPOLYGON, 4),
}
# GDAL reads a text as a date or time (OGRParseDate) only if, after spaces, an optional sign and digits it
# has '-', '/' or ':'; such texts (rare in these files) go to GDAL.
DATE_LIKE = r"^ *[-+]?[0-9]*[-/:]"
# GDAL's JSON parser turns an escaped surrogate pair (how json.dumps writes e.g. an emoji) into U+FFFD;
# texts with characters beyond the Basic Multilingual Plane go to GDAL.
BEYOND_BMP = r"[\x{10000}-\x{10FFFF}]"
INT32 = np.iinfo(np.int32)
FIRST_FEATURE_BYTES = 4 * MB  # memory bound for finding the first feature's keys (a feature is ~kB)
JSON_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
# GDAL reads a whole number of 19 digits or more as a decimal when it is negative (beyond int64: clamped);
# whole numbers from 10**18 away from 0 go to GDAL.
MAX_FAST_INT = 10**18 - 1


class _NotSimple(Exception):
    """The file is outside what the fast path reads exactly as GDAL does."""


def read_geojson(path: Path) -> gpd.GeoDataFrame:
    """The file as ``geopandas.read_file(path)`` reads it (its exceptions too), fast for simple GeoJSON."""
    fast = read_simple_geojson(path)
    return fast if fast is not None else gpd.read_file(path)


def read_simple_geojson(path: Path, max_bytes: int = MAX_FAST_BYTES) -> gpd.GeoDataFrame | None:
    """The fast path: the frame of a simple GeoJSON FeatureCollection of at most ``max_bytes``, or None if
    the file is not one."""
    try:
        size = os.path.getsize(path)
        if not 0 < size <= max_bytes or path.suffix.lower() not in (".geojson", ".json"):
            return None
        table = pa_json.read_json(
            path,
            read_options=pa_json.ReadOptions(use_threads=False, block_size=size + 1),
            parse_options=pa_json.ParseOptions(newlines_in_values=True, unexpected_field_behavior="infer"),
        )
        return _frame(table, path)
    except (_NotSimple, pa.ArrowException, OSError, ValueError, TypeError, KeyError, shapely.errors.ShapelyError):
        return None


def _frame(table: pa.Table, path: Path) -> gpd.GeoDataFrame:
    table.validate(full=True)  # Arrow's JSON parser does not check that texts are UTF-8: this does
    names = set(table.column_names)
    _require(table.num_rows == 1 and {"type", "features"} <= names <= {"type", "features", "crs", "name"})
    _require(table.column("type").to_pylist() == ["FeatureCollection"])
    if "crs" in table.column_names:
        _require(_crs_name(table.column("crs").to_pylist()[0]) in WGS84_NAMES)
    if "name" in table.column_names:
        _require(pa.types.is_string(table.column("name").type))
    features = _only_chunk(table.column("features"))
    _require(pa.types.is_list(features.type) and features.null_count == 0)
    features = features.flatten()
    _require(len(features) > 0 and pa.types.is_struct(features.type) and features.null_count == 0)
    _require({f.name for f in features.type} == {"type", "properties", "geometry"})
    _require(_all_equal(_field(features, "type"), "Feature"))
    properties = _properties(_field(features, "properties"), path)
    geometry = _geometry(_field(features, "geometry"))
    return gpd.GeoDataFrame(properties, geometry=geometry, crs="EPSG:4326")


def _require(condition: bool) -> None:
    if not condition:
        raise _NotSimple


def _only_chunk(column: pa.ChunkedArray) -> pa.Array:
    _require(column.num_chunks == 1)
    return column.chunk(0)


def _field(array: pa.Array, name: str) -> pa.Array:
    """A child of a struct array (respecting a slice of it)."""
    return pc.struct_field(array, name)


def _crs_name(crs: object) -> object:
    """The name of a GeoJSON 2008 ``{"type": "name", "properties": {"name": ...}}`` member, else None."""
    if not isinstance(crs, dict) or crs.get("type") != "name" or set(crs) != {"type", "properties"}:
        return None
    props = crs.get("properties")
    return props.get("name") if isinstance(props, dict) and set(props) == {"name"} else None


def _all_equal(array: pa.Array, text: str) -> bool:
    return array.null_count == 0 and bool(pc.all(pc.equal(array, text)).as_py())


def _properties(properties: pa.Array, path: Path) -> pd.DataFrame:
    """The property columns as GDAL types them: text, whole numbers (int32 or int64; decimals if a value
    is missing) or decimals."""
    _require(pa.types.is_struct(properties.type) and properties.null_count == 0)
    names = [f.name for f in properties.type]
    _require(all(names) and "geometry" not in names)
    columns = [_field(properties, name) for name in names]
    if any(column.null_count for column in columns):
        # A null may be a missing key, and GDAL orders a key first met in a later feature by that feature
        # (Arrow by the first feature that has it): read here only if the first feature names every key.
        _require(_first_property_keys(path) == names)
    frame: dict[str, pd.Series] = {}
    for name, column in zip(names, columns, strict=True):
        frame[name] = _property_column(name, column)
    return pd.DataFrame(frame, columns=names)


def _property_column(name: str, column: pa.Array) -> pd.Series:
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        _require(not _gdal_may_change(column.drop_null()))
        return pd.Series(column.to_pandas(), name=name)
    if pa.types.is_int64(kind):
        values = column.drop_null().to_numpy()
        # compared on both sides: np.abs(-2**63) wraps round to -2**63 and would pass an abs check
        _require(len(values) > 0 and bool(((values >= -MAX_FAST_INT) & (values <= MAX_FAST_INT)).all()))
        if column.null_count:  # GDAL's whole-number column with a missing value comes as decimals
            return pd.Series(column.to_numpy(zero_copy_only=False).astype(np.float64), name=name)
        fits = values.min() >= INT32.min and values.max() <= INT32.max
        return pd.Series(values.astype(np.int32 if fits else np.int64), name=name)
    if pa.types.is_float64(kind):
        values = column.to_numpy(zero_copy_only=False)
        _require(bool(np.isfinite(values[~np.isnan(values)]).all()) and column.null_count < len(column))
        return pd.Series(values, name=name)
    raise _NotSimple  # booleans, objects, lists, Arrow's timestamps, all-null columns: GDAL has its own types


def _first_property_keys(path: Path) -> list[str] | None:
    """The property keys of the file's first feature, in file order; None if the file is not laid out as
    expected or the feature does not end within the file's first ``FIRST_FEATURE_BYTES``. Only the members
    before ``features`` and that one feature are decoded (by ``json``)."""
    with path.open("rb") as fh:
        head = fh.read(FIRST_FEATURE_BYTES)
    text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a cut last character waits
    pos = _skip_space(text, 0)
    if text[pos : pos + 1] != "{":
        return None
    pos += 1
    while True:
        key, pos = _DECODER.raw_decode(text, _skip_space(text, pos))
        pos = _skip_space(text, pos)
        if not isinstance(key, str) or text[pos : pos + 1] != ":":
            return None
        pos = _skip_space(text, pos + 1)
        if key == "features":
            if text[pos : pos + 1] != "[":
                return None
            feature, _ = _DECODER.raw_decode(text, _skip_space(text, pos + 1))
            properties = feature.get("properties") if isinstance(feature, dict) else None
            return list(properties) if isinstance(properties, dict) else None
        _, pos = _DECODER.raw_decode(text, pos)
        pos = _skip_space(text, pos)
        if text[pos : pos + 1] != ",":
            return None
        pos += 1


def _skip_space(text: str, pos: int) -> int:
    match = JSON_SPACE.match(text, pos)
    return match.end() if match else pos


def _gdal_may_change(texts: pa.Array) -> bool:
    """True if GDAL may read a text otherwise: as a date or time, cut at a NUL character, or with U+FFFD."""
    date_like = pc.match_substring_regex(texts, DATE_LIKE)
    odd = pc.or_(pc.match_substring(texts, "\x00"), pc.match_substring_regex(texts, BEYOND_BMP))
    return bool(pc.any(date_like).as_py()) or bool(pc.any(odd).as_py())


def _geometry(geometry: pa.Array) -> np.ndarray:
    """The features' geometries, built by shapely from the coordinate arrays and their offsets."""
    _require(pa.types.is_struct(geometry.type) and geometry.null_count == 0)
    _require({f.name for f in geometry.type} == {"type", "coordinates"})
    types = _field(geometry, "type")
    _require(types.null_count == 0)
    kinds = pc.unique(types).to_pylist()
    _require(len(kinds) == 1 and kinds[0] in GEOMETRY_TYPES)
    shapely_type, depth = GEOMETRY_TYPES[kinds[0]]
    values, offsets = _nested(_field(geometry, "coordinates"), depth)
    positions = offsets.pop()
    _require(bool((np.diff(positions) == 2).all()))  # 2D positions only (GDAL keeps a third value)
    coords = values.reshape(-1, 2)
    _require(bool(np.isfinite(coords).all()))
    if shapely_type == shapely.GeometryType.POINT:
        return np.asarray(shapely.points(coords))
    rings = offsets[-1]  # each ring's first position, and the end
    starts, ends = rings[:-1], rings[1:]
    _require(bool((ends - starts >= 4).all()))  # a closed ring has at least four positions ...
    _require(bool((coords[starts] == coords[ends - 1]).all()))  # ... the last repeating the first
    _require(all(bool((np.diff(level) > 0).all()) for level in offsets[:-1]))  # no empty part or geometry
    return shapely.from_ragged_array(shapely_type, coords, (rings, *reversed(offsets[:-1])))


def _nested(array: pa.Array, depth: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """The float values of ``depth`` nested lists without nulls, and each level's offsets from 0."""
    levels: list[np.ndarray] = []
    for _ in range(depth):
        _require(pa.types.is_list(array.type) and array.null_count == 0)
        offsets = np.asarray(array.offsets, dtype=np.int64)
        levels.append(offsets - offsets[0])
        array = array.values.slice(offsets[0], offsets[-1] - offsets[0])
    _require(array.null_count == 0 and (pa.types.is_floating(array.type) or pa.types.is_integer(array.type)))
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.float64), levels
