"""Folium layers for the ranked map (no Streamlit here, so they can be tested directly).

The base map is deterministic and never depends on weights. It holds the areas' display
geometry (``area_shapes``: a static data file loaded once per map, see ``map_geometry``). What a
weight move changes (per area a style, the tooltip values and the rank labels; no coordinates)
lives in a separate FeatureGroup that st_folium replaces dynamically (``feature_group_to_add``),
so moving a weight recolours the map without remounting it or resending geometry.
Every text shown in the map is HTML-escaped here. The colours, the legend and each area's style are
decided here; the background maps are in ``basemaps``, the Leaflet elements that draw it all in
``map_elements``.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from selection.data.status import list_status_text
from selection.geo.districts import DISTRICT_COLUMN, districts
from selection.geo.geometry import METRIC_CRS, metric_geometry
from selection.memo import per_frame
from selection.output.basemaps import Basemap, available_basemaps
from selection.output.map_elements import (
    AreaShapes,
    DanishControls,
    DistrictFrames,
    FitArea,
    LocalMap,
    MetricScale,
    MoveGroup,
    PolygonLayer,
    RankedStyles,
)
from selection.output.map_geometry import MAX_ZOOM, area_shapes_file, shapes_text
from selection.output.offline_assets import STATIC_DIR, use_local_assets

# ColorBrewer YlGnBu (the first five of its seven classes): sequential and colour-blind safe. Fixed
# 0–100 bins so a colour means the same score whatever areas are loaded. The darkest class stays light
# enough that the dark outline keeps ≥ 3:1 against every fill (WCAG 1.4.11; tests/app/test_contrast.py).
PALETTE = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0")
BIN_EDGES = (0, 20, 40, 60, 80, 100)
UNRANKED_COLOUR = "#bdbdbd"

QUALITY_TEXT = {
    "official": "Officiel afgrænsning",
    "approximate": "Omtrentlig afgrænsning",
    "placeholder": "Pladsholder – placering ukendt",
}


def escape_text(value: object) -> str:
    """Escape text for HTML, for JS template literals and for Jinja (folium renders with Jinja)."""
    return (
        html.escape(str(value))
        .replace("`", "&#96;")
        .replace("$", "&#36;")
        .replace("\\", "&#92;")
        .replace("{", "&#123;")
        .replace("}", "&#125;")
    )


def score_colour(total: float | None) -> str:
    """Palette colour of a 0–100 total (grey when the area is not ranked)."""
    if total is None or (isinstance(total, float) and math.isnan(total)):
        return UNRANKED_COLOUR
    for i, upper in enumerate(BIN_EDGES[1:]):
        if total < upper:
            return PALETTE[i]
    return PALETTE[-1]


def legend_entries() -> list[tuple[str, str]]:
    """(colour, label) pairs for a legend drawn outside the map."""
    entries = [(c, f"{lo}–{hi}") for c, lo, hi in zip(PALETTE, BIN_EDGES[:-1], BIN_EDGES[1:], strict=True)]
    return [*entries, (UNRANKED_COLOUR, "Ikke rangeret")]


def base_map(areas: gpd.GeoDataFrame, basemap: str | Basemap = "none") -> folium.Map:
    """A deterministic map framed on the areas, with local Leaflet and an optional background map."""
    minx, miny, maxx, maxy = _total_bounds(areas)
    m = LocalMap(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=12,
        tiles=None,
        zoom_snap=0.25,  # fit the areas closely instead of jumping a whole zoom level
        control_scale=False,  # folium's scale shows miles too; a metric-only scale is added below
        prefer_canvas=False,
        max_zoom=MAX_ZOOM,  # the display geometry is simplified to a pixel at this zoom
        zoom_control=False,  # Leaflet's own buttons are named in English; Danish ones are added below (DanishControls)
    )
    DanishControls().add_to(m)
    MetricScale().add_to(m)
    chosen = _basemap(basemap)
    if chosen.wms_layer and chosen.url:
        folium.WmsTileLayer(
            chosen.url,
            layers=chosen.wms_layer,
            fmt="image/png",
            transparent=False,
            attr=chosen.attribution,
            name=chosen.label,
            token=chosen.token,
        ).add_to(m)
    elif chosen.url:
        folium.TileLayer(chosen.url, attr=chosen.attribution, name=chosen.label, max_zoom=19).add_to(m)
    # Room on the right for the names drawn beside the areas.
    m.add_child(FitArea([[miny, minx], [maxy, maxx]], padding_top_left=(10, 10), padding_bottom_right=(90, 10)))
    return use_local_assets(m)


def _basemap(basemap: str | Basemap) -> Basemap:
    """The background map named by its key, or the one given."""
    return basemap if isinstance(basemap, Basemap) else available_basemaps()[basemap]


MAP_HEIGHT_PX = 370  # with the page top, the whole map fits on a 1280×720 screen
LABEL_ALL_MAX = 40  # up to this many areas every area is labelled; above it only ...
LABEL_TOP_N = 10  # ... the best-ranked areas and the selected one
TOP_NAMES = 3  # these best ranks (and the selected area) always show their names, inside the map's frame
CANVAS_FROM = 300  # from this many areas Leaflet draws on one canvas instead of an SVG path per area


def area_shapes(areas: gpd.GeoDataFrame, static_dir: Path = STATIC_DIR) -> AreaShapes:
    """The areas' display geometry for the base map: loaded once per map from a static file."""
    return AreaShapes(
        area_shapes_file(areas, area_rows_text, static_dir),
        len(areas),
        initial=area_style(UNRANKED_COLOUR, dashed=False, selected=False),
        unranked=UNRANKED_COLOUR,
        selected_outline=SELECTED_OUTLINE,
        canvas_from=CANVAS_FROM,
        top_names=TOP_NAMES,
    )


