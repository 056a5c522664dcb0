"""Read imported files safely: limits, zip checks, vector layers, CSV/XLSX tables.

Every reader takes an ``ImportFile`` (name + bytes) and a ``Report``; problems are reported in
Danish naming the file (and row/feature/column where there is one). Nothing here writes outside a
private temporary folder, which is removed again.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import posixpath
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import geopandas as gpd
import pyogrio
from pyproj import CRS
from pyproj.exceptions import CRSError

from .errors import Report

MB = 1024 * 1024

VECTOR_EXTENSIONS = (".geojson", ".json", ".gpkg", ".zip")
TABLE_EXTENSIONS = (".csv", ".txt", ".xlsx")
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


@dataclass(frozen=True)
class Limits:
    """Safety limits for one import (small values are handy in tests)."""

    max_file_bytes: int = 50 * MB
    max_unzipped_bytes: int = 200 * MB
    max_zip_members: int = 200
    max_features: int = 5000
    max_rows: int = 100_000


@dataclass(frozen=True)
class ImportFile:
    """One input file: its name (as the user sees it) and its content."""

    name: str
    data: bytes

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()


Source = Union[str, os.PathLike, tuple[str, bytes], ImportFile]


def load_source(source: Source, limits: Limits, report: Report) -> ImportFile | None:
    """Turn a path or a (name, bytes) upload into an ImportFile, enforcing the size limit."""
    if isinstance(source, ImportFile):
        item = source
    elif isinstance(source, tuple):
        name, data = source
        item = ImportFile(Path(str(name)).name or "ukendt fil", bytes(data))
    else:
        path = Path(source)
        name = path.name
        try:
            size = path.stat().st_size
        except OSError as exc:
            report.error(f"Filen kan ikke læses ({exc.strerror or exc}).", name)
            return None
        if not path.is_file():
            report.error("Stien er ikke en fil.", name)
            return None
        if size > limits.max_file_bytes:
            report.error(_too_big(size, limits.max_file_bytes), name)
            return None
        try:
            item = ImportFile(name, path.read_bytes())
        except OSError as exc:
            report.error(f"Filen kan ikke læses ({exc.strerror or exc}).", name)
            return None
    if len(item.data) > limits.max_file_bytes:
        report.error(_too_big(len(item.data), limits.max_file_bytes), item.name)
        return None
    if len(item.data) == 0:
        report.error("Filen er tom.", item.name)
        return None
    return item


def _too_big(size: int, limit: int) -> str:
    return f"Filen er for stor ({_size_text(size)}); grænsen er {_size_text(limit)}."


def _size_text(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n} byte"


def short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


# --------------------------------------------------------------------------- zip files


def check_zip(item: ImportFile, limits: Limits, report: Report) -> zipfile.ZipFile | None:
    """Open a zip and refuse path traversal, too many members and too much unpacked data."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(item.data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        report.error(f"Filen kan ikke åbnes som zip-fil ({short(exc)}).", item.name)
        return None
    if len(infos) > limits.max_zip_members:
        report.error(
            f"Zip-filen har for mange filer ({len(infos)}); grænsen er {limits.max_zip_members}.", item.name
        )
        return None
    unsafe = [i.filename for i in infos if _unsafe_member(i.filename)]
    if unsafe:
        report.error(
            "Zip-filen indeholder usikre stier (../ eller absolutte stier) og afvises: " + ", ".join(unsafe[:5]) + ".",
            item.name,
        )
        return None
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes:
        report.error(
            f"Zip-filen fylder {_size_text(total)} udpakket; grænsen er {_size_text(limits.max_unzipped_bytes)}.",
            item.name,
        )
        return None
    return zf


def _unsafe_member(name: str) -> bool:
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        return True
    return ".." in posixpath.normpath(norm).split("/") or ".." in norm.split("/")


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """Read a member but never more than ``budget`` bytes (a lying header cannot blow up memory)."""
    with zf.open(info) as fh:
        data = fh.read(budget + 1)
    if len(data) > budget:
        raise ValueError("udpakket indhold overskrider grænsen")
    return data


