"""Read imported files safely: limits, zip checks, vector layers, CSV/XLSX tables.

Every reader takes an ``ImportFile`` (name + bytes) and a ``Report``; problems are reported in
Danish naming the file (and row/feature/column where there is one). Nothing here writes outside a
private temporary folder, which is removed again.
"""

from __future__ import annotations

import csv
import io
import math
import os
import posixpath
import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
from pyproj import CRS
from pyproj.exceptions import CRSError

from selection.errors import Report, library_reason, os_reason
from selection.importing.matching import norm_key
from selection.limits import MAX_CSV_FIELD, MAX_CSV_LINE, MB, SNIFF_BYTES, Limits
from selection.text import json_input
from selection.text.number_parser import Convention

VECTOR_EXTENSIONS = (".geojson", ".json", ".gpkg", ".zip")
TABLE_EXTENSIONS = (".csv", ".txt", ".xlsx")
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


@dataclass(frozen=True)
class ImportFile:
    """One input file: its name (as the user sees it) and its content."""

    name: str
    data: bytes

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()


Source = str | os.PathLike | tuple[str, bytes] | ImportFile


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
            report.error(f"Filen kan ikke læses ({os_reason(exc)}).", name)
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
            report.error(f"Filen kan ikke læses ({os_reason(exc)}).", name)
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


_PATH = re.compile(r"(?:[A-Za-z]:)?[/\\](?:[^\s'\"/\\]+[/\\])+([^\s'\"/\\]+)")


def short(exc: BaseException) -> str:
    """The first line of an error, without folder names (no server paths reach the user)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return _PATH.sub(r"\1", text)[:200]


# --------------------------------------------------------------------------- zip files


def check_zip(item: ImportFile, limits: Limits, report: Report) -> zipfile.ZipFile | None:
    """Open a zip and refuse path traversal, too many members and too much unpacked data."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(item.data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        report.error(f"Filen kan ikke åbnes som zip-fil: {library_reason(exc)}.", item.name)
        return None
    if len(infos) > limits.max_zip_members:
        report.error(f"Zip-filen har for mange filer ({len(infos)}); grænsen er {limits.max_zip_members}.", item.name)
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


# --------------------------------------------------------------------------- tables


@dataclass
class Table:
    """Text cells of a CSV or XLSX file plus what was detected about the format."""

    header: list[str]
    rows: list[list[str]]  # each row padded to len(header)
    first_row: int = 2  # row number (as in a spreadsheet) of rows[0]
    details: dict[str, str] = field(default_factory=dict)

    @property
    def convention(self) -> Convention:
        """How to read numbers written as text: "danish" (decimal comma) or "standard" (decimal point)."""
        by_decimal: dict[str, Convention] = {",": "danish", ".": "standard"}
        return by_decimal.get(self.details.get("decimal", ""), "auto")

    def describe(self) -> str:
        return ", ".join(f"{k}: {v}" for k, v in self.details.items())


def read_table(
    item: ImportFile, limits: Limits, report: Report, sheet: str | None = None, prefer: str | None = None
) -> Table | None:
    """Read a CSV (any of ; , tab, cp1252/UTF-8/BOM) or an XLSX sheet as text cells.

    In a workbook: ``sheet`` when named (an error if missing), else the sheet ``prefer`` when the workbook has
    it, else the first sheet, with a warning naming the sheets not read when there are more."""
    if item.suffix == ".xlsx":
        return _read_xlsx(item, limits, report, sheet, prefer)
    return _read_csv(item, limits, report)


def _decode(item: ImportFile, report: Report) -> tuple[str, str] | None:
    data = item.data
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):  # Excel's "Unicode text"
        if data.startswith(bom):
            try:
                return data[2:].decode(codec), "UTF-16"
            except UnicodeDecodeError:
                report.error("Filen starter som UTF-16-tekst, men kan ikke læses som UTF-16.", item.name)
                return None
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


SEPARATOR_NAMES = {";": "semikolon (;)", ",": "komma (,)", "\t": "tabulator"}


class LineTooLong(ValueError):
    """A physical line longer than MAX_CSV_LINE (no table we read has one; a wrong file does)."""


def _lines(text: str, start: int = 0, end: int | None = None) -> Iterator[str]:
    """The lines of ``text[start:end]`` with their endings, without copying the whole text."""
    end = len(text) if end is None else end
    while start < end:
        stop = text.find("\n", start, min(end, start + MAX_CSV_LINE + 1))
        if stop < 0:
            if end - start > MAX_CSV_LINE:
                raise LineTooLong(start)
            stop = end
        else:
            stop += 1
        yield text[start:stop]
        start = stop


def _blank(row: list[str]) -> bool:
    return not any(c.strip() for c in row)


