"""Geometry checks for area polygons: type, emptiness, validity (with repair) and CRS."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from selection.errors import Report
from selection.memo import per_frame
from selection.text.formatting import number

WGS84 = "EPSG:4326"
METRIC_CRS = "EPSG:25832"  # ETRS89 / UTM zone 32N, the Danish standard for distances
POLYGONAL = ("Polygon", "MultiPolygon")


def metric_geometry(frame: gpd.GeoDataFrame) -> np.ndarray:
    """The frame's geometries in ``METRIC_CRS``, projected once per frame object (``frame_memo``; read-only)."""
    return per_frame("geometry.metric", frame, lambda: frame.geometry.to_crs(METRIC_CRS).to_numpy())


def polygonal_part(geom: BaseGeometry) -> BaseGeometry | None:
    """Return only the polygons of a geometry (after make_valid it may be a collection)."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in POLYGONAL:
        return geom
    polys = [g for g in shapely.get_parts(geom) if g.geom_type in POLYGONAL and not g.is_empty]
    flat: list[Polygon] = []
    for p in polys:
        flat.extend(p.geoms if isinstance(p, MultiPolygon) else [p])
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else MultiPolygon(flat)


# GEOS's validity faults (``shapely.is_valid_reason``: "Self-intersection[x y]") in Danish; the English
# text never reaches the user.
_FAULTS = {
    "Ring Self-intersection": "grænsen rører eller krydser sig selv",
    "Self-intersection": "grænsen krydser sig selv",
    "Hole lies outside shell": "et hul ligger uden for området",
    "Holes are nested": "et hul ligger inde i et andet hul",
    "Interior is disconnected": "et hul deler området i flere dele",
    "Nested shells": "en del af området ligger inde i en anden del",
    "Duplicate Rings": "den samme ring står to gange",
    "Too few distinct points in geometry component": "en ring har for få forskellige punkter",
    "Too few points in geometry component": "en ring har for få punkter",
    "Invalid Coordinate": "et punkt har en ugyldig koordinat",
    "Ring is not closed": "en ring er ikke lukket",
    "Repeated Point": "et punkt står to gange i træk",
}
_FAULT = re.compile(r"^(?P<kind>[^\[]+?)\s*(?:\[(?P<x>\S+) (?P<y>\S+)\])?$")


def validity_reason(geom: BaseGeometry) -> str:
    """Why a geometry is invalid, in Danish, with the place (longitude, latitude) GEOS names."""
    found = _FAULT.match(shapely.is_valid_reason(geom).strip())
    text = _FAULTS.get(found["kind"] if found else "", "grænsen er ikke en gyldig polygon")
    if found is None or found["x"] is None:
        return text
    try:
        x, y = float(found["x"]), float(found["y"])
    except ValueError:
        return text
    if not (np.isfinite(x) and np.isfinite(y)):
        return text
    return f"{text}, ved længde {number(x, 5, grouping=False)}, bredde {number(y, 5, grouping=False)}"


def check_area_geometries(gdf: gpd.GeoDataFrame, file: str, labels: list[str], report: Report) -> gpd.GeoDataFrame:
    """Validate polygons row by row; repair invalid ones with a warning.

    ``labels`` names each feature for messages (e.g. "objekt 3 (Hørgården)").
    Returns a copy in WGS84; rows with unusable geometry are reported as errors.
    """
    gdf = gdf.copy()
    if gdf.crs is None:
        report.error(
            "Filen angiver ikke et koordinatsystem (CRS). Gem den med CRS, fx EPSG:25832 eller EPSG:4326.",
            file,
        )
        return gdf
    if not gdf.crs.equals(WGS84):
        epsg = gdf.crs.to_epsg()
        report.warn(
            f"Koordinater omregnet fra {('EPSG:' + str(epsg)) if epsg else gdf.crs.name} til WGS84 (EPSG:4326).", file
        )
        gdf = gdf.to_crs(WGS84)
    repaired: list[BaseGeometry | None] = []
    valid = shapely.is_valid(gdf.geometry.to_numpy())  # one vectorised pass; repairs below are per area
    for geom, label, is_valid in zip(gdf.geometry.to_numpy(), labels, valid, strict=True):
        if geom is None or geom.is_empty:
            report.error("Objektet har ingen geometri (tom eller mangler).", file, label)
            repaired.append(geom)
            continue
        if geom.geom_type not in POLYGONAL:
            report.error(
                f"Geometrien er '{geom.geom_type}', men et område skal være en polygon eller multipolygon.", file, label
            )
            repaired.append(geom)
            continue
        if not is_valid:
            reason = validity_reason(geom)
            fixed = polygonal_part(shapely.make_valid(geom))
            if fixed is None:
                report.error(f"Ugyldig geometri, der ikke kan repareres ({reason}).", file, label)
                repaired.append(geom)
                continue
            report.warn(f"Ugyldig geometri repareret automatisk ({reason}). Kontrollér grænsen.", file, label)
            geom = fixed
        repaired.append(geom)
    return gdf.set_geometry(gpd.GeoSeries(repaired, index=gdf.index, crs=gdf.crs))
