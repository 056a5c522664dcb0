"""The assessment sheet: download (Danish Excel CSV or XLSX), fill in offline, read back.

One row per area x assessment indicator with the scale, its anchored meanings, the current
value and spread, and empty columns for the new value, reason, evidence, assessor, role and date.
Reading decodes the file with the import readers (``importing.readers.tabular.read_table``) and turns every
filled row into a ``NewAssessment``; the file name becomes each row's evidence.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from selection.assessments.history import assessor_key
from selection.assessments.model import AssessmentError, NewAssessment
from selection.assessments.validation import assessment_indicators, validate_assessment
from selection.assessments.wording import LOCAL_ZONE, assessors_text, number_text
from selection.data.criteria import CriteriaModel, Indicator
from selection.data.dataset import KIND_LABELS, Dataset
from selection.errors import Report
from selection.importing.readers.source import ImportFile, load_source
from selection.importing.readers.tabular import read_table
from selection.limits import MAX_SHEET_ENTRIES, Limits
from selection.output.shortlist import neutralise, table_to_csv
from selection.text.formatting import integer
from selection.text.number_parser import NumberError, parse_number

SHEET_FORMATS = {"excel-da": "Dansk Excel-CSV (semikolon, decimalkomma)", "xlsx": "Excel-projektmappe (.xlsx)"}
SHEET_NAME = "Vurderinger"

COL_AREA_ID, COL_AREA, COL_IND_ID, COL_IND = "Område-id", "Område", "Indikator-id", "Indikator"
COL_SCALE, COL_ANCHORS = "Skala", "Skalaens betydning"
COL_CURRENT, COL_KIND, COL_SPREAD, COL_VERSION = "Nuværende værdi", "Nuværende type", "Spænd", "Version"
COL_VALUE, COL_REASON, COL_EVIDENCE = "Ny værdi", "Begrundelse", "Dokumentation (link eller dokument)"
COL_NAME, COL_ROLE, COL_DATE = "Vurderers navn", "Rolle/organisation", "Dato (ÅÅÅÅ-MM-DD)"
COLUMNS = [
    COL_AREA_ID,
    COL_AREA,
    COL_IND_ID,
    COL_IND,
    COL_SCALE,
    COL_ANCHORS,
    COL_CURRENT,
    COL_KIND,
    COL_SPREAD,
    COL_VERSION,
    COL_VALUE,
    COL_REASON,
    COL_EVIDENCE,
    COL_NAME,
    COL_ROLE,
    COL_DATE,
]
FILL_COLUMNS = (COL_VALUE, COL_REASON, COL_EVIDENCE, COL_NAME, COL_ROLE, COL_DATE)
REQUIRED_COLUMNS = (COL_AREA_ID, COL_IND_ID, COL_VALUE, COL_REASON)
MAX_FILE_LABEL = 200  # characters of the file name kept in each row's evidence

INSTRUCTIONS = [
    "Udfyld 'Ny værdi' og 'Begrundelse' for de værdier, du vil vurdere; lad de andre rækker stå tomme.",
    "Værdien skal ligge på indikatorens skala; 'Skalaens betydning' siger, hvad punkterne betyder.",
    "Begrundelsen er påkrævet. Navn, rolle og dato kan også angives ved indlæsningen; tom dato = indlæsningsdagen.",
    "Ret ikke i kolonnerne Område-id, Indikator-id og Version: de bruges til at finde værdien og til at opdage, "
    "om nogen har vurderet den, siden arket blev hentet.",
    "Indlæs arket i appen (Vurderinger) eller med 'python -m selection assessments import FIL --assessor NAVN'.",
]


def anchors_text(indicator: Indicator) -> str:
    """'1 = Meget svage …; 3 = …; 5 = …' ('' if the indicator has no anchors)."""
    return "; ".join(f"{number_text(point)} = {meaning}" for point, meaning in indicator.anchors)


def sheet_table(
    dataset: Dataset, aggregates: pd.DataFrame, versions: Mapping[tuple[str, str], int] | None = None
) -> pd.DataFrame:
    """The sheet's rows: every area x assessment indicator, with current value, spread and version."""
    agg = {(r.area_id, r.indicator_id): r for r in aggregates.itertuples(index=False)}
    stored = {(r.area_id, r.indicator_id): r for r in dataset.values.itertuples(index=False)}
    rows = []
    for aid in dataset.area_ids:
        for ind in assessment_indicators(dataset.model):
            cell = (aid, ind.id)
            row: dict[str, object] = {
                COL_AREA_ID: aid,
                COL_AREA: str(dataset.areas.at[aid, "name"]),
                COL_IND_ID: ind.id,
                COL_IND: ind.label,
                COL_SCALE: ind.scale_text,
                COL_ANCHORS: anchors_text(ind),
            }
            if cell in agg:
                a = agg[cell]
                row[COL_CURRENT], row[COL_KIND] = (
                    float(a.value),
                    f"Lokal vurdering ({assessors_text(int(a.n_assessors))})",
                )
                row[COL_SPREAD] = f"{number_text(a.min)}–{number_text(a.max)}"
            elif cell in stored and not pd.isna(stored[cell].value):
                row[COL_CURRENT], row[COL_KIND] = float(stored[cell].value), KIND_LABELS.get(stored[cell].kind, "")
                row[COL_SPREAD] = ""
            else:
                row[COL_CURRENT], row[COL_KIND], row[COL_SPREAD] = None, "Mangler", ""
            row[COL_VERSION] = int((versions or {}).get(cell, 0)) if versions is not None else None
            row.update(dict.fromkeys(FILL_COLUMNS, ""))
            rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def assessment_sheet(
    dataset: Dataset,
    aggregates: pd.DataFrame,
    fmt: str = "excel-da",
    versions: Mapping[tuple[str, str], int] | None = None,
) -> bytes:
    """The sheet as bytes: ``excel-da`` (CSV for Danish Excel) or ``xlsx``.

    ``versions`` (``value_versions(engine)``) lets the import refuse rows whose value someone
    changed after the download; without it the Version column is empty and not checked.
    """
    table = sheet_table(dataset, aggregates, versions)
    if fmt == "excel-da":
        return table_to_csv(table, "excel-da")
    if fmt == "xlsx":
        return _xlsx(table, dataset.model)
    raise ValueError(f"Ukendt format '{fmt}'; brug {' eller '.join(SHEET_FORMATS)}.")


