"""Folium layers for the ranked map (no Streamlit here, so they can be tested directly).

The base map is deterministic and never depends on weights. It holds the areas' display
geometry (``area_shapes``: a static data file loaded once per map, see ``map_geometry``). What a
weight move changes (per area a style, the tooltip values and the rank labels; no coordinates)
lives in a separate FeatureGroup that st_folium replaces dynamically (``feature_group_to_add``),
so moving a weight recolours the map without remounting it or resending geometry.
Every text shown in the map is HTML-escaped here.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.elements import ElementAddToElement, JSCSSMixin
from folium.map import FitBounds
from jinja2 import Template
from shapely.geometry.base import BaseGeometry

from selection.data.status import list_status_text
from selection.geo.geometry import METRIC_CRS, metric_geometry
from selection.memo import per_frame
from selection.output.map_geometry import MAX_ZOOM, Shapes, area_shapes_file, shapes_text
from selection.output.offline_assets import STATIC_DIR, use_local_assets

# ColorBrewer YlGnBu (the first five of its seven classes): sequential and colour-blind safe. Fixed
# 0–100 bins so a colour means the same score whatever areas are loaded. The darkest class stays light
# enough that the dark outline keeps ≥ 3:1 against every fill (WCAG 1.4.11; tests/test_contrast.py).
PALETTE = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0")
BIN_EDGES = (0, 20, 40, 60, 80, 100)
UNRANKED_COLOUR = "#bdbdbd"

EXTERNAL_NOTE = "sender forespørgsler ud af maskinen"
BASEMAPS = {
    "none": ("Ingen baggrundskort (intet forlader maskinen)", None, None),
    "osm": (
        f"OpenStreetMap ({EXTERNAL_NOTE})",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "&copy; OpenStreetMap-bidragydere",
    ),
    "light": (
        f"Lyst kort fra CARTO ({EXTERNAL_NOTE})",
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        "&copy; OpenStreetMap-bidragydere &copy; CARTO",
    ),
}
# The national screen map (skærmkort) through Dataforsyningen's WMS, in Web Mercator; needs the user's token.
SKAERMKORT_KEY = "skaermkort"
SKAERMKORT_URL = "https://api.dataforsyningen.dk/topo_skaermkort_DAF"
SKAERMKORT_LAYER = "dtk_skaermkort"
SKAERMKORT_LABEL = f"Skærmkort fra Dataforsyningen ({EXTERNAL_NOTE} med jeres token)"
SKAERMKORT_ATTRIBUTION = "&copy; Klimadatastyrelsen (Dataforsyningen)"
CUSTOM_KEY = "custom"
CUSTOM_LABEL = f"Egen kortserver ({EXTERNAL_NOTE})"
_PLACEHOLDERS = ("{z}", "{x}", "{y}", "{s}", "{r}")
_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")


@dataclass(frozen=True)
class Basemap:
    """A background map: an XYZ/WMTS tile URL or a WMS service (with its layer)."""

    label: str
    url: str | None
    attribution: str = ""
    wms_layer: str | None = None
    token: str | None = None

    @property
    def external(self) -> bool:
        return self.url is not None


def tile_url_problem(url: str) -> str | None:
    """A Danish reason why ``url`` cannot be used as a tile URL, or None if it can.

    Only http(s) URLs with the placeholders {z}, {x} and {y} (optionally {s}, {r}) are accepted,
    and no other braces, quotes, spaces or angle brackets (the URL is placed in the map page).
    """
    text = url.strip()
    if not text:
        return "Skriv en URL."
    if len(text) > 500:
        return "URL'en er for lang (højst 500 tegn)."
    if not text.lower().startswith(("https://", "http://")):
        return "URL'en skal begynde med https:// (eller http://)."
    missing = [p for p in ("{z}", "{x}", "{y}") if p not in text]
    if missing:
        return (
            "URL'en mangler "
            + ", ".join(missing)
            + " (zoom, kolonne og række), fx https://kort.example.dk/{z}/{x}/{y}.png."
        )
    rest = text
    for placeholder in _PLACEHOLDERS:
        rest = rest.replace(placeholder, "")
    if not _URL_CHARS.fullmatch(rest):
        return "URL'en indeholder tegn, der ikke må stå i en kort-URL (fx mellemrum, anførselstegn, < > eller { })."
    return None


def token_problem(token: str) -> str | None:
    """A Danish reason why a Dataforsyningen token looks wrong, or None."""
    if not re.fullmatch(r"[A-Za-z0-9_\-]{8,200}", token.strip()):
        return "Tokenen til Dataforsyningen ser forkert ud (kun bogstaver, tal, - og _; 8–200 tegn)."
    return None


def available_basemaps(token: str | None = None, custom_url: str | None = None) -> dict[str, Basemap]:
    """The background maps that can be offered: always "none" first; the skærmkort only with a
    (well-formed) token; a custom tile server only with a valid URL."""
    maps = {key: Basemap(label, url, attribution or "") for key, (label, url, attribution) in BASEMAPS.items()}
    if token and token_problem(token) is None:
        maps[SKAERMKORT_KEY] = Basemap(
            SKAERMKORT_LABEL, SKAERMKORT_URL, SKAERMKORT_ATTRIBUTION, SKAERMKORT_LAYER, token.strip()
        )
    if custom_url and tile_url_problem(custom_url) is None:
        maps[CUSTOM_KEY] = Basemap(CUSTOM_LABEL, custom_url.strip(), "Egen kortserver")
    return maps


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
    chosen = basemap if isinstance(basemap, Basemap) else available_basemaps()[basemap]
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


MAP_HEIGHT_PX = 370  # with the page top, the whole map fits on a 1280×720 screen
LABEL_ALL_MAX = 40  # up to this many areas every area is labelled; above it only ...
LABEL_TOP_N = 10  # ... the best-ranked areas and the selected one
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
    )


def ranked_base_map(areas: gpd.GeoDataFrame, basemap: str | Basemap = "none") -> folium.Map:
    """``base_map`` with the areas' display geometry on it: the map a ``ranked_layer`` styles (that layer
    carries no geometry, so a map without the shapes would show no areas)."""
    m = base_map(areas, basemap)
    area_shapes(areas).add_to(m)
    return m


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


class RenderedText(Element):
    """Text that is already rendered: emitted as is, never compiled as a template again."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "RenderedText"
        self.text = text

    def render(self, **kwargs: object) -> str:
        return self.text


