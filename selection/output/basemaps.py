"""The background maps the ranked map can be drawn on (no Streamlit here, so they can be tested directly).

"none" draws no background and sends nothing out of the machine; the others fetch tiles from a public
server, Dataforsyningen's skærmkort (with the user's token) or a tile server the user names. A user's
URL or token is checked before it is placed in the map page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
