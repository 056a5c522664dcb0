"""Vector layers: GeoJSON, GeoPackage and zipped Shapefile read into a GeoDataFrame (CRS as declared).

Nothing here writes outside a private temporary folder, which is removed again.
"""

from __future__ import annotations

import os
import posixpath
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
from pyproj import CRS
from pyproj.exceptions import CRSError

from selection.errors import Report, library_reason
from selection.importing.readers.archive import check_zip, read_member
from selection.importing.readers.source import ImportFile, Source, load_source
from selection.limits import MB, Limits
from selection.text import json_input

VECTOR_EXTENSIONS = (".geojson", ".json", ".gpkg", ".zip")
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


@dataclass
class VectorData:
    """A vector layer read from a file, before its geometries are checked."""

    gdf: gpd.GeoDataFrame
    layer: str | None = None
    encoding: str | None = None


def list_layers(source: Source, limits: Limits | None = None) -> list[str]:
    """Names of the layers in a GeoPackage (or other vector file); empty if it cannot be read."""
    report = Report()
    item = load_source(source, limits or Limits(), report)
    if item is None:
        return []
    import pyogrio  # local: `rank` resolves the import store through this package and never needs GDAL

    with tempfile.TemporaryDirectory(prefix="selection-import-") as tmp:
        path = Path(tmp) / _safe_name(item)
        path.write_bytes(item.data)
        try:
            return [str(row[0]) for row in pyogrio.list_layers(path)]
        except Exception:
            return []


def read_vector(item: ImportFile, limits: Limits, report: Report, layer: str | None = None) -> VectorData | None:
    """Read GeoJSON, GeoPackage or a zipped Shapefile into a GeoDataFrame (CRS as declared)."""
    if item.suffix in (".geojson", ".json") and not _check_geojson_text(item, report):
        return None
    import pyogrio  # local, as in list_layers

    with tempfile.TemporaryDirectory(prefix="selection-import-") as tmp:
        encoding = None
        if item.suffix == ".zip":
            got = _unpack_shapefile(item, limits, Path(tmp), report)
            if got is None:
                return None
            path, encoding = got
        else:
            path = Path(tmp) / _safe_name(item)
            path.write_bytes(item.data)
        try:
            layers = [str(row[0]) for row in pyogrio.list_layers(path)]
        except Exception as exc:
            report.error(f"Filen kan ikke læses som geodata: {library_reason(exc)}.", item.name)
            return None
        if not layers:
            report.error("Filen indeholder ingen lag med geodata.", item.name)
            return None
        if layer is None and len(layers) > 1:
            report.error(f"Filen har flere lag; vælg hvilket lag der skal bruges: {', '.join(layers)}.", item.name)
            return None
        if layer is not None and layer not in layers:
            report.error(f"Laget '{layer}' findes ikke; filen har lagene: {', '.join(layers)}.", item.name)
            return None
        chosen = layer if layer is not None else layers[0]
        try:
            info = pyogrio.read_info(path, layer=chosen, force_feature_count=True)
        except Exception as exc:
            report.error(f"Filen kan ikke læses som geodata: {library_reason(exc)}.", item.name)
            return None
        count = int(info.get("features") or 0)
        if count > limits.max_features:
            report.error(f"Filen har {count} objekter; grænsen er {limits.max_features}.", item.name)
            return None
        if encoding is None and item.suffix == ".zip":
            encoding = "UTF-8"
        try:
            gdf, encoding = _read_with_encoding(path, chosen, encoding, item.suffix == ".zip")
        except Exception as exc:
            report.error(f"Filen kan ikke læses som geodata: {library_reason(exc)}.", item.name)
            return None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry is None:
        report.error(
            f"Laget '{chosen}' har ingen geometri (det er en ren tabel); vælg et lag med polygoner eller punkter.",
            item.name,
        )
        return None
    if len(gdf) == 0:
        where = f"laget '{chosen}'" if len(layers) > 1 or item.suffix == ".gpkg" else None
        report.error("Filen indeholder ingen objekter.", item.name, where)
        return None
    if gdf.crs is None:
        report.error(
            "Filen angiver ikke et koordinatsystem (CRS), og det gættes ikke. "
            "Gem filen med CRS (fx EPSG:25832) – for en Shapefile skal .prj-filen med i zip-filen.",
            item.name,
        )
        return None
    return VectorData(gdf, chosen, encoding)


def _safe_name(item: ImportFile) -> str:
    stem = re.sub(r"[^\w-]+", "_", Path(item.name).stem)[:60] or "input"
    return stem + (item.suffix or ".dat")


