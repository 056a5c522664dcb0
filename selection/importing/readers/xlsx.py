"""XLSX workbooks: one sheet read in openpyxl's streaming mode, with the declared size checked first.

The sheet's dimension is read from its head only, reading stops at the limits, merged header cells are
refused, and formula cells must carry the result Excel saved.
"""

from __future__ import annotations

import io
import math
import re
from typing import Any

from selection.errors import Report, library_reason
from selection.importing.readers.archive import check_zip
from selection.importing.readers.source import ImportFile, size_text
from selection.importing.readers.table import Table, check_header, too_many_rows
from selection.limits import MB, SNIFF_BYTES, Limits

XLSX_PART_LIMIT = 20 * MB  # shared strings, styles, ...: read into memory by openpyxl, so bounded
MAX_SHEETS_NAMED = 11  # a warning names at most the first ten sheets not read
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")


def read_xlsx(item: ImportFile, limits: Limits, report: Report, sheet: str | None, prefer: str | None) -> Table | None:
    """Read one sheet in openpyxl's streaming mode, checking the declared size and stopping at the limits."""
    zf = check_zip(item, limits, report)
    if zf is None:
        return None
    for info in zf.infolist():
        if not _SHEET_PART.fullmatch(info.filename) and info.file_size > XLSX_PART_LIMIT:
            report.error(
                f"Excel-filens del '{info.filename[:60]}' fylder {size_text(info.file_size)} udpakket; "
                f"grænsen er {size_text(XLSX_PART_LIMIT)}.",
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
            report.error(too_many_rows(limits, len(rows[0][1])), item.name, where)
            return None
        cells += len(row)
        if cells > limits.max_cells:
            report.error(too_many_rows(limits, len(rows[0][1]) if rows else len(row)), item.name, where)
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
    if not check_header(header, item.name, where, limits, report):
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
