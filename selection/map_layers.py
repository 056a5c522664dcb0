"""Folium layers for the ranked map (no Streamlit here, so they can be tested directly).

The base map is deterministic and never depends on weights; the ranked polygons and rank
labels live in a separate FeatureGroup that st_folium adds dynamically
(``feature_group_to_add``), so moving a weight recolours the map without remounting it.
Every text shown in the map is HTML-escaped here.
"""

from __future__ import annotations

import html
import math

import folium
from branca.element import MacroElement
from jinja2 import Template
import geopandas as gpd
import pandas as pd

from .geometry import METRIC_CRS
from .offline_assets import use_local_assets

# ColorBrewer YlGnBu, 5 classes: sequential and colour-blind safe. Fixed 0–100 bins so a
# colour means the same score whatever areas are loaded.
PALETTE = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
BIN_EDGES = (0, 20, 40, 60, 80, 100)
UNRANKED_COLOUR = "#bdbdbd"

BASEMAPS = {
    "none": ("Ingen baggrundskort (virker uden internet)", None, None),
    "osm": (
        "OpenStreetMap (kræver internet)",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "&copy; OpenStreetMap-bidragydere",
    ),
    "light": (
        "Lyst kort (CARTO, kræver internet)",
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        "&copy; OpenStreetMap-bidragydere &copy; CARTO",
    ),
}

QUALITY_TEXT = {
    "official": "Officiel afgrænsning",
    "approximate": "Omtrentlig afgrænsning",
    "placeholder": "Pladsholder – placering ukendt",
}


def escape_text(value: object) -> str:
    """Escape text for HTML and for the JS template literals folium puts tooltips in."""
    return html.escape(str(value)).replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


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


def base_map(areas: gpd.GeoDataFrame, basemap: str = "none") -> folium.Map:
    """A deterministic map framed on the areas, with local Leaflet and an optional tile layer."""
    minx, miny, maxx, maxy = areas.total_bounds
    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=12,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
    )
    _, url, attribution = BASEMAPS[basemap]
    if url:
        folium.TileLayer(url, attr=attribution, name=BASEMAPS[basemap][0], max_zoom=19).add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding=(10, 10))
    return use_local_assets(m)


def ranked_layer(areas: gpd.GeoDataFrame, table: pd.DataFrame, selected: str | None = None) -> folium.FeatureGroup:
    """Polygons coloured by total score, with rank labels and escaped tooltips."""
    ranks = dict(zip(table["area_id"], table["rank"], strict=True))
    totals = dict(zip(table["area_id"], table["total"], strict=True))
    group = folium.FeatureGroup(name="Rangerede områder")
    features, labels = [], []
    for aid, name, quality, geom in zip(
        areas.index, areas["name"], areas["geometry_quality"], areas.geometry, strict=True
    ):
        rank = ranks.get(aid, pd.NA)
        ranked = not pd.isna(rank)
        total = float(totals[aid]) if ranked else None
        features.append({
            "type": "Feature",
            "geometry": geom.__geo_interface__,
            "properties": {
                "area_id": escape_text(aid),
                "name": escape_text(name),
                "rank_text": f"{int(rank)}" if ranked else "Ikke rangeret",
                "score_text": f"{total:.1f}".replace(".", ",") if ranked else "–",
                "quality_text": escape_text(QUALITY_TEXT.get(quality, str(quality))),
                "fill": score_colour(total),
                "quality": quality,
                "selected": aid == selected,
            },
        })
        if ranked:
            point = geom.representative_point()
            labels.append({"lat": point.y, "lng": point.x, "rank": int(rank), "area": escape_text(aid)})
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="Områder",
        style_function=_style,
        highlight_function=lambda _f: {"weight": 4, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "rank_text", "score_text", "quality_text"],
            aliases=["Område", "Rang", "Samlet score", "Grænse"],
            sticky=True,
        ),
    ).add_to(group)
    RankLabels(labels).add_to(group)
    return group


class RankLabels(MacroElement):
    """All rank numbers in one element (one compiled template instead of 3 per marker).

    Labels are not interactive, so a click on a number reaches the polygon beneath it.
    Only integers and escaped ids reach the HTML; the JSON is emitted with Jinja's tojson.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.labels | tojson }}.forEach(function (l) {
            L.marker([l.lat, l.lng], {
                interactive: false,
                keyboard: false,
                icon: L.divIcon({
                    className: "rank-icon",
                    iconSize: [22, 22],
                    iconAnchor: [11, 11],
                    html: '<div class="rank-label" data-area="' + l.area + '" style="{{ this.style }}">' + l.rank + '</div>'
                })
            }).addTo({{ this._parent.get_name() }});
        });
        {% endmacro %}
        """
    )
    style = (
        "width:22px;height:22px;border-radius:11px;background:rgba(255,255,255,0.9);color:#111;"
        "border:1.5px solid #111;font:bold 12px/19px sans-serif;text-align:center;box-sizing:border-box;"
    )

    def __init__(self, labels: list[dict]):
        super().__init__()
        self._name = "RankLabels"
        self.labels = labels


def _style(feature: dict) -> dict:
    props = feature["properties"]
    dashed = props["quality"] != "official"
    return {
        "fillColor": props["fill"],
        "fillOpacity": 0.75,
        "color": "#d95f02" if props["selected"] else "#333333",
        "weight": 4 if props["selected"] else 1.5,
        "dashArray": "6 4" if dashed else None,
    }


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
    for frame, colour, dash, label in ((before, "#636363", "5 5", "før"), (after, "#d95f02", None, "efter")):
        rows = frame.loc[[a for a in area_ids if a in frame.index]]
        if rows.empty:
            continue
        features = [{"type": "Feature", "geometry": g.__geo_interface__,
                     "properties": {"text": f"{escape_text(n)} ({label})"}}
                    for n, g in zip(rows["name"], rows.geometry, strict=True)]
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            style_function=lambda _f, c=colour, d=dash: {"color": c, "weight": 2.5, "fillOpacity": 0.1, "dashArray": d},
            tooltip=folium.GeoJsonTooltip(fields=["text"], labels=False),
        ).add_to(group)
    return group
