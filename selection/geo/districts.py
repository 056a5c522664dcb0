"""An orientation layer made from the data itself: the districts (bydele) the data package names for its areas.

No boundary data is shipped or fetched: each district is drawn as a light frame around the areas that lie in it
(their convex hull widened by ``MARGIN_M``) with its name at the frame's top edge. So a reader sees where Nørrebro's
areas lie relative to Valby's without a background map. It is not the district's boundary, and the captions say so
(``ORIENTATION_NOTE``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from selection.geo.geometry import METRIC_CRS

MARGIN_M = 250.0  # the frame around a district's areas
DISTRICT_COLUMN = "bydel"
ORIENTATION_NOTE = (
    "Grå rammer og navne: bydelene efter datapakkens bydelsfelt, tegnet som en ramme om de områder, der ligger i "
    "dem – ikke bydelenes grænser."
)
_NOT_A_NAME = re.compile(r"^(ukendt|unknown|-|–)\b", re.IGNORECASE)


@dataclass(frozen=True)
class District:
    """A district's name, its frame (the hull around its areas) and where its name goes (the frame's top edge),
    in the areas' own CRS."""

    name: str
    outline: BaseGeometry
    label_x: float
    label_y: float


def district_name(value: object) -> str | None:
    """The district a data value names: the text before any '(' note, trimmed; None when it names none ('Ukendt
    (hypotese: …)', empty, missing)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = " ".join(str(value).split("(", 1)[0].split())
    if not text or _NOT_A_NAME.match(text):
        return None
    return text


def districts(names: Sequence[object], geometries: gpd.GeoSeries) -> list[District]:
    """One ``District`` per named district (sorted by name), from each area's district value and geometry; empty
    when fewer than two districts are named (one frame around everything orients no one)."""
    if len(geometries) == 0 or geometries.crs is None:
        return []
    metric = geometries.to_crs(METRIC_CRS).to_numpy()
    groups: dict[str, list[BaseGeometry]] = {}
    for value, geom in zip(names, metric, strict=True):
        name = district_name(value)
        if name is not None and geom is not None and not geom.is_empty:
            groups.setdefault(name, []).append(geom)
    if len(groups) < 2:
        return []
    hulls = gpd.GeoSeries(
        [shapely.convex_hull(shapely.union_all(parts)).buffer(MARGIN_M, quad_segs=4) for parts in groups.values()],
        crs=METRIC_CRS,
    ).to_crs(geometries.crs)
    out = []
    for name, hull in zip(groups, hulls, strict=True):
        minx, _, maxx, maxy = hull.bounds
        out.append(District(name, hull, (minx + maxx) / 2, maxy))
    return sorted(out, key=lambda d: d.name.casefold())