def ranked_base_map(areas: gpd.GeoDataFrame, basemap: str | Basemap = "none") -> folium.Map:
    """``base_map`` with the areas' display geometry on it: the map a ``ranked_layer`` styles (that layer
    carries no geometry, so a map without the shapes would show no areas). Without a background map the data's
    districts are drawn beneath the areas to orient by (``district_frames``)."""
    m = base_map(areas, basemap)
    if not _basemap(basemap).external:
        frames = district_frames(areas)
        if frames:
            DistrictFrames(frames, escape_text(DISTRICTS_ATTRIBUTION)).add_to(m)
    area_shapes(areas).add_to(m)
    return m


DISTRICTS_ATTRIBUTION = "Bydele fra data, ikke grænser"


def district_frames(areas: gpd.GeoDataFrame) -> list[dict]:
    """The orientation layer's data (``selection.geo.districts``), once per loaded areas frame: per district its
    escaped name, its frame's outer ring ([lat, lng], 5 decimals: about a metre) and its name's place."""
    if DISTRICT_COLUMN not in areas or areas.empty:
        return []

    def build() -> list[dict]:
        return [
            {
                "name": escape_text(d.name),
                "rings": [
                    [round(y, 5), round(x, 5)]
                    for x, y in shapely.get_coordinates(shapely.get_exterior_ring(d.outline))[:-1]
                ],
                "lat": round(d.label_y, 6),
                "lng": round(d.label_x, 6),
                "south": round(d.outline.bounds[1], 6),
                "west": round(d.outline.bounds[0], 6),
                "east": round(d.outline.bounds[2], 6),
            }
            for d in districts(areas[DISTRICT_COLUMN].tolist(), areas.geometry)
        ]

    return per_frame("map.districts", areas, build)


def area_rows_text(areas: gpd.GeoDataFrame) -> str:
    """The map's static shapes file: per area its tooltip rows and label place (weights never change it)."""
    extents = extents_m(areas)
    points = shapely.point_on_surface(areas.geometry.to_numpy())
    east = areas.geometry.bounds["maxx"].to_numpy()
    listing = _list_status(areas)
    rows, labels = [], []
    for aid, name, quality, point, right in zip(
        areas.index, areas["name"], areas["geometry_quality"], points, east, strict=True
    ):
        listed = [("Listestatus", listing[aid])] if aid in listing else []
        rows.append(
            (_rows_html([("Område", name), *listed]), _rows_html([("Grænse", QUALITY_TEXT.get(quality, str(quality)))]))
        )
        labels.append(
            {
                "lat": round(point.y, 6),
                "lng": round(point.x, 6),
                "east": round(float(right), 6),
                "small": bool(extents.get(aid, 0.0) < SMALL_AREA_M),
            }
        )
    return shapes_text(areas, rows, labels, MAP_HEIGHT_PX)


