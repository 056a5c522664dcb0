"""Geometry checks for area polygons: type, emptiness, validity (with repair) and CRS."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from .errors import Report
from .frame_memo import per_frame

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
            reason = shapely.is_valid_reason(geom)
            fixed = polygonal_part(shapely.make_valid(geom))
            if fixed is None:
                report.error(f"Ugyldig geometri, der ikke kan repareres ({reason}).", file, label)
                repaired.append(geom)
                continue
            report.warn(f"Ugyldig geometri repareret automatisk ({reason}). Kontrollér grænsen.", file, label)
            geom = fixed
        repaired.append(geom)
    return gdf.set_geometry(gpd.GeoSeries(repaired, index=gdf.index, crs=gdf.crs))
