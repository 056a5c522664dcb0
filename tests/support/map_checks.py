"""Checks of what the map sends to the browser: the map's own decoding of the display file, what a displayable
shape is, and the scripts a page would load from outside this machine (the tests' side of selection/output/)."""

from __future__ import annotations

import branca
import folium
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from selection.geo.geometry import POLYGONAL
from selection.output.map_geometry import COORDINATE_DECIMALS
from selection.output.offline_assets import URL_PREFIX


def decoded_ring(text: str) -> list[tuple[float, float]]:
    """The (lng, lat) points of one ring of ``encoded_shapes`` (as the map decodes it), closed."""
    numbers, value, shift = [], 0, 0
    for char in text.encode("ascii"):
        group = char - 63
        value |= (group & 31) << shift
        shift += 5
        if group < 32:
            numbers.append(~(value >> 1) if value & 1 else value >> 1)
            value, shift = 0, 0
    scale = 10**COORDINATE_DECIMALS
    lats, lngs = np.cumsum(numbers[0::2]), np.cumsum(numbers[1::2])
    points = [(int(lng) / scale, int(lat) / scale) for lat, lng in zip(lats, lngs, strict=True)]
    return [*points, points[0]] if points else []


def decoded_shape(polygons: list[list[str]]) -> BaseGeometry:
    """The (multi)polygon of one area's ``encoded_shapes`` entry."""
    shapes = [shapely.Polygon(decoded_ring(rings[0]), [decoded_ring(r) for r in rings[1:]]) for rings in polygons]
    return shapes[0] if len(shapes) == 1 else shapely.MultiPolygon(shapes)


def is_displayable(geom: BaseGeometry | None) -> bool:
    """A valid, non-empty polygon or multipolygon."""
    return geom is not None and not geom.is_empty and geom.is_valid and geom.geom_type in POLYGONAL


def external_links(*elements: folium.Element) -> list[str]:
    """Every JS/CSS URL the elements would load that is not served from this machine."""
    found: list[str] = []

    def walk(el: folium.Element) -> None:
        if isinstance(el, branca.colormap.ColorMap):
            found.append("branca colormap (d3 fra CDN)")
        if isinstance(el, folium.elements.JSCSSMixin):
            for _, url in [*getattr(el, "default_js", []), *getattr(el, "default_css", [])]:
                if not url.startswith(URL_PREFIX):
                    found.append(url)
        for child in getattr(el, "_children", {}).values():
            walk(child)

    for element in elements:
        walk(element)
    return found