# --------------------------------------------------------------------------- vector data


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
            report.error(f"Filen kan ikke læses som geodata ({short(exc)}).", item.name)
            return None
        if not layers:
            report.error("Filen indeholder ingen lag med geodata.", item.name)
            return None
        if layer is None and len(layers) > 1:
            report.error(
                f"Filen har flere lag; vælg hvilket lag der skal bruges: {', '.join(layers)}.", item.name
            )
            return None
        if layer is not None and layer not in layers:
            report.error(f"Laget '{layer}' findes ikke; filen har lagene: {', '.join(layers)}.", item.name)
            return None
        chosen = layer if layer is not None else layers[0]
        try:
            info = pyogrio.read_info(path, layer=chosen, force_feature_count=True)
        except Exception as exc:
            report.error(f"Filen kan ikke læses som geodata ({short(exc)}).", item.name)
            return None
        count = int(info.get("features") or 0)
        if count > limits.max_features:
            report.error(f"Filen har {count} objekter; grænsen er {limits.max_features}.", item.name)
            return None
        if encoding is None and item.suffix == ".zip":
            encoding = "UTF-8"
        try:
            gdf = _read_with_encoding(path, chosen, encoding, item.suffix == ".zip")
        except Exception as exc:
            report.error(f"Filen kan ikke læses som geodata ({short(exc)}).", item.name)
            return None
        if isinstance(gdf, tuple):
            gdf, encoding = gdf
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


def _read_with_encoding(path: Path, layer: str, encoding: str | None, is_shapefile: bool):
    if not is_shapefile:
        return gpd.read_file(path, layer=layer)
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


def _check_geojson_text(item: ImportFile, report: Report) -> bool:
    """GDAL silently falls back to WGS84 for an unknown 'crs' member, so check it here first."""
    try:
        raw = json.loads(item.data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        report.error("Filen er ikke gyldig GeoJSON (ikke UTF-8-tekst; er det en binær fil?).", item.name)
        return False
    except json.JSONDecodeError as exc:
        report.error(
            f"Filen er ikke gyldig GeoJSON: ugyldig JSON i linje {exc.lineno}, kolonne {exc.colno} ({exc.msg}).",
            item.name,
        )
        return False
    if not isinstance(raw, dict) or raw.get("type") not in ("FeatureCollection", "Feature"):
        report.error("Filen er ikke GeoJSON: den skal indeholde en 'FeatureCollection'.", item.name)
        return False
    crs = raw.get("crs")
    if crs is not None:
        name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
        try:
            CRS.from_user_input(name)
        except (CRSError, TypeError) as exc:
            report.error(f"Ukendt eller ugyldigt koordinatsystem '{name}' ({short(exc)}).", item.name)
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
    except (ValueError, zipfile.BadZipFile, OSError, RuntimeError) as exc:
        report.error(f"Zip-filen kan ikke pakkes ud ({short(exc)}).", item.name)
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


# --------------------------------------------------------------------------- tables


@dataclass
class Table:
    """Text cells of a CSV or XLSX file plus what was detected about the format."""

    header: list[str]
    rows: list[list[str]]  # each row padded to len(header)
    first_row: int = 2  # row number (as in a spreadsheet) of rows[0]
    details: dict[str, str] = field(default_factory=dict)

    @property
    def decimal_comma(self) -> bool:
        return self.details.get("decimal") == ","

    def describe(self) -> str:
        return ", ".join(f"{k}: {v}" for k, v in self.details.items())


def read_table(item: ImportFile, limits: Limits, report: Report, sheet: str | None = None) -> Table | None:
    """Read a CSV (any of ; , tab, cp1252/UTF-8/BOM) or an XLSX sheet as text cells."""
    if item.suffix == ".xlsx":
        return _read_xlsx(item, limits, report, sheet)
    return _read_csv(item, limits, report)


def _decode(item: ImportFile, report: Report) -> tuple[str, str] | None:
    data = item.data
    if b"\x00" in data[:4096]:
        report.error("Filen er ikke en tekstfil (CSV); den indeholder binære data.", item.name)
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 med BOM"
        except UnicodeDecodeError:
            report.error("Filen starter med en UTF-8-BOM, men er ikke gyldig UTF-8.", item.name)
            return None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252 (cp1252)"
    except UnicodeDecodeError:
        report.error("Tegnsættet kan ikke genkendes; gem filen som UTF-8 eller Windows-1252 (Excel).", item.name)
        return None


def _read_csv(item: ImportFile, limits: Limits, report: Report) -> Table | None:
    decoded = _decode(item, report)
    if decoded is None:
        return None
    text, encoding = decoded
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        report.error("Filen er tom.", item.name)
        return None
    candidates = []
    for sep in (";", ",", "\t"):
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=sep))
        except csv.Error:
            continue
        rows = [r for r in rows if any(c.strip() for c in r)]
        width = len(rows[0])
        if width < 2:
            continue
        others = [o for o in (";", "\t") if o != sep]
        if any(o in cell for o in others for cell in rows[0]):
            continue  # a header cell holding ';' or a tab means this separator split the wrong way
        if all(len(r) == width for r in rows):
            candidates.append((width, sep, rows))
    if not candidates:
        report.error(
            "Skilletegnet kan ikke afgøres: med hverken semikolon, komma eller tabulator har alle rækker lige så "
            "mange felter som overskriften. Kontrollér, at filen er gemt som CSV med ét skilletegn "
            "(decimaltal med komma skal stå i anførselstegn i en kommasepareret fil).",
            item.name,
        )
        return None
    width, sep, rows = max(candidates, key=lambda c: c[0])
    if len(rows) - 1 > limits.max_rows:
        report.error(f"Filen har {len(rows) - 1} rækker; grænsen er {limits.max_rows}.", item.name)
        return None
    sep_name = {";": "semikolon (;)", ",": "komma (,)", "\t": "tabulator"}[sep]
    decimal = "," if sep == ";" else "."
    header = [h.strip() for h in rows[0]]
    details = {"format": "CSV", "tegnsæt": encoding, "skilletegn": sep_name, "decimal": decimal}
    return Table(header, [[c.strip() for c in r] for r in rows[1:]], 2, details)