def _xlsx(table: pd.DataFrame, model: CriteriaModel) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    ws.append(COLUMNS)
    for row in table.itertuples(index=False):
        ws.append([neutralise(v) if isinstance(v, str) else (None if pd.isna(v) else v) for v in row])
    fill = PatternFill("solid", fgColor="FFF2CC")
    for pos, name in enumerate(COLUMNS, start=1):
        head = ws.cell(row=1, column=pos)
        head.font = Font(bold=True)
        letter = head.column_letter
        ws.column_dimensions[letter].width = 60 if name == COL_ANCHORS else (40 if name == COL_REASON else 18)
        if name in FILL_COLUMNS:
            head.fill = fill
    value_col = ws.cell(row=1, column=COLUMNS.index(COL_VALUE) + 1).column_letter
    for ind in assessment_indicators(model):
        rows = [i + 2 for i, iid in enumerate(table[COL_IND_ID]) if iid == ind.id]
        if not rows:
            continue
        check = DataValidation(
            type="decimal",
            operator="between",
            formula1=str(ind.scale_min),
            formula2=str(ind.scale_max),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Uden for skalaen",
            error=f"Værdien skal ligge på skalaen {ind.scale_text}.",
        )
        for r in rows:
            check.add(f"{value_col}{r}")
        ws.add_data_validation(check)
    for cell in ws[ws.cell(row=1, column=COLUMNS.index(COL_ANCHORS) + 1).column_letter][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "E2"
    help_ws = wb.create_sheet("Vejledning")
    for line in INSTRUCTIONS:
        help_ws.append([line])
    help_ws.column_dimensions["A"].width = 120
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass
class SheetReport(Report):
    """Problems found in a sheet, plus per assessment its row number and the version in the sheet."""

    rows: list[int] = field(default_factory=list)
    versions: list[int | None] = field(default_factory=list)
    details: str = ""
    skipped: int = 0  # rows left empty (not assessed)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_assessment_sheet(
    data: bytes,
    filename: str,
    model: CriteriaModel,
    dataset: Dataset,
    assessor_name: str = "",
    assessor_role: str = "",
    today: date | None = None,
    recorder: str | None = None,
) -> tuple[list[NewAssessment], SheetReport]:
    """Turn the filled rows of a sheet into assessments; every problem names its row.

    ``assessor_name``/``assessor_role`` fill rows that leave those columns empty. Values are
    checked against the scale here; ``record_assessments`` checks everything again on save.
    ``recorder`` (the name of the person loading the sheet, e.g. the signed-in one): a row naming someone else
    is marked as recorded on behalf of that assessor (the store marks it so in any case).
    """
    report = SheetReport()
    item = load_source(ImportFile(filename, data), Limits(), report)
    table = read_table(item, Limits(), report, prefer=SHEET_NAME) if item is not None else None
    if table is None:
        return [], report
    report.details = table.describe()
    header = {h.strip().casefold(): pos for pos, h in enumerate(table.header)}
    missing = [c for c in REQUIRED_COLUMNS if c.casefold() not in header]
    if missing:
        report.error(f"Arket mangler kolonne(r): {', '.join(missing)}. Brug et ark hentet fra appen.", filename)
        return [], report
    today = today or datetime.now(LOCAL_ZONE).date()
    indicators = {i.id: i for i in model.indicators}
    seen: dict[tuple[str, str, str], int] = {}
    out: list[NewAssessment] = []
    filled = 0
    for offset, cells in enumerate(table.rows):
        n = table.first_row + offset
        where = f"række {n}"

        def cell(name: str, cells: list[str] = cells) -> str:
            pos = header.get(name.casefold())
            return cells[pos].strip() if pos is not None and pos < len(cells) else ""

        raw_value, reason = cell(COL_VALUE), cell(COL_REASON)
        if not raw_value and not reason:
            report.skipped += 1
            continue
        filled += 1
        if filled > MAX_SHEET_ENTRIES:  # refused before any of it is checked further or written
            report.problems = [p for p in report.problems if p.severity != "error"]  # the rows' own are moot now
            report.error(
                f"Arket har over {integer(MAX_SHEET_ENTRIES)} udfyldte rækker; højst {integer(MAX_SHEET_ENTRIES)} "
                "gemmes ad gangen (alt eller intet, mens andre venter). Del arket op, og indlæs delene hver for sig.",
                filename,
            )
            return [], report
        aid, iid = cell(COL_AREA_ID), cell(COL_IND_ID)
        ind = indicators.get(iid)
        problems: list[str] = []
        if aid not in dataset.area_ids:
            problems.append(f"ukendt område-id '{aid}'")
        if ind is None:
            problems.append(f"ukendt indikator-id '{iid}'")
        elif not ind.assessment:
            problems.append(f"'{ind.label}' er ikke en lokal vurdering")
        value = None
        if not raw_value:
            problems.append("'Ny værdi' er tom")
        else:
            try:
                value = parse_number(raw_value, table.convention)
            except NumberError as exc:
                problems.append(f"'Ny værdi' kan ikke læses: {exc}")
            if value is not None and ind is not None and not ind.scale_min <= value <= ind.scale_max:
                problems.append(f"værdien {raw_value} ligger uden for skalaen {ind.scale_text}")
        if not reason:
            problems.append("mangler en begrundelse (kolonnen 'Begrundelse' er påkrævet)")
        name = cell(COL_NAME) or assessor_name.strip()
        if not name:
            problems.append("mangler vurderers navn (udfyld kolonnen eller angiv navnet ved indlæsningen)")
        on = _parse_date(cell(COL_DATE), today)
        if on is None:
            problems.append(f"datoen '{cell(COL_DATE)}' kan ikke læses (skriv ÅÅÅÅ-MM-DD)")
        version_text = cell(COL_VERSION)
        version = int(version_text) if re.fullmatch(r"\d{1,9}", version_text) else None
        if version_text and version is None:
            problems.append(f"'Version' ({version_text}) er ændret og kan ikke læses")
        key = (aid, iid, assessor_key(name))
        if key in seen:
            problems.append(f"samme område, indikator og vurderer står også i række {seen[key]}")
        seen.setdefault(key, n)
        if problems or on is None:  # a date that cannot be read is one of the problems
            report.error("Rækken kan ikke bruges: " + "; ".join(p.rstrip(".") for p in problems) + ".", filename, where)
            continue
        evidence = f"Vurderingsark: {file_label(filename)}" + (f"; {cell(COL_EVIDENCE)}" if cell(COL_EVIDENCE) else "")
        try:  # the save's own checks (dates, text limits, invisible text), so the preview promises nothing false
            behalf = recorder is not None and assessor_key(name) != assessor_key(recorder)
            role = cell(COL_ROLE) or assessor_role.strip()
            new = validate_assessment(
                NewAssessment(aid, iid, value, reason, evidence, name, role, on, on_behalf=behalf),
                model,
                dataset.area_ids,
            )
        except AssessmentError as exc:
            report.error(f"Rækken kan ikke bruges: {exc}", filename, where)
            continue
        out.append(new)
        report.rows.append(n)
        report.versions.append(version)
    if not out and not report.errors:
        report.error("Arket har ingen udfyldte rækker (både 'Ny værdi' og 'Begrundelse' skal udfyldes).", filename)
    return (out if not report.errors else []), report


def file_label(filename: str) -> str:
    """The file name as one line of visible text (no control or format characters), at most
    ``MAX_FILE_LABEL`` characters, for the evidence of each row."""
    text = "".join(c for c in unicodedata.normalize("NFC", filename) if unicodedata.category(c) not in ("Cc", "Cf"))
    text = " ".join(text.split()) or "(uden navn)"
    return text if len(text) <= MAX_FILE_LABEL else text[: MAX_FILE_LABEL - 1] + "…"


def _parse_date(text: str, today: date) -> date | None:
    text = text.strip()
    if not text:
        return today
    text = text.split(" ")[0].split("T")[0]  # an Excel date cell reads as '2026-11-20 00:00:00'
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