def _render_single_pass(element: MacroElement, kwargs: dict[str, object]) -> None:
    """Put the element's rendered macros into its figure as final text, then render its children."""
    figure = element.get_root()
    if not isinstance(figure, Figure):
        raise TypeError(f"{type(element).__name__} must be added to a map before it is rendered")
    module = element._template.module
    for part in ("header", "html", "script"):
        macro = getattr(module, part, None)
        if macro is not None:
            getattr(figure, part).add_child(RenderedText(macro(element, kwargs)), name=element.get_name())
    for child in element._children.values():
        child.render(**kwargs)


class SinglePassElement(MacroElement):
    """A MacroElement whose rendered macros are not compiled a second time.

    branca's ``MacroElement.render`` wraps each macro's output in ``Element(output)``, which
    compiles the output as a new Jinja template. That costs a Jinja compile per element on every
    rerun (most of a weight move's map time); for a layer that embeds data, data that looks like
    Jinja (an area named ``{{ ... }}``) would be evaluated on the server or crash the render.
    """

    def render(self, **kwargs: object) -> str:
        """Render into the figure's header, html and script; the element itself adds no text where it sits."""
        _render_single_pass(self, kwargs)
        return ""


class LocalMap(folium.Map):
    """``folium.Map`` rendered in a single pass (see ``SinglePassElement``); the page is the same."""

    def render(self, **kwargs: object) -> str:
        if self.includes:  # class-level Leaflet includes (none here): folium's own path renders them
            super().render(**kwargs)
            return ""
        figure = self.get_root()
        if isinstance(figure, Figure):  # as JSCSSMixin.render: the local Leaflet links
            for name, url in self.default_js:
                figure.header.add_child(JavascriptLink(url), name=name)
            for name, url in self.default_css:
                figure.header.add_child(CssLink(url), name=name)
        _render_single_pass(self, kwargs)
        return ""


class AddToParent(SinglePassElement, ElementAddToElement):
    """folium's ``ElementAddToElement`` ('layer.addTo(parent)'), rendered in a single pass."""


class FitArea(SinglePassElement, FitBounds):
    """folium's ``FitBounds`` (what ``Map.fit_bounds`` adds), rendered in a single pass."""


class MoveGroup(SinglePassElement, folium.FeatureGroup):
    """The FeatureGroup that st_folium replaces on every weight move, rendered in a single pass."""

    def render(self, **kwargs: object) -> str:
        if self.show and self._parent is not None:  # as folium's Layer.render: add the layer to its parent
            self.add_child(
                AddToParent(element_name=self.get_name(), element_parent_name=self._parent.get_name()),
                name=self.get_name() + "_add",
            )
        _render_single_pass(self, kwargs)
        return ""