def move_rows(rank: float | None, total: float | None, excluded: str | None = None) -> list[tuple[str, str]]:
    """The tooltip rows that change with the weights and rules (label, value), between the name and the
    boundary; an area that is not ranked (no total) says so, one a scenario's rule screens out says why."""
    if total is None or rank is None:
        return [("Rang", f"Udelukket: {excluded}" if excluded else "Ikke rangeret"), ("Samlet score", "–")]
    return [("Rang", f"{int(rank)}"), ("Samlet score", f"{total:.1f}".replace(".", ","))]


def ranked_layer(areas: gpd.GeoDataFrame, table: pd.DataFrame, selected: str | None = None) -> folium.FeatureGroup:
    """What a weight move changes: per area a style (colour by total score, outline), tooltip values and
    the rank labels; no geometry (``area_shapes`` in the base map draws the areas once)."""
    ranks = dict(zip(table["area_id"], table["rank"], strict=True))
    totals = dict(zip(table["area_id"], table["total"], strict=True))
    excluded = (
        {a: why for a, why in zip(table["area_id"], table["excluded"], strict=True) if why}
        if "excluded" in table
        else {}
    )  # screened out by a scenario's rules
    extents = extents_m(areas)
    styles: dict[tuple, int] = {}
    style_of, tips, labels = [], [], []
    label_all = len(areas) <= LABEL_ALL_MAX
    for i, (aid, name, quality) in enumerate(zip(areas.index, areas["name"], areas["geometry_quality"], strict=True)):
        rank = ranks.get(aid, pd.NA)
        ranked = not pd.isna(rank)
        total = float(totals[aid]) if ranked else None
        fill = score_colour(total)
        key = (fill, quality != "official", aid == selected, aid in excluded)
        style_of.append(styles.setdefault(key, len(styles)))
        tips.append([escape_text(value) for _, value in move_rows(rank, total, excluded.get(aid))])
        if label_all or aid == selected or (ranked and int(rank) <= LABEL_TOP_N):
            labels.append(
                {
                    "i": i,
                    "rank": int(rank) if ranked else None,
                    "name": escape_text(name),
                    "area": escape_text(aid),
                    "selected": aid == selected,
                    "small": bool(extents.get(aid, 0.0) < SMALL_AREA_M),
                    "fill": fill,
                }
            )
    # Name collisions are won by the selected area, then by better ranks.
    labels.sort(key=lambda item: (not item["selected"], item["rank"] is None, item["rank"] or 0))
    payload = {
        "styles": [area_style(fill, dashed=dashed, selected=sel, excluded=out) for fill, dashed, sel, out in styles],
        "style": style_of,
        "tipLabels": [escape_text(label) for label, _ in move_rows(1, 0.0)],
        "tips": tips,
        "labels": labels,
    }
    group = MoveGroup(name="Rangerede områder")
    RankedStyles(payload).add_to(group)
    return group