def _sniff_separator(text: str) -> str | None:
    """The separator that splits a prefix of the file into rows of equal width (widest wins)."""
    end = len(text)
    if end > SNIFF_BYTES:
        end = text.rfind("\n", 0, SNIFF_BYTES) + 1 or min(end, SNIFF_BYTES)
    candidates = []
    for sep in (";", ",", "\t"):
        try:
            rows = [r for r in csv.reader(_lines(text, 0, end), delimiter=sep) if not _blank(r)]
        except (csv.Error, LineTooLong):
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        if any(o in cell for o in (";", "\t") if o != sep for cell in rows[0]):
            continue  # a header cell holding ';' or a tab means this separator split the wrong way
        if all(len(r) == width for r in rows):
            candidates.append((width, sep))
    return max(candidates)[1] if candidates else None


def _read_csv(item: ImportFile, limits: Limits, report: Report) -> Table | None:
    """Stream the rows with the separator sniffed on a prefix; stop at the first limit reached."""
    decoded = _decode(item, report)
    if decoded is None:
        return None
    text, encoding = decoded
    if "\n" not in text and "\r" in text:  # classic Mac line endings
        text = text.replace("\r", "\n")
    if not text.strip():
        report.error("Filen er tom (den indeholder kun mellemrum eller tomme linjer).", item.name)
        return None
    if not text.strip(" \t\r\n\f\v;,\"'"):
        report.error("Filen indeholder ingen data (kun tomme felter og skilletegn).", item.name)
        return None
    sep = _sniff_separator(text)
    if sep is None:
        report.error(
            "Skilletegnet kan ikke afgøres: med hverken semikolon, komma eller tabulator har alle rækker lige så "
            "mange felter som overskriften. Kontrollér, at filen er gemt som CSV med ét skilletegn "
            "(decimaltal med komma skal stå i anførselstegn i en kommasepareret fil).",
            item.name,
        )
        return None
    csv.field_size_limit(MAX_CSV_FIELD)
    header: list[str] | None = None
    body: list[list[str]] = []
    reader = csv.reader(_lines(text), delimiter=sep)
    try:
        for row in reader:
            if _blank(row):
                continue
            if header is None:
                header = [h.strip() for h in row]
                if not _header_ok(header, item.name, None, limits, report):
                    return None
                continue
            if len(row) != len(header):
                report.error(
                    f"Rækken har {len(row)} felter, men overskriften har {len(header)}.",
                    item.name,
                    f"række {reader.line_num}",
                )
                return None
            if len(body) >= limits.max_rows or (len(body) + 1) * len(header) > limits.max_cells:
                report.error(_too_many_rows(limits, len(header)), item.name)
                return None
            body.append([c.strip() for c in row])
    except csv.Error as exc:
        report.error(f"Filen kan ikke læses som CSV: {_csv_problem(exc)}.", item.name, f"række {reader.line_num}")
        return None
    except LineTooLong:
        report.error(
            f"Filen har en linje, der er længere end {MAX_CSV_LINE // 1024} KB; det er ikke en tabel, "
            "der kan indlæses.",
            item.name,
            f"linje {reader.line_num + 1}",
        )
        return None
    if header is None:
        report.error("Filen indeholder ingen data (kun tomme felter).", item.name)
        return None
    if not body:
        report.error("Filen har kun en overskriftsrække og ingen datarækker.", item.name)
        return None
    width = len(header)  # Excel writes trailing separators for columns it once held: empty, so dropped
    while width and not header[width - 1] and not any(row[width - 1] for row in body):
        width -= 1
    if width < len(header):
        header, body = header[:width], [row[:width] for row in body]
    if "" in header:
        report.error(
            f"Overskriften i kolonne {header.index('') + 1} er tom; hver kolonne skal have en overskrift.", item.name
        )
        return None
    decimal = {";": ",", ",": "."}.get(sep, "komma eller punktum (tvetydige tal afvises)")  # a tab says nothing
    details = {"format": "CSV", "tegnsæt": encoding, "skilletegn": SEPARATOR_NAMES[sep], "decimal": decimal}
    return Table(header, body, 2, details)


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"et felt er længere end {MAX_CSV_FIELD:,} tegn".replace(",", ".")
    if "new-line character seen in unquoted field" in text or "unquoted field" in text:
        return "linjeskift midt i et felt uden anførselstegn"
    if "NUL" in text or "null byte" in text.lower():
        return "filen indeholder nul-tegn (binære data)"
    return "forkert brug af anførselstegn eller skilletegn"


