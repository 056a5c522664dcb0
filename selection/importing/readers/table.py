"""The table model (text cells of a CSV file or an XLSX sheet) and the checks both formats share."""

from __future__ import annotations

from dataclasses import dataclass, field

from selection.errors import Report
from selection.importing.matching import norm_key
from selection.limits import Limits
from selection.text.number_parser import Convention


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


def too_many_rows(limits: Limits, width: int) -> str:
    """The message for a file with more rows (or cells) than the limits allow, for ``width`` columns."""
    rows = min(limits.max_rows, limits.max_cells // max(width, 1))
    return (
        f"Filen har flere end {rows:,} datarækker".replace(",", ".")
        + f" (med {width} kolonner); grænsen er {limits.max_rows:,} rækker og ".replace(",", ".")
        + f"{limits.max_cells:,} celler. Del filen op eller fjern overflødige rækker.".replace(",", ".")
    )


def check_header(header: list[str], file: str, where: str | None, limits: Limits, report: Report) -> bool:
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
