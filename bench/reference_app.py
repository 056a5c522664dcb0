"""Minimal reference Streamlit page: the baseline that bench/bench_app.py compares app.py against.

Same 13 polygons (data/areas/areas.geojson, loaded with geopandas and cached like the app caches
its data set), one slider, a trivial deterministic score per area, an offline folium map whose
scored polygons are passed to st_folium via ``feature_group_to_add`` (so the map is not
remounted), and a st.dataframe of the 13 scores. Nothing else: no validation, no scoring
model, no detail panel, no chart, no shortlist.

Static files are served from ``static/`` next to the *script*, so to view it in a browser the
benchmark copies this file into a temporary folder with a ``static -> <repo>/static`` symlink and
sets ``BENCH_REPO`` so the data and the ``selection`` package are still found.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

REPO = Path(os.environ.get("BENCH_REPO") or Path(__file__).resolve().parent.parent)
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from selection.output.offline_assets import install_static_assets  # noqa: E402

PALETTE = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")  # same 5 bins as the app


@st.cache_resource(show_spinner=False)
def static_assets() -> Path:
    return install_static_assets()


@st.cache_resource(show_spinner=False)
def load_areas() -> gpd.GeoDataFrame:
    return gpd.read_file(REPO / "data" / "areas" / "areas.geojson")


def pseudo_score(value: int, index: int) -> float:
    """Deterministic 0-100 score mixing the slider value and the area's index."""
    return float((index * 37 + value * (index + 3)) % 101)


def colour(score: float) -> str:
    return PALETTE[min(int(score // 20), len(PALETTE) - 1)]


static_assets()
areas = load_areas()
value = st.sidebar.slider("Vægt", 0, 100, 50, key="w")

scores = [pseudo_score(value, i) for i in range(len(areas))]
table = pd.DataFrame({"Område": areas["name"], "Score": scores}).sort_values("Score", ascending=False)

minx, miny, maxx, maxy = areas.total_bounds
m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=12, tiles=None)
m.default_js = [("leaflet", "/app/static/leaflet/leaflet.js")]
m.default_css = [("leaflet_css", "/app/static/leaflet/leaflet.css")]
m.fit_bounds([[miny, minx], [maxy, maxx]])

scored = areas[["name", "geometry"]].copy()
scored["fill"] = [colour(s) for s in scores]
group = folium.FeatureGroup(name="Scores")
folium.GeoJson(
    scored.to_json(),
    style_function=lambda f: {
        "fillColor": f["properties"]["fill"],
        "fillOpacity": 0.75,
        "color": "#333333",
        "weight": 1.5,
    },
).add_to(group)

st_folium(m, key="ref_map", height=560, use_container_width=True, feature_group_to_add=group, returned_objects=[])
st.dataframe(table, hide_index=True)
