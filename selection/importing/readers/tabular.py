"""Read a table file as text cells: a CSV file or an XLSX sheet, chosen by the file's extension."""

from __future__ import annotations

from selection.errors import Report
from selection.importing.readers.csv import read_csv
from selection.importing.readers.source import ImportFile
from selection.importing.readers.table import Table
from selection.importing.readers.xlsx import read_xlsx
from selection.limits import Limits

TABLE_EXTENSIONS = (".csv", ".txt", ".xlsx")


def read_table(
    item: ImportFile, limits: Limits, report: Report, sheet: str | None = None, prefer: str | None = None
) -> Table | None:
    """Read a CSV (any of ; , tab, cp1252/UTF-8/BOM) or an XLSX sheet as text cells.

    In a workbook: ``sheet`` when named (an error if missing), else the sheet ``prefer`` when the workbook has
    it, else the first sheet, with a warning naming the sheets not read when there are more."""
    if item.suffix == ".xlsx":
        return read_xlsx(item, limits, report, sheet, prefer)
    return read_csv(item, limits, report)