def _too_many_rows(limits: Limits, width: int) -> str:
    rows = min(limits.max_rows, limits.max_cells // max(width, 1))
    return (
        f"Filen har flere end {rows:,} datarækker".replace(",", ".")
        + f" (med {width} kolonner); grænsen er {limits.max_rows:,} rækker og ".replace(",", ".")
        + f"{limits.max_cells:,} celler. Del filen op eller fjern overflødige rækker.".replace(",", ".")
    )


def _header_ok(header: list[str], file: str, where: str | None, limits: Limits, report: Report) -> bool:
    """The header row: not too wide, and no two columns with the same name (they would be guessed between)."""
    if len(header) > limits.max_columns:
        report.error(f"Filen har {len(header)} kolonner; grænsen er {limits.max_columns}.", file, where)
        return False
    seen: dict[str, str] = {}
    for col in header:
        key = norm_key(col)
        if key and key in seen:
            report.error(
                f"Kolonnen '{col}' findes to gange (også som '{seen[key]}'); hver kolonne skal have sit "
                "eget navn, ellers ved vi ikke, hvilken der gælder.",
                file,
                where,
            )
            return False
        if key:
            seen[key] = col
    return True


XLSX_PART_LIMIT = 20 * MB  # shared strings, styles, ...: read into memory by openpyxl, so bounded
MAX_SHEETS_NAMED = 11  # a warning names at most the first ten sheets not read
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")


def _read_xlsx(item: ImportFile, limits: Limits, report: Report, sheet: str | None, prefer: str | None) -> Table | None:
    """Read one sheet in openpyxl's streaming mode, checking the declared size and stopping at the limits."""
    zf = check_zip(item, limits, report)
    if zf is None:
        return None
    for info in zf.infolist():
        if not _SHEET_PART.fullmatch(info.filename) and info.file_size > XLSX_PART_LIMIT:
            report.error(
                f"Excel-filens del '{info.filename[:60]}' fylder {_size_text(info.file_size)} udpakket; "
                f"grænsen er {_size_text(XLSX_PART_LIMIT)}.",
                item.name,
            )
            return None
    try:
        import openpyxl  # local import: only needed for Excel files

        _bounded_dimension_scan()
        wb = openpyxl.load_workbook(io.BytesIO(item.data), read_only=True, data_only=True)
    except Exception as exc:
        report.error(f"Filen kan ikke læses som Excel-fil (.xlsx): {library_reason(exc)}.", item.name)
        return None
    try:
        return _read_sheet(wb, item, limits, report, sheet, prefer)
    except Exception as exc:  # corrupt XML or zip streams inside the workbook
        report.error(f"Filen kan ikke læses som Excel-fil (.xlsx): {library_reason(exc)}.", item.name)
        return None
    finally:
        wb.close()


def _read_sheet(
    wb: Any, item: ImportFile, limits: Limits, report: Report, sheet: str | None, prefer: str | None
) -> Table | None:
    names = list(wb.sheetnames)
    if sheet is None and prefer is not None and prefer in names:
        sheet = prefer
    elif sheet is None and len(names) > 1:
        others = ", ".join(f"'{n}'" for n in names[1:MAX_SHEETS_NAMED]) + (
            " …" if len(names) > MAX_SHEETS_NAMED else ""
        )
        report.warn(
            f"Filen har {len(names)} ark; kun det første, '{names[0]}', er læst (ikke {others}). "
            "Står dataene i et andet ark, så flyt dem til det første.",
            item.name,
        )
    if sheet is not None and sheet not in wb.sheetnames:
        report.error(f"Arket '{sheet}' findes ikke; filen har arkene: {', '.join(wb.sheetnames)}.", item.name)
        return None
    if not wb.sheetnames:
        report.error("Excel-filen har ingen ark.", item.name)
        return None
    ws = wb[sheet] if sheet is not None else wb[wb.sheetnames[0]]
    where = f"ark '{ws.title}'"
    if not hasattr(ws, "reset_dimensions"):
        report.error("Det valgte ark er ikke et regneark med celler (fx et diagramark).", item.name, where)
        return None
    declared_rows, declared_cols = ws.max_row, ws.max_column
    if (declared_rows or 0) - 1 > limits.max_rows or (declared_cols or 0) > limits.max_columns:
        report.error(
            f"Arket angiver et område på {declared_rows:,} rækker og {declared_cols:,} kolonner".replace(",", ".")
            + f"; grænsen er {limits.max_rows:,} rækker og {limits.max_columns} kolonner. ".replace(",", ".")
            + "Slet tomme eller overflødige rækker og kolonner (også enkelte celler langt ude i arket).",
            item.name,
            where,
        )
        return None
    has_formulas, merged = _scan_sheet(ws)
    merged_header = [m for m in merged if m[1] <= 1]
    if merged_header:
        report.error(
            f"Overskriftsrækken har flettede celler ({', '.join(m[0] for m in merged_header)}); hver kolonne skal "
            "have sin egen overskrift.",
            item.name,
            where,
        )
        return None
    ws.reset_dimensions()  # never trust the declared size while reading: stop at the limits instead
    rows: list[tuple[int, list[str]]] = []
    cells = 0
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if len(values) > limits.max_columns and any(v is not None for v in values[limits.max_columns :]):
            report.error(
                f"Rækken har data ud over kolonne {limits.max_columns}; grænsen er {limits.max_columns} kolonner.",
                item.name,
                f"{where}, række {number}",
            )
            return None
        row = [_cell_text(v) for v in values[: limits.max_columns]]
        if not any(row):
            continue
        if len(rows) > limits.max_rows:
            report.error(_too_many_rows(limits, len(rows[0][1])), item.name, where)
            return None
        cells += len(row)
        if cells > limits.max_cells:
            report.error(_too_many_rows(limits, len(rows[0][1]) if rows else len(row)), item.name, where)
            return None
        rows.append((number, row))
    if not rows:
        report.error("Filen er tom.", item.name, where)
        return None
    header = rows[0][1]
    while header and not header[-1]:
        header = header[:-1]
    for pos, h in enumerate(header):
        if not h:
            report.error(
                f"Overskriften i kolonne {_col_letter(pos)} er tom; hver kolonne skal have en overskrift.",
                item.name,
                where,
            )
            return None
    if not _header_ok(header, item.name, where, limits, report):
        return None
    if len(rows) == 1:
        report.error("Arket har kun en overskriftsrække og ingen datarækker.", item.name, where)
        return None
    if has_formulas and not _formulas_have_values(item.data, ws, rows, len(header), item.name, where, report):
        return None
    body = [(r + [""] * len(header))[: len(header)] for _, r in rows[1:]]
    details = {"format": "Excel (.xlsx)", "ark": ws.title, "decimal": "."}
    return Table(header, body, rows[1][0], details)


def _bounded_dimension_scan() -> None:
    """openpyxl's streaming mode scans a whole sheet for a missing <dimension> while opening the workbook
    (a minute for a dense 200 MB sheet); read it from the sheet's head only (before <sheetData>)."""
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    def dimension_from_head(self: Any) -> None:
        with self._get_source() as src:
            head = src.read(SNIFF_BYTES).split(b"sheetData", 1)[0]
        found = re.search(rb"<(?:\w+:)?dimension\s+ref=\"([A-Za-z0-9:$]+)\"", head)
        if found is None:
            return
        try:
            bounds = range_boundaries(found.group(1).decode("ascii"))
        except (ValueError, TypeError):
            return
        if all(isinstance(v, int) for v in bounds):
            self._min_column, self._min_row, self._max_column, self._max_row = bounds

    ReadOnlyWorksheet._get_size = dimension_from_head


def _scan_sheet(ws: Any) -> tuple[bool, list[tuple[str, int]]]:
    """Stream the sheet's XML once: does it hold formulas, and which cells are merged (ref, first row)."""
    has_formulas = False
    merged: list[tuple[str, int]] = []
    tail = b""
    with ws._get_source() as src:
        while chunk := src.read(1024 * 1024):
            data = tail + chunk
            has_formulas = has_formulas or b"<f" in data or b":f>" in data or b":f " in data  # may over-report
            for m in _MERGE.finditer(data) if b"mergeCell" in data else ():
                ref = m.group(0).split(b'"')[1].decode("ascii")
                if all(ref != r for r, _ in merged):
                    merged.append((ref, int(m.group(2))))
            tail = data[-256:]
    return has_formulas, merged


def _formulas_have_values(
    data: bytes, ws: Any, rows: list[tuple[int, list[str]]], width: int, file: str, where: str, report: Report
) -> bool:
    """Formula cells must carry the result Excel saved; a file written by a program often has none."""
    import openpyxl

    formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        fs = formulas[ws.title]
        fs.reset_dimensions()
        kept = dict(rows)
        missing = []
        last = rows[-1][0]
        for number, cells in enumerate(fs.iter_rows(max_row=last, max_col=width), start=1):
            row = kept.get(number)
            for pos, cell in enumerate(cells):
                if getattr(cell, "data_type", None) == "f" and (row is None or not row[pos]):
                    missing.append(f"{_col_letter(pos)}{number}")
        if missing:
            report.error(
                f"{len(missing)} celle(r) har en formel uden gemt resultat ({', '.join(missing[:10])}"
                f"{' …' if len(missing) > 10 else ''}); åbn filen i Excel, og gem den igen, så værdierne kommer med.",
                file,
                where,
            )
            return False
        return True
    finally:
        formulas.close()


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
