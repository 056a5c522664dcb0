"""Is a place where it can be? Areas and actors are checked against Denmark's extent.

Outside Denmark (with a margin) gives a warning, far outside (beyond ``PLAUSIBLE``) an error;
both name the likely cause: latitude and longitude swapped, metres declared as degrees, or
degrees declared as metres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pyproj import CRS
from shapely.geometry.base import BaseGeometry

Box = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat

DENMARK: Box = (7.7, 54.4, 15.4, 58.0)  # Jutland to Bornholm, Gedser to Skagen
PLAUSIBLE: Box = (3.0, 53.0, 20.0, 60.0)  # neighbouring waters and border regions
UTM32_DENMARK: Box = (380_000.0, 6_000_000.0, 920_000.0, 6_450_000.0)  # Denmark in EPSG:25832 metres


@dataclass(frozen=True)
class ExtentFinding:
    severity: str  # "error" or "warning"
    message: str


def _inside(bounds: Box, box: Box) -> bool:
    minx, miny, maxx, maxy = bounds
    return box[0] <= minx and maxx <= box[2] and box[1] <= miny and maxy <= box[3]


def _finite(bounds: Box) -> bool:
    return all(math.isfinite(v) for v in bounds)


def check_place(
    wgs84: BaseGeometry | None, declared: BaseGeometry | None, crs: CRS | None, what: str = "Området"
) -> ExtentFinding | None:
    """A finding if ``wgs84`` (the geometry in WGS84) lies outside Denmark, else None.

    ``declared`` is the same geometry in the file's own coordinates and ``crs`` the file's CRS;
    they are used to name the likely cause.
    """
    if wgs84 is None or wgs84.is_empty:
        return None
    bounds = wgs84.bounds
    if _finite(bounds) and _inside(bounds, DENMARK):
        return None
    cause = _likely_cause(declared, crs)
    if _finite(bounds) and _inside(bounds, PLAUSIBLE):
        return ExtentFinding("warning", f"{what} ligger uden for Danmark ({_where(bounds)}). {cause}".strip())
    return ExtentFinding(
        "error",
        f"{what} ligger langt fra Danmark ({_where(bounds)}) og kan ikke bruges. "
        f"{cause or 'Kontrollér koordinaterne og koordinatsystemet (CRS).'}".strip(),
    )


def _where(bounds: Box) -> str:
    if not _finite(bounds):
        return "koordinaterne kan ikke omregnes til længde- og breddegrad"
    lon, lat = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    if abs(lon) > 180 or abs(lat) > 90:
        return f"x {lon:.3g}, y {lat:.3g} er ikke længde- og breddegrader".replace(".", ",")
    return f"omkring længdegrad {lon:.2f}, breddegrad {lat:.2f}".replace(".", ",")


def _likely_cause(declared: BaseGeometry | None, crs: CRS | None) -> str:
    if declared is None or declared.is_empty or crs is None:
        return ""
    minx, miny, maxx, maxy = declared.bounds
    swapped = (minx, miny, maxx, maxy)
    if crs.is_geographic:
        if _inside((miny, minx, maxy, maxx), DENMARK):
            return (
                "Bredde- og længdegrad ser ud til at være byttet om (x skal være længdegraden, 8–15, "
                "og y breddegraden, 54–58)."
            )
        if _inside(swapped, UTM32_DENMARK):
            return (
                "Koordinaterne ligner meter i EPSG:25832, men filen angiver grader (fx EPSG:4326); "
                "angiv det rigtige koordinatsystem."
            )
        if abs(minx) > 180 or abs(maxx) > 180 or abs(miny) > 90 or abs(maxy) > 90:
            return (
                "Koordinaterne er for store til at være grader: de ser ud til at være meter, men filen "
                "angiver grader; angiv det rigtige koordinatsystem."
            )
        return ""
    if _inside(swapped, DENMARK) or _inside((miny, minx, maxy, maxx), DENMARK):
        epsg = crs.to_epsg()
        return (
            f"Koordinaterne ligner længde- og breddegrader, men filen angiver et koordinatsystem i meter "
            f"({'EPSG:' + str(epsg) if epsg else crs.name}); angiv EPSG:4326."
        )
    return ""
