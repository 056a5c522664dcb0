"""The CSV shortlist, written identically by the app and by ``python -m selection rank``.

The default style opens correctly in Danish Excel (``;`` separator, decimal comma, UTF-8
with BOM); ``standard`` is plain RFC 4180 CSV (``,`` and decimal point, UTF-8). No cell
can start a spreadsheet formula: text starting with = + - @ (or a tab/CR) gets a
leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd

from .dataset import Dataset
from .scoring import STATUS_LABELS, ScoreResult

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CsvStyle:
    """Separator, decimal mark and encoding of one CSV flavour."""

    name: str
    label: str
    delimiter: str
    decimal: str
    encoding: str


STYLES = {
    "excel-da": CsvStyle("excel-da", "Dansk Excel (semikolon, decimalkomma)", ";", ",", "utf-8-sig"),
    "standard": CsvStyle("standard", "Standard-CSV (komma, decimalpunktum)", ",", ".", "utf-8"),
}


def neutralise(cell: str) -> str:
    """Stop a spreadsheet from reading a text cell as a formula."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def _fmt(value: object, decimal: str, digits: int = 2) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (int,)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}f}".replace(".", decimal)
    return str(value)


def _cell(value: object, decimal: str) -> str:
    """Format one cell; only text can be neutralised (numbers are written as numbers)."""
    text = _fmt(value, decimal)
    return neutralise(text) if isinstance(value, str) else text


def shortlist_columns(dataset: Dataset, extra_columns: list[str] | None = None) -> list[str]:
    """The CSV header, also for an empty shortlist."""
    crits = dataset.model.criteria
    return [
        "Rang", "Område-id", "Område", "Bydel", "Samlet score (0-100)",
        *[f"{c.label} - {part}" for c in crits for part in ("score (0-100)", "bidrag (point)")],
        *(extra_columns or []),
        *[f"Vægt {c.label} (%)" for c in crits],
        "Datastatus", "Manglende indikatorer", "Lokale vurderinger", "Datasæt", "Dataversion", "Tidspunkt",
    ]


def assessed_text(dataset: Dataset, area_id: str) -> str:
    """The area's locally assessed values: 'Lokalt vurderet behov: 3 (2 vurderere, spænd 2–4)'."""
    values = dataset.values
    assessed = values[values["kind"].to_numpy() == "assessed"]  # few rows: filter them first (runs per weight change)
    if assessed.empty:
        return ""
    rows = assessed[(assessed["area_id"] == area_id) & assessed["value"].notna()]
    order = {ind.id: pos for pos, ind in enumerate(dataset.model.indicators)}
    parts = []
    for rec in sorted(rows.to_dict("records"), key=lambda r: order.get(r["indicator_id"], len(order))):
        try:
            label = dataset.model.indicator(rec["indicator_id"]).label
        except KeyError:
            label = rec["indicator_id"]
        n = rec.get("n_assessors")
        if n is None or pd.isna(n):
            detail = "lokal vurdering"
        else:
            low, high = _fmt(float(rec["min"]), ",", 1), _fmt(float(rec["max"]), ",", 1)
            detail = f"{int(n)} {'vurderer' if int(n) == 1 else 'vurderere'}, spænd {low}–{high}"
        parts.append(f"{label}: {_fmt(float(rec['value']), ',', 1)} ({detail})")
    return "; ".join(parts)


def shortlist_table(
    result: ScoreResult,
    dataset: Dataset,
    top_n: int,
    timestamp: datetime | None = None,
    extra: Mapping[str, Mapping[str, object]] | None = None,
) -> pd.DataFrame:
    """The shortlist as a frame with Danish column headers (the CSV's exact content).

    ``extra`` adds columns per area id (e.g. robustness results) after the criteria.
    """
    stamp = (timestamp or datetime.now(timezone.utc).astimezone()).isoformat(timespec="seconds")
    model = dataset.model
    rows = []
    for rec in result.top(top_n).to_dict("records"):
        aid = rec["area_id"]
        row: dict[str, object] = {
            "Rang": int(rec["rank"]),
            "Område-id": aid,
            "Område": rec["name"],
            "Bydel": dataset.areas.at[aid, "bydel"] if aid in dataset.areas.index else "",
            "Samlet score (0-100)": float(rec["total"]),
        }
        for crit in model.criteria:
            row[f"{crit.label} - score (0-100)"] = float(rec[f"{crit.id}_score"])
            row[f"{crit.label} - bidrag (point)"] = float(rec[f"{crit.id}_contribution"])
        for col, value in (extra or {}).get(aid, {}).items():
            row[col] = value
        for crit in model.criteria:
            row[f"Vægt {crit.label} (%)"] = 100.0 * result.weights[crit.id]
        row["Datastatus"] = STATUS_LABELS[rec["status"]] or "Komplet"
        row["Manglende indikatorer"] = ", ".join(rec["missing"])
        row["Lokale vurderinger"] = assessed_text(dataset, aid)
        row["Datasæt"] = str(dataset.meta.get("name", ""))
        row["Dataversion"] = dataset.version
        row["Tidspunkt"] = stamp
        rows.append(row)
    extra_columns = list(dict.fromkeys(c for cols in (extra or {}).values() for c in cols))
    return pd.DataFrame(rows, columns=shortlist_columns(dataset, extra_columns))


def shortlist_csv(
    result: ScoreResult,
    dataset: Dataset,
    top_n: int = 3,
    style: str = "excel-da",
    timestamp: datetime | None = None,
    extra: Mapping[str, Mapping[str, object]] | None = None,
) -> bytes:
    """Encode the shortlist as CSV bytes in the chosen style."""
    return table_to_csv(shortlist_table(result, dataset, top_n, timestamp, extra), style)


def table_to_csv(table: pd.DataFrame, style: str = "excel-da") -> bytes:
    """Encode a shortlist table (from ``shortlist_table``) as CSV bytes."""
    fmt = STYLES[style]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=fmt.delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(str(c)) for c in table.columns])
    for row in table.itertuples(index=False):
        writer.writerow([_cell(v, fmt.decimal) for v in row])
    return buf.getvalue().encode(fmt.encoding)