def _read_with_encoding(
    path: Path, layer: str, encoding: str | None, is_shapefile: bool
) -> tuple[gpd.GeoDataFrame, str | None]:
    """The layer and the text encoding it was read with (a Shapefile's is detected when not given)."""
    if not is_shapefile:
        return gpd.read_file(path, layer=layer), encoding
    if encoding not in (None, "UTF-8"):
        return gpd.read_file(path, layer=layer, encoding=encoding), encoding
    try:
        gdf = gpd.read_file(path, layer=layer, encoding="UTF-8")
        text = gdf.drop(columns=gdf.geometry.name).astype(str)
        if not text.apply(lambda col: col.str.contains("\ufffd", regex=False)).any().any():
            return gdf, "UTF-8"
    except UnicodeDecodeError:
        pass
    return gpd.read_file(path, layer=layer, encoding="cp1252"), "cp1252"


GEOJSON_PARSE_BYTES = 5 * MB  # larger files are parsed in Python only if they hold a 'crs' member


def _check_geojson_text(item: ImportFile, report: Report) -> bool:
    """GDAL silently falls back to WGS84 for an unknown 'crs' member, so check it here first.

    Small files are parsed in full (precise Danish messages for invalid JSON); a large file only if
    it mentions "crs", so a big upload is not held twice in memory (GDAL reads it anyway).
    """
    if len(item.data) > GEOJSON_PARSE_BYTES and re.search(rb'"crs"\s*:', item.data) is None:
        return True
    try:
        raw = json_input.loads(item.data.decode("utf-8-sig"), check_depth=False)
    except UnicodeDecodeError:
        report.error("Filen er ikke gyldig GeoJSON (ikke UTF-8-tekst; er det en binær fil?).", item.name)
        return False
    except json_input.JsonError as exc:
        report.error(f"Filen er ikke gyldig GeoJSON: {str(exc).rstrip('.')}.", item.name)
        return False
    if not isinstance(raw, dict) or raw.get("type") not in ("FeatureCollection", "Feature"):
        report.error("Filen er ikke GeoJSON: den skal indeholde en 'FeatureCollection'.", item.name)
        return False
    if "crs" in raw and raw["crs"] is not None:
        crs = raw["crs"]
        props = crs.get("properties") if isinstance(crs, dict) else None
        name = props.get("name") if isinstance(props, dict) else None
        if not isinstance(name, str) or not name.strip():
            report.error(
                'Medlemmet \'crs\' har ikke formen {"type": "name", "properties": {"name": "EPSG:…"}}; '
                "koordinatsystemet kan ikke aflæses. Ret eller fjern 'crs' (uden 'crs' er GeoJSON WGS84).",
                item.name,
            )
            return False
        try:
            CRS.from_user_input(name)
        except (CRSError, TypeError, ValueError) as exc:
            report.error(f"Ukendt eller ugyldigt koordinatsystem '{name[:80]}': {library_reason(exc)}.", item.name)
            return False
    return True


def _unpack_shapefile(item: ImportFile, limits: Limits, tmp: Path, report: Report) -> tuple[Path, str | None] | None:
    zf = check_zip(item, limits, report)
    if zf is None:
        return None
    parts: dict[str, zipfile.ZipInfo] = {}
    shp = [i for i in zf.infolist() if i.filename.lower().endswith(".shp") and not i.is_dir()]
    if not shp:
        report.error("Zip-filen indeholder ingen Shapefile (.shp).", item.name)
        return None
    if len(shp) > 1:
        report.error(
            "Zip-filen indeholder flere Shapefiles; pak kun én: " + ", ".join(i.filename for i in shp) + ".", item.name
        )
        return None
    stem = shp[0].filename[:-4]
    for info in zf.infolist():
        base, ext = os.path.splitext(info.filename)
        if base == stem and ext.lower() in SHAPEFILE_PARTS:
            parts[ext.lower()] = info
    missing = [ext for ext in (".shx", ".dbf") if ext not in parts]
    if missing:
        report.error(f"Shapefilen mangler {', '.join(missing)} i zip-filen.", item.name)
        return None
    budget = limits.max_unzipped_bytes
    encoding = None
    local = re.sub(r"[^\w-]+", "_", posixpath.basename(stem))[:60] or "layer"
    try:
        for ext, info in parts.items():
            data = read_member(zf, info, budget)
            budget -= len(data)
            (tmp / f"{local}{ext}").write_bytes(data)
            if ext == ".cpg":
                encoding = _cpg_encoding(data.decode("ascii", "replace"))
    except Exception as exc:  # corrupt deflate/LZMA/bzip2 streams raise zlib.error, LZMAError, EOFError, ...
        report.error(f"Zip-filen kan ikke pakkes ud; den er beskadiget: {library_reason(exc)}.", item.name)
        return None
    if encoding is not None:
        (tmp / f"{local}.cpg").unlink()  # the encoding is passed explicitly instead
    return tmp / f"{local}.shp", encoding


def _cpg_encoding(text: str) -> str | None:
    t = text.strip().upper().replace("-", "").replace("_", "")
    if t in ("UTF8", "65001"):
        return "UTF-8"
    if t in ("1252", "CP1252", "WINDOWS1252", "ANSI1252", "ANSI"):
        return "cp1252"
    if t in ("88591", "ISO88591", "LATIN1"):
        return "latin-1"
    return None