def _total_bounds(areas: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """``areas.total_bounds`` (minx, miny, maxx, maxy), once per loaded areas frame (``frame_memo``)."""

    def build() -> tuple[float, float, float, float]:
        minx, miny, maxx, maxy = (float(v) for v in areas.total_bounds)
        return minx, miny, maxx, maxy

    return per_frame("map.total_bounds", areas, build)


def extents_m(areas: gpd.GeoDataFrame) -> dict[str, float]:
    """The longer side of each area's bounding box in metres (small areas get a marker), once per loaded
    areas frame (the weights never change it)."""
    if areas.empty:
        return {}

    def build() -> dict[str, float]:
        minx, miny, maxx, maxy = shapely.bounds(metric_geometry(areas)).T
        return dict(zip(map(str, areas.index), np.maximum(maxx - minx, maxy - miny).tolist(), strict=True))

    return per_frame("map.extents", areas, build)


def _list_status(areas: gpd.GeoDataFrame) -> dict[str, str]:
    """Each area's list status text, once per loaded areas frame."""
    if "list_confidence" not in areas or "list_status" not in areas:
        return {}
    return per_frame(
        "map.list_status",
        areas,
        lambda: {
            str(a): list_status_text(c, t)
            for a, c, t in zip(areas.index, areas["list_confidence"], areas["list_status"], strict=True)
        },
    )


def tooltip_html(rows: list[tuple[str, object]]) -> str:
    """A small label/value table for a tooltip; every value is escaped."""
    return f'<table class="area-tooltip">{_rows_html(rows)}</table>'


def _rows_html(rows: list[tuple[str, object]]) -> str:
    return "".join(f"<tr><th>{escape_text(label)}</th><td>{escape_text(value)}</td></tr>" for label, value in rows)


def _feature(geom: BaseGeometry, area_id: str, tooltip: str, style: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": geom.__geo_interface__,
        "properties": {"area_id": area_id, "tooltip": tooltip, "style": style},
    }


EXCLUDED_FILL = "#ffffff"
EXCLUDED_STYLE = {"fillColor": EXCLUDED_FILL, "fillOpacity": 0.35, "color": "#b2182b", "dashArray": "2 5", "weight": 2}
SMALL_AREA_M = 450  # areas smaller than this (longer side) get a marker that stays visible when zoomed out
SELECTED_OUTLINE = "#000000"
OUTLINE = "#333333"
MAP_BACKGROUND = "#dddddd"  # Leaflet's own background where no background map is drawn
FILL_OPACITY = 0.8


def area_style(fill: str, *, dashed: bool, selected: bool, excluded: bool = False) -> dict:
    """Leaflet path options of one area, the one place an area's look is decided: fill by score; dashed
    outline = approximate boundary; the selected area: a thick solid black outline; an area a scenario's
    rules exclude: pale fill with a dotted red outline (kept black and thick when selected)."""
    style = {
        "fillColor": fill,
        "fillOpacity": FILL_OPACITY,
        "color": SELECTED_OUTLINE if selected else OUTLINE,
        "weight": 3.5 if selected else 1.5,
        "dashArray": None if selected or not dashed else "6 4",
    }
    if excluded:
        style.update(
            EXCLUDED_STYLE
            if not selected
            else {"fillColor": EXCLUDED_FILL, "fillOpacity": EXCLUDED_STYLE["fillOpacity"]}
        )
    return style


def area_at(areas: gpd.GeoDataFrame, lat: float, lng: float) -> str | None:
    """The id of the area containing a clicked point (the smallest one if they overlap)."""
    from shapely.geometry import Point

    pt = Point(lng, lat)
    hits = areas[areas.geometry.covers(pt)]
    if hits.empty:
        return None
    return str(hits.geometry.to_crs(METRIC_CRS).area.idxmin())


def change_layer(before: gpd.GeoDataFrame, after: gpd.GeoDataFrame, area_ids: list[str]) -> folium.FeatureGroup:
    """Old boundaries (grey, dashed) and new ones (orange) of the given areas, for an import preview."""
    group = folium.FeatureGroup(name="Ændrede grænser")
    features = []
    for frame, colour, dash, label in ((before, "#636363", "5 5", "før"), (after, "#d95f02", None, "efter")):
        rows = frame.loc[[a for a in area_ids if a in frame.index]]
        style = {"color": colour, "weight": 2.5, "fillOpacity": 0.1, "dashArray": dash}
        features += [
            _feature(g, escape_text(aid), tooltip_html([("Område", f"{n} ({label})")]), style)
            for aid, n, g in zip(rows.index, rows["name"], rows.geometry, strict=True)
        ]
    PolygonLayer(features).add_to(group)
    return group
