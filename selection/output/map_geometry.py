"""Display geometry for the ranked map: simplified once per area set and served as a static file.

The ranked map draws the areas from a JavaScript data file under ``static/areas/`` (named by a
digest of its content, served by Streamlit at ``/app/static/areas/``), which the map loads once, as
it loads Leaflet. A weight move then sends only colours, ranks and tooltip values
(``map_layers.ranked_layer``). Geometry for analysis and export is never simplified: only this
display copy is.

The file holds each ring as an encoded polyline (the algorithm of Google's polyline format, at
``COORDINATE_DECIMALS`` decimals: integer micro-degrees, delta-encoded, five bits per character), about a
quarter of the same geometry as GeoJSON and cheaper to parse; the map decodes it (``map_elements.AreaShapes``).
The display geometry is already rounded to that precision, so the encoding loses nothing.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import math
import os
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from selection.geo.geometry import WGS84
from selection.output.offline_assets import STATIC_DIR, URL_PREFIX

MAX_ZOOM = 18  # the deepest zoom the map allows (Leaflet's default)
DISPLAY_PIXELS = 1.0  # simplification tolerance: one screen pixel at MAX_ZOOM
COORDINATE_DECIMALS = 6  # about 0.1 m: below a pixel at MAX_ZOOM
COARSE_FROM = 20_000  # area coordinates from which the map opens with a coarse copy of the geometry
COARSE_STEPS = 2  # the coarse copy is within a pixel this many zoom levels deeper than the first view
FIT_PADDING_PX = 20  # the map's top and bottom padding when it is fitted to the areas
SHAPES_FOLDER = "areas"
KEEP_FILES = 16  # older data files in static/areas/ (all written by this module) are removed
SOURCE_SUFFIX = ".source"  # <input digest>.source holds the name of the data file made from that input
METRES_PER_DEGREE_LAT = 110_574.0  # the shortest degree of latitude (at the equator)


def display_tolerance_m(latitude: float, max_zoom: float = MAX_ZOOM) -> float:
    """Metres covered by ``DISPLAY_PIXELS`` screen pixels at ``max_zoom`` (Web Mercator) at a latitude."""
    return DISPLAY_PIXELS * 156_543.033_92 * math.cos(math.radians(latitude)) / 2**max_zoom


def display_geometry(areas: gpd.GeoDataFrame, zoom: float = MAX_ZOOM) -> gpd.GeoSeries:
    """Each area's polygon simplified to below a pixel at ``zoom`` (default: the deepest zoom) and rounded
    to ``COORDINATE_DECIMALS``, in WGS84; always a valid, non-empty (multi)polygon.

    Douglas-Peucker first (fast); a shape it makes invalid gets the topology-preserving simplifier, then
    the original reduced to the rounding grid by GEOS (which keeps it valid), and a shape smaller than the
    grid becomes one grid cell at a point inside it (it is far below a pixel; small areas get a marker).
    The tolerance is converted to degrees of latitude; a degree of longitude is shorter, so the
    error stays below the tolerance in every direction (no reprojection needed).
    """
    if areas.empty:
        return areas.geometry.copy()
    miny, maxy = areas.total_bounds[1], areas.total_bounds[3]
    tolerance_deg = display_tolerance_m(max(abs(miny), abs(maxy)), zoom) / METRES_PER_DEGREE_LAT
    original = areas.geometry.to_numpy()
    shown = _rounded(shapely.simplify(original, tolerance_deg, preserve_topology=False))
    broken = ~_usable(shown)
    if broken.any():
        careful = _rounded(shapely.simplify(original[broken], tolerance_deg, preserve_topology=True))
        gridded = shapely.set_precision(original[broken], 10**-COORDINATE_DECIMALS)
        careful = np.where(_usable(careful), careful, gridded)
        tiny = ~_usable(careful)
        if tiny.any():
            careful[tiny] = _grid_cells(shapely.point_on_surface(original[broken][tiny]))
        shown[broken] = careful
    return gpd.GeoSeries(shown, index=areas.index, crs=WGS84)


def _grid_cells(points: np.ndarray) -> np.ndarray:
    """The cell of the rounding grid with each point at its lower left corner (rounded)."""
    unit = 10**-COORDINATE_DECIMALS
    x, y = np.round(shapely.get_x(points), COORDINATE_DECIMALS), np.round(shapely.get_y(points), COORDINATE_DECIMALS)
    return _rounded(shapely.box(x, y, x + unit, y + unit))


def coarse_zoom(areas: gpd.GeoDataFrame, map_height_px: int) -> int | None:
    """The deepest zoom at which the map may draw the areas from a coarse copy (``coarse_geometry``), or None
    when a coarse copy would not save much (few coordinates, or areas seen only up close).

    The map opens fitted to the areas, so its first zoom is at most the zoom at which their north-south
    extent fills ``map_height_px`` (whatever the map's width). The coarse copy is within a pixel up to
    ``COARSE_STEPS`` zoom levels deeper; below that the map switches to the full display geometry.
    """
    if areas.empty:
        return None
    miny, maxy = (float(v) for v in (areas.total_bounds[1], areas.total_bounds[3]))
    span = _mercator_y(maxy) - _mercator_y(miny)  # in units of the world's height
    if span <= 0:
        return None
    widest_view = math.log2(max(map_height_px - FIT_PADDING_PX, 1) / (256 * span))
    zoom = math.ceil(widest_view + COARSE_STEPS)
    shown = int(shapely.get_num_coordinates(areas.geometry.to_numpy()).sum())
    return zoom if zoom < MAX_ZOOM and shown >= COARSE_FROM else None


def coarse_geometry(areas: gpd.GeoDataFrame, zoom: int) -> gpd.GeoSeries:
    """The coarse copy for views up to ``zoom``: ``display_geometry`` to a pixel one zoom level deeper, so it
    stays within a pixel at ``zoom`` (GEOS's Douglas-Peucker can stray up to ~1.5 times its tolerance near
    a ring's first point)."""
    return display_geometry(areas, zoom + 1)


def _mercator_y(lat: float) -> float:
    """Web Mercator y of a latitude as a share of the world's height (clamped as the map clamps it)."""
    lat = max(min(lat, 85.0511), -85.0511)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)


def _rounded(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: np.round(xy, COORDINATE_DECIMALS))


def _usable(geoms: np.ndarray) -> np.ndarray:
    """Valid, non-empty polygons or multipolygons (type ids 3 and 6)."""
    return shapely.is_valid(geoms) & ~shapely.is_empty(geoms) & np.isin(shapely.get_type_id(geoms), [3, 6])


def encoded_shapes(geoms: np.ndarray) -> list[list[list[str]]]:
    """Per (multi)polygon its polygons, per polygon its rings (exterior first) as encoded polylines.

    A ring is encoded as (lat, lng) pairs rounded to ``COORDINATE_DECIMALS`` decimals, without the closing
    point (Leaflet closes polygons): the first pair as is and every later one as the difference from the
    one before, each number zigzag-mapped to a non-negative integer and written in 5-bit groups, least
    significant first, as characters 63 + group (+ 32 when another group follows), in whole-array
    operations (no loop per point).
    """
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    coords, coord_of = shapely.get_coordinates(rings, return_index=True)
    closing = np.r_[coord_of[1:] != coord_of[:-1], True]  # the last point of each ring repeats its first
    coords, coord_of = coords[~closing], coord_of[~closing]
    fixed = np.rint(coords[:, ::-1] * 10**COORDINATE_DECIMALS).astype(np.int64)  # (lat, lng) in micro-degrees
    starts = np.r_[True, coord_of[1:] != coord_of[:-1]]
    steps = np.diff(fixed, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    steps[starts] = fixed[starts]
    values = steps.ravel()
    zigzag = (values << 1) ^ (values >> 63)
    groups = np.ones(len(zigzag), dtype=np.int64)
    rest = zigzag >> 5
    while rest.any():
        groups += rest > 0
        rest >>= 5
    ends = np.cumsum(groups)
    chars = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    for k in range(int(groups.max()) if len(groups) else 0):
        has = groups > k
        follows = (groups[has] > k + 1).astype(np.int64)
        chars[ends[has] - groups[has] + k] = 63 + ((zigzag[has] >> (5 * k)) & 31) + 32 * follows
    text = chars.tobytes().decode("ascii")
    ring_values = 2 * np.bincount(coord_of, minlength=len(rings))
    ring_ends = np.r_[0, ends][np.cumsum(ring_values)]
    ring_starts = np.r_[0, ring_ends[:-1]]
    shapes: list[list[list[str]]] = [[] for _ in range(len(geoms))]
    polygons: list[list[str]] = [[] for _ in range(len(parts))]
    for polygon, start, end in zip(ring_of.tolist(), ring_starts.tolist(), ring_ends.tolist(), strict=True):
        polygons[polygon].append(text[start:end])
    for geom, rings_of_part in zip(part_of.tolist(), polygons, strict=True):
        shapes[geom].append(rings_of_part)
    return shapes


@dataclass(frozen=True)
class Shapes:
    """The display data file of one area set: its URL path, digest and content."""

    digest: str
    url: str
    text: str


def shapes_text(
    areas: gpd.GeoDataFrame, static_rows: list[tuple[str, str]], labels: list[dict], map_height_px: int
) -> str:
    """The data file's JSON: per area (in order) its display geometry (``shapes``: ``encoded_shapes``, at
    ``decimals`` decimals), with many coordinates also a coarse copy (``coarse``, within a pixel up to
    zoom ``coarseZoom``: see ``coarse_zoom`` and ``coarse_geometry``), and its ``head``/``tail`` tooltip
    rows (HTML, escaped by the caller) and label place (``areas``, from ``labels``)."""
    info = [{**label, "head": head, "tail": tail} for label, (head, tail) in zip(labels, static_rows, strict=True)]
    data: dict[str, object] = {
        "decimals": COORDINATE_DECIMALS,
        "shapes": encoded_shapes(display_geometry(areas).to_numpy()),
        "areas": info,
    }
    zoom = coarse_zoom(areas, map_height_px)
    if zoom is not None:
        data["coarseZoom"] = zoom
        data["coarse"] = encoded_shapes(coarse_geometry(areas, zoom).to_numpy())
    return json.dumps(data, ensure_ascii=True, separators=(",", ":"))


# Per loaded areas frame (weights never change it): id -> (weak reference, Shapes); a few entries at most.
_SHAPES: dict[int, tuple[weakref.ref, Shapes]] = {}


def area_shapes_file(
    areas: gpd.GeoDataFrame, build: Callable[[gpd.GeoDataFrame], str], static_dir: Path = STATIC_DIR
) -> Shapes:
    """Write (once) and return the display data file of ``areas``; ``build(areas)`` gives its JSON text.

    The file is named by a digest of its content, so a browser may cache it and two servers on the
    same folder write the same bytes. A note named by ``input_key`` says which file an input made, so
    a new server on the same areas reuses the file instead of simplifying the geometry again.
    """
    cached = _SHAPES.get(id(areas))
    if cached is not None and cached[0]() is areas and (static_dir / SHAPES_FOLDER / f"{cached[1].digest}.js").exists():
        return cached[1]
    folder = static_dir / SHAPES_FOLDER
    source = input_key(areas, build)
    shapes = _written_for(folder, source)
    if shapes is None:
        shapes = _write(folder, build(areas), source, id(areas))
    if len(_SHAPES) >= 8:
        _SHAPES.clear()
    _SHAPES[id(areas)] = (weakref.ref(areas), shapes)
    return shapes


def input_key(areas: gpd.GeoDataFrame, build: Callable[[gpd.GeoDataFrame], str]) -> str | None:
    """A digest of everything the data file is made from: the areas (geometry and every column), the
    code that builds it (this module's and ``build``'s source files) and ``build``'s name; None if a
    column cannot be hashed (the file is then built every time)."""
    digest = hashlib.blake2b(digest_size=16)
    try:
        for module_file in sorted({__file__, inspect.getfile(build)}):
            digest.update(Path(module_file).read_bytes())
        digest.update(
            f"{build.__module__}.{build.__qualname__}|{list(areas.columns)}|{[str(d) for d in areas.dtypes]}".encode()
        )
        digest.update(pd.util.hash_pandas_object(areas.drop(columns=areas.geometry.name), index=True).to_numpy())
        digest.update(b"".join(shapely.to_wkb(areas.geometry.to_numpy(), hex=False, output_dimension=2)))
    except (TypeError, ValueError, OSError):
        return None
    return digest.hexdigest()


def _written_for(folder: Path, source: str | None) -> Shapes | None:
    """The data file written earlier (by any server on this folder) from the same input, if it is still there."""
    if source is None:
        return None
    try:
        digest = (folder / f"{source}{SOURCE_SUFFIX}").read_text(encoding="ascii").strip()
        if len(digest) != 20 or not all(c in "0123456789abcdef" for c in digest):
            return None
        text = (folder / f"{digest}.js").read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    return Shapes(digest, f"{URL_PREFIX}/{SHAPES_FOLDER}/{digest}.js", text)


def _write(folder: Path, data: str, source: str | None, token: int) -> Shapes:
    """Write the data file named by its content's digest (and the note of which input made it)."""
    digest = hashlib.blake2b(data.encode(), digest_size=10).hexdigest()
    text = f'window.__areaShapes = window.__areaShapes || {{}};\nwindow.__areaShapes["{digest}"] = {data};\n'
    path = folder / f"{digest}.js"
    folder.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.{token}.tmp")
        tmp.write_text(text, encoding="ascii")
        tmp.replace(path)
        _prune(folder, keep=path)
    if source is not None:
        note = folder / f"{source}{SOURCE_SUFFIX}"
        tmp = note.with_suffix(f".{os.getpid()}.{token}.tmp")
        tmp.write_text(digest, encoding="ascii")
        tmp.replace(note)
    return Shapes(digest, f"{URL_PREFIX}/{SHAPES_FOLDER}/{digest}.js", text)


def _prune(folder: Path, keep: Path) -> None:
    """Remove the oldest data files beyond ``KEEP_FILES`` (only *.js files named by a digest: ours) and
    the notes that name a removed file."""
    files = sorted(
        (p for p in folder.glob("*.js") if len(p.stem) == 20 and p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in files[KEEP_FILES - 1 :]:
        old.unlink(missing_ok=True)
    for note in folder.glob(f"*{SOURCE_SUFFIX}"):  # notes (ours: 32 hex digits) whose data file is gone
        try:
            if len(note.stem) == 32 and not (folder / f"{note.read_text(encoding='ascii').strip()}.js").exists():
                note.unlink(missing_ok=True)
        except (OSError, UnicodeDecodeError):
            continue