def _read_xlsx(item: ImportFile, limits: Limits, report: Report, sheet: str | None) -> Table | None:
    if check_zip(item, limits, report) is None:
        return None
    try:
        import openpyxl  # local import: only needed for Excel files

        wb = openpyxl.load_workbook(io.BytesIO(item.data), data_only=True)
    except Exception as exc:
        report.error(f"Filen kan ikke læses som Excel-fil (.xlsx) ({short(exc)}).", item.name)
        return None
    if sheet is not None and sheet not in wb.sheetnames:
        report.error(f"Arket '{sheet}' findes ikke; filen har arkene: {', '.join(wb.sheetnames)}.", item.name)
        return None
    ws = wb[sheet] if sheet is not None else wb.worksheets[0]
    merged = [str(r) for r in ws.merged_cells.ranges if r.min_row <= 1]
    if merged:
        report.error(
            f"Overskriftsrækken har flettede celler ({', '.join(merged)}); hver kolonne skal have sin egen overskrift.",
            item.name,
            f"ark '{ws.title}'",
        )
        return None
    rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    rows = [r for r in rows if any(c for c in r)]
    if not rows:
        report.error("Filen er tom.", item.name, f"ark '{ws.title}'")
        return None
    header = rows[0]
    while header and not header[-1]:
        header = header[:-1]
    for pos, h in enumerate(header):
        if not h:
            report.error(
                f"Overskriften i kolonne {_col_letter(pos)} er tom; hver kolonne skal have en overskrift.",
                item.name,
                f"ark '{ws.title}'",
            )
            return None
    if len(rows) - 1 > limits.max_rows:
        report.error(f"Filen har {len(rows) - 1} rækker; grænsen er {limits.max_rows}.", item.name)
        return None
    body = [(r + [""] * len(header))[: len(header)] for r in rows[1:]]
    details = {"format": "Excel (.xlsx)", "ark": ws.title, "decimal": "."}
    return Table(header, body, 2, details)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value).strip()


def _col_letter(pos: int) -> str:
    letters = ""
    pos += 1
    while pos:
        pos, rem = divmod(pos - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def parse_number(text: str, decimal_comma: bool) -> float | None:
    """'3', '3.5', '3,5', '1.234,5' (Danish) → float; '' → None; ValueError otherwise."""
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if not t:
        return None
    if "," in t:
        if t.count(",") != 1:
            raise ValueError(text)
        if "." in t:
            if not decimal_comma:
                raise ValueError(text)
            t = t.replace(".", "")
        t = t.replace(",", ".")
    number = float(t)
    if not math.isfinite(number):
        raise ValueError(text)
    return number