class PolygonLayer(SinglePassElement):
    """Polygons with per-feature style and tooltip (the import preview's before/after boundaries).

    Each feature's ``properties`` carry ``style`` (Leaflet path options) and ``tooltip`` (HTML
    whose text is already escaped). All data reaches the page through Jinja's ``tojson``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson({{ this.data | tojson }}, {
            style: function (feature) { return feature.properties.style; },
            onEachFeature: function (feature, layer) {
                layer.on("add", function () {  // the preview's shapes are not in the tab order
                    var el = layer.getElement ? layer.getElement() : null;
                    if (el) { el.setAttribute("tabindex", "-1"); el.setAttribute("aria-hidden", "true"); }
                });
                layer.bindTooltip(feature.properties.tooltip, {sticky: true});
                layer.on("mouseover", function () { layer.setStyle({{ this.highlight | tojson }}); });
                layer.on("mouseout", function () { {{ this.get_name() }}.resetStyle(layer); });
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )
    highlight: ClassVar[dict[str, int | str]] = {"weight": 4, "color": "#000000"}

    def __init__(self, features: list[dict]):
        super().__init__()
        self._name = "PolygonLayer"
        self.data = {"type": "FeatureCollection", "features": features}


class AreaShapes(JSCSSMixin, SinglePassElement):
    """The ranked areas, drawn once per map from their display data file (``map_geometry``).

    Part of the base map, so it never changes with the weights. It defines
    ``window.__rankedAreas.update(move, group)``, which ``RankedStyles`` calls on every weight move:
    it restyles the existing polygons (only those whose style changed), swaps the tooltip values and
    draws the rank labels into ``group`` (the layer st_folium replaces on each move). From
    ``canvas_from`` areas Leaflet draws on one canvas. Small areas get a marker that stays visible
    when zoomed out. Labels are not interactive, so a click on a number reaches the polygon beneath it.
    Every text in the data file and the move is escaped on the server.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.__rankedAreas = (function (map) {
            var data = window.__areaShapes[{{ this.digest | tojson }}], info = data.areas;
            var renderer = info.length >= {{ this.canvas_from }} ? L.canvas({padding: 0.3}) : undefined;
            var layers = [], markers = [], keys = [], styles = [], tips = [], tipLabels = [], icons = [];
            var tooltip = function (i) {
                var cells = "", t = tips[i] || [];
                for (var k = 0; k < t.length; k++) {
                    cells += "<tr><th>" + tipLabels[k] + "</th><td>" + t[k] + "</td></tr>";
                }
                return '<table class="area-tooltip">' + info[i].head + cells + info[i].tail + "</table>";
            };
            info.forEach(function (a, i) {
                if (!a.small) { return; }
                markers[i] = L.circleMarker([a.lat, a.lng], {renderer: renderer, radius: 7, interactive: false,
                    fillColor: "{{ this.unranked }}", fillOpacity: 0.9, color: "#333333", weight: 1.5}).addTo(map);
            });
            // Each ring is an encoded polyline (map_geometry.encoded_shapes): per point the change in
            // latitude and longitude, in units of 10^-decimals degrees, zigzag-coded in 5-bit groups.
            var scale = Math.pow(10, data.decimals);
            var ring = function (text) {
                var points = [], i = 0, n = text.length, lat = 0, lng = 0, b, shift, value;
                while (i < n) {
                    shift = 0; value = 0;
                    do { b = text.charCodeAt(i++) - 63; value |= (b & 31) << shift; shift += 5; } while (b >= 32);
                    lat += (value & 1) ? ~(value >> 1) : (value >> 1);
                    shift = 0; value = 0;
                    do { b = text.charCodeAt(i++) - 63; value |= (b & 31) << shift; shift += 5; } while (b >= 32);
                    lng += (value & 1) ? ~(value >> 1) : (value >> 1);
                    points.push(new L.LatLng(lat / scale, lng / scale));
                }
                return points;
            };
            // Many points: the file also holds a coarse copy, within a pixel up to data.coarseZoom; the
            // map opens with it and switches every area to the full display geometry once zoomed deeper.
            var detailed = !data.coarse || map.getZoom() > data.coarseZoom;
            var latlngs = function (polygons) {
                var parts = polygons.map(function (rings) { return rings.map(ring); });
                return parts.length === 1 ? parts[0] : parts;
            };
            if (!detailed) {
                map.on("zoomend", function detail() {
                    if (map.getZoom() <= data.coarseZoom) { return; }
                    map.off("zoomend", detail);
                    detailed = true;
                    layers.forEach(function (layer, i) { layer.setLatLngs(latlngs(data.shapes[i])); });
                });
            }
            var shapes = L.featureGroup();
            data.shapes.forEach(function (polygons, i) {
                var layer = L.polygon(latlngs(detailed ? polygons : data.coarse[i]),
                                      L.extend({renderer: renderer}, {{ this.initial | tojson }}));
                layers[i] = layer;
                layer.bindTooltip(tooltip(i), {sticky: true});
                layer.on("mouseover", function () {
                    layer.setTooltipContent(tooltip(i));
                    layer.setStyle({{ this.highlight | tojson }});
                });
                layer.on("mouseout", function () { if (styles[i]) { layer.setStyle(styles[i]); } });
                // Keyboard and screen readers: a labelled area is a named button (name and rank, set on
                // every move); Enter or Space selects it as a click does.
                layer.on("add", function () {
                    var el = layer.getElement ? layer.getElement() : null;
                    if (!el) { return; }  // canvas (many areas): the area choice below the map is the way in
                    el.setAttribute("tabindex", "-1");
                    el.addEventListener("focus", function () { layer.setStyle({{ this.highlight | tojson }}); });
                    el.addEventListener("blur", function () { if (styles[i]) { layer.setStyle(styles[i]); } });
                    el.addEventListener("keydown", function (ev) {
                        if (ev.key === "Enter" || ev.key === " ") {
                            ev.preventDefault();
                            layer.fire("click", {latlng: L.latLng(info[i].lat, info[i].lng)});
                        }
                    });
                });
                shapes.addLayer(layer);
            });
            shapes.addTo(map);
            var decoder = document.createElement("textarea");  // names arrive HTML-escaped
            var name_buttons = function (labels) {
                var named = {};
                labels.forEach(function (l) { named[l.i] = l; });
                for (var i = 0; i < layers.length; i++) {
                    var el = layers[i].getElement ? layers[i].getElement() : null;
                    if (!el) { continue; }
                    var l = named[i];
                    if (!l) {  // unlabelled (many areas): left out of the tab order
                        el.setAttribute("tabindex", "-1"); el.removeAttribute("role"); el.removeAttribute("aria-label");
                        el.setAttribute("aria-hidden", "true");
                        continue;
                    }
                    decoder.innerHTML = l.name;
                    el.removeAttribute("aria-hidden");
                    el.setAttribute("tabindex", "0");
                    el.setAttribute("role", "button");
                    el.setAttribute(
                        "aria-label", decoder.value + (l.rank === null ? ", ikke rangeret" : ", nr. " + l.rank)
                    );
                }
            };
            // Names never pile up: a name that would overlap a better-ranked label is hidden (its
            // rank stays; the tooltip still names the area). Recomputed after every zoom.
            var declutter = function () {
                var rect = function (el) { return el.getBoundingClientRect(); };
                var overlaps = function (a, b) {
                    return a.left < b.right + 2 && a.right > b.left - 2 && a.top < b.bottom + 1 && a.bottom > b.top - 1;
                };
                var labels = [];
                icons.forEach(function (marker) {
                    var el = marker.getElement();
                    if (!el) { return; }
                    var name = el.querySelector(".area-name");
                    if (name) { name.style.display = ""; }
                    labels.push({badge: el.querySelector(".rank-label"), name: name});
                });
                // Measure everything in one layout pass, then hide.
                labels.forEach(function (l) {
                    l.badgeBox = l.badge ? rect(l.badge) : null;
                    l.nameBox = l.name ? rect(l.name) : null;
                });
                var kept = [];
                labels.forEach(function (l) {  // in rank order: better-ranked names win
                    if (!l.nameBox) { return; }
                    var hit = kept.some(function (k) { return overlaps(l.nameBox, k); })
                        || labels.some(function (o) {
                            return o !== l && o.badgeBox && overlaps(l.nameBox, o.badgeBox);
                        });
                    if (hit) { l.name.style.display = "none"; } else { kept.push(l.nameBox); }
                });
            };
            map.on("zoomend", declutter);
            var update = function (move, group) {
                var keyOf = move.styles.map(function (st) { return JSON.stringify(st); });
                tips = move.tips;
                tipLabels = move.tipLabels;
                for (var i = 0; i < layers.length; i++) {
                    var k = keyOf[move.style[i]];
                    if (keys[i] === k) { continue; }
                    keys[i] = k;
                    styles[i] = move.styles[move.style[i]];
                    layers[i].setStyle(styles[i]);
                    if (markers[i]) {
                        var chosen = styles[i].color === "{{ this.selected_outline }}";
                        markers[i].setStyle({fillColor: styles[i].fillColor, color: chosen ? "#000000" : "#333333",
                                             weight: chosen ? 3 : 1.5});
                    }
                }
                name_buttons(move.labels);
                icons = [];
                move.labels.forEach(function (l) {
                    var a = info[l.i], rank = l.rank === null ? "–" : l.rank;
                    // Beside the area (right of its east edge), so the label never hides a small area.
                    icons.push(L.marker([a.lat, a.east], {
                        interactive: false,
                        keyboard: false,
                        icon: L.divIcon({
                            className: "rank-icon",
                            iconSize: null,
                            iconAnchor: [-3, 10],
                            html: '<div class="area-label' + (l.selected ? ' selected' : '')
                                + '" style="{{ this.pill_style }}'
                                + (l.selected ? '{{ this.selected_style }}' : '') + '">'
                                + (l.rank === null ? '' : '<span class="rank-label" data-area="' + l.area
                                    + '" style="{{ this.rank_style }}">' + rank + '</span>')
                                + '<span class="area-name" style="{{ this.name_style }}">' + l.name + '</span></div>'
                        })
                    }).addTo(group));
                });
                group.on("add", function () { setTimeout(declutter, 0); });
                if (group._map) { setTimeout(declutter, 0); }
            };
            return {update: update, layers: layers, shapes: shapes, info: info};
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )
    pill_style = (
        "display:inline-flex;align-items:center;white-space:nowrap;padding:1px;"
        "border-radius:11px;background:rgba(255,255,255,0.92);color:#111;border:1px solid #555;"
        "font:600 11px/18px sans-serif;box-shadow:0 1px 2px rgba(0,0,0,0.25);"
    )
    selected_style = "background:#111;color:#fff;border-color:#111;"
    rank_style = (
        "display:inline-block;min-width:18px;height:18px;border-radius:9px;background:#fff;color:#111;"
        "border:1.5px solid #111;font:bold 11px/15px sans-serif;text-align:center;box-sizing:border-box;"
    )
    name_style = "padding:0 6px 0 4px;"
    highlight: ClassVar[dict[str, int | str]] = {"weight": 4, "color": "#000000"}

    def __init__(
        self, shapes: Shapes, n_areas: int, *, initial: dict, unranked: str, selected_outline: str, canvas_from: int
    ):
        """``initial``: every area's style until the first move; ``unranked``: a small area's marker fill
        until then; ``selected_outline``: the outline colour that marks the selected area (its marker is
        drawn black too); from ``canvas_from`` areas Leaflet draws on one canvas."""
        super().__init__()
        self._name = "AreaShapes"
        self.digest = shapes.digest
        self.default_js = [(f"area_shapes_{shapes.digest}", shapes.url)]
        self.canvas_from = canvas_from
        self.initial = initial
        self.unranked = unranked
        self.selected_outline = selected_outline
        self.n_areas = n_areas


class RankedStyles(SinglePassElement):
    """One weight move for ``AreaShapes``: styles, tooltip values and labels, no coordinates."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (window.__rankedAreas) {
            window.__rankedAreas.update({{ this.payload | tojson }}, {{ this._parent.get_name() }});
        }
        {% endmacro %}
        """
    )

    def __init__(self, payload: dict):
        super().__init__()
        self._name = "RankedStyles"
        self.payload = payload


class MetricScale(SinglePassElement):
    """Leaflet's scale bar in metres and kilometres only."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false, position: "bottomleft"}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


class DanishControls(SinglePassElement):
    """Leaflet's zoom buttons, map container and credit link with Danish accessible names."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.zoom({zoomInTitle: "Zoom ind", zoomOutTitle: "Zoom ud"}).addTo({{ this._parent.get_name() }});
        {{ this._parent.get_name() }}.getContainer().setAttribute("aria-label",
            "Kort over områderne. Piletasterne flytter kortet, plus og minus zoomer, Tab går til områderne.");
        {{ this._parent.get_name() }}.attributionControl.setPrefix(
            '<a href="https://leafletjs.com" title="Kortbiblioteket Leaflet">Leaflet</a>');
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "DanishControls"


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
