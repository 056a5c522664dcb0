"""Serve Leaflet and jQuery from this machine so the map renders with no internet.

The files come from the XStatic-Leaflet and XStatic-jQuery packages on PyPI and are
copied into ``static/`` (git-ignored) next to app.py, which Streamlit serves at
``/app/static/`` when ``server.enableStaticServing`` is on.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import folium
import folium.elements

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
URL_PREFIX = "/app/static"
LEAFLET_JS = f"{URL_PREFIX}/leaflet/leaflet.js"
LEAFLET_CSS = f"{URL_PREFIX}/leaflet/leaflet.css"
JQUERY_JS = f"{URL_PREFIX}/jquery/jquery.min.js"


def install_static_assets(static_dir: Path = STATIC_DIR) -> Path:
    """Copy Leaflet (js, css, images) and jQuery from their packages; idempotent."""
    import xstatic.pkg.jquery as xjquery
    import xstatic.pkg.leaflet as xleaflet

    leaflet_src = Path(xleaflet.BASE_DIR)
    copies = {
        leaflet_src / "leaflet.js": static_dir / "leaflet" / "leaflet.js",
        leaflet_src / "leaflet.css": static_dir / "leaflet" / "leaflet.css",
        Path(xjquery.BASE_DIR) / "jquery.min.js": static_dir / "jquery" / "jquery.min.js",
    }
    for image in (leaflet_src / "images").glob("*.png"):
        copies[image] = static_dir / "leaflet" / "images" / image.name
    for src, dst in copies.items():
        if dst.exists() and dst.stat().st_size == src.stat().st_size:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_suffix(dst.suffix + ".tmp")
        shutil.copyfile(src, tmp)
        tmp.replace(dst)
    return static_dir


def use_local_assets(m: folium.Map) -> folium.Map:
    """Point the map at the local Leaflet copy instead of folium's CDN links.

    jQuery is left out: nothing in our maps uses it, and the map's iframe loads its scripts one after
    another, so every script it does not need delays the first paint (the copy stays in ``static/``).
    """
    m.default_js = [("leaflet", LEAFLET_JS)]
    m.default_css = [("leaflet_css", LEAFLET_CSS)]
    return m
