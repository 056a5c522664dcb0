"""The shortlist table and its files (CSV, XLSX), written identically by the app and the CLI.

One table (``shortlist_table``) feeds the screen, the CSV and the XLSX. Every file starts with
a caveat line (``caveat``) that says how many of the values behind it are sourced, locally
assessed or illustrative, and whether the areas' list membership is verified.

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
from datetime import datetime

import numpy as np
import pandas as pd

from selection.analysis.critical.priorities import assessment_priorities
from selection.data.criteria import CriteriaModel
from selection.data.dataset import Dataset
from selection.data.performance import Performance, build_performance
from selection.data.status import KIND_ORDER, kinds_per_area, list_status_text, value_status
from selection.memo import per_frame
from selection.output.text_alternatives import unverified_leaders
from selection.ranking.scoring import STATUS_EXCLUDED, ScoreResult, weighted_indicators
from selection.text.formatting import count, integer, iso_local
from selection.text.literal import without_direction_marks

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
    """Stop a spreadsheet from reading a text cell as a formula (after dropping invisible direction marks)."""
    cell = without_direction_marks(cell)
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


COUNT_COLUMNS = ("Kildebelagte værdier", "Lokalt vurderede værdier", "Illustrative værdier")
EXCLUDED_COLUMN = "Udelukket"  # only when a scenario's rules exclude areas
KEY_COLUMNS = ("Rang", "Område", "Samlet score (0-100)", "Datastatus", "Listestatus", *COUNT_COLUMNS)
TAIL_COLUMNS = (
    "Område-id",
    "Bydel",
    "Manglende indikatorer",
    "Lokale vurderinger",
    "Datasæt",
    "Dataversion",
    "Tidspunkt",
)


REGISTER_COLUMN = "Fra registrene"  # only when an indicator is computed from the registers


def shortlist_columns(dataset: Dataset, extra_columns: list[str] | None = None) -> list[str]:
    """The header: what a reader needs first (rank, name, score, data and list status), then details."""
    crits = dataset.model.criteria
    tail = list(TAIL_COLUMNS)
    if any(i.from_registers for i in dataset.model.indicators):
        tail.insert(tail.index("Lokale vurderinger") + 1, REGISTER_COLUMN)
    return [
        *KEY_COLUMNS,
        *(extra_columns or []),
        *[f"{c.label} - {part}" for c in crits for part in ("score (0-100)", "bidrag (point)")],
        *[f"Vægt {c.label} (%)" for c in crits],
        *tail,
    ]


def assessed_text(dataset: Dataset, area_id: str) -> str:
    """The area's locally assessed values: 'Lokalt vurderet behov: 3 (2 vurderere, spænd 2–4)'."""
    return assessed_texts(dataset, [area_id]).get(area_id, "")


def assessed_texts(dataset: Dataset, area_ids: list[str] | None = None) -> dict[str, str]:
    """``assessed_text`` for many areas in one pass over the values (areas without any are left out)."""
    values = dataset.values
    registered = [i.id for i in dataset.model.indicators if i.from_registers]
    assessed = values[values["kind"].to_numpy() == "assessed"]  # few rows: filter them first
    assessed = assessed[~assessed["indicator_id"].isin(registered)] if registered else assessed
    assessed = assessed[
        assessed["value"].notna()
        if area_ids is None
        else assessed["value"].notna() & assessed["area_id"].isin(area_ids)
    ]
    if assessed.empty:
        return {}
    order = {ind.id: pos for pos, ind in enumerate(dataset.model.indicators)}
    parts: dict[str, list[tuple[int, str]]] = {}
    for rec in assessed.to_dict("records"):
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
        text = f"{label}: {_fmt(float(rec['value']), ',', 1)} ({detail})"
        parts.setdefault(str(rec["area_id"]), []).append((order.get(rec["indicator_id"], len(order)), text))
    return {aid: "; ".join(text for _, text in sorted(items, key=lambda item: item[0])) for aid, items in parts.items()}


def registered_texts(dataset: Dataset, area_ids: list[str]) -> dict[str, str]:
    """Per area, each value computed from the registers with its provenance: 'Lovende indsatser med lokal
    tillid: 3,2 (beregnet fra 5 registreringer (3 kildebelagte)); Motiverede aktører: ingen registreringer'."""
    inds = [i for i in dataset.model.indicators if i.from_registers]
    if not inds:
        return {}
    values = dataset.values
    rows = values[values["indicator_id"].isin([i.id for i in inds]) & values["area_id"].isin(area_ids)]
    found = {(r["area_id"], r["indicator_id"]): r for r in rows.to_dict("records")}
    out: dict[str, str] = {}
    for aid in area_ids:
        parts = []
        for ind in inds:
            rec = found.get((aid, ind.id))
            if rec is None or pd.isna(rec["value"]):
                parts.append(f"{ind.label}: mangler, {dataset.missing_register_text(aid, ind.id)}")
            else:
                parts.append(f"{ind.label}: {_fmt(float(rec['value']), ',', 1)} ({rec['source']})")
        out[aid] = "; ".join(parts)
    return out


def area_facts(dataset: Dataset, area_ids: list[str] | None = None) -> dict[str, dict[str, str]]:
    """The shortlist's per-area texts that do not depend on the weights (list status, district,
    local assessments), so a screen can compute them once per dataset rather than per weight move."""
    areas = dataset.areas
    ids = [str(a) for a in (areas.index if area_ids is None else [a for a in area_ids if a in areas.index])]
    confidence = areas["list_confidence"].to_dict()
    status = areas["list_status"].to_dict()
    district = areas["bydel"].to_dict()
    assessed = assessed_texts(dataset, ids)
    registered = registered_texts(dataset, ids)
    return {
        aid: {
            "Listestatus": list_status_text(confidence[aid], status[aid]),
            "Bydel": district[aid],
            "Lokale vurderinger": assessed.get(aid, ""),
            **({REGISTER_COLUMN: registered[aid]} if registered else {}),
        }
        for aid in ids
    }


def shortlist_table(
    result: ScoreResult,
    dataset: Dataset,
    top_n: int,
    timestamp: datetime | None = None,
    extra: Mapping[str, Mapping[str, object]] | None = None,
    provenance: pd.DataFrame | None = None,
    kinds: Mapping[str, Mapping[str, int]] | None = None,
    facts: Mapping[str, Mapping[str, str]] | None = None,
) -> pd.DataFrame:
    """The shortlist as a frame with Danish column headers (the content of the CSV, the XLSX and the screen).

    ``extra`` adds columns per area id (e.g. robustness results) after the key columns.
    ``provenance`` (from the performance matrix) gives each value's kind; without it the
    package's values are evaluated at the default actor distance. ``kinds`` (from
    ``data_status.kinds_per_area`` for this result) saves counting them again, and ``facts``
    (``area_facts``) the per-area texts.
    """
    stamp = iso_local(timestamp)
    model = dataset.model
    if kinds is None:
        if provenance is None:
            provenance = build_performance(dataset).provenance
        kinds = kinds_per_area(provenance, weighted_indicators(result, dataset))
    scored = result.table
    is_excluded = scored["status"].to_numpy() == STATUS_EXCLUDED
    excluded = scored[is_excluded] if is_excluded.any() else scored.iloc[:0]  # kept, with their reason, after the list
    top = result.top(top_n)
    shown = pd.concat([top, excluded]) if len(excluded) else top
    used = ["area_id", "rank", "name", "total", "status", "missing"]
    used += [f"{c.id}_{part}" for c in model.criteria for part in ("score", "contribution")]
    used += ["excluded"] if len(excluded) else []
    columns_used = [shown[c].tolist() for c in used]
    records = [dict(zip(used, values, strict=True)) for values in zip(*columns_used, strict=True)]
    if facts is None:
        facts = area_facts(dataset, [str(rec["area_id"]) for rec in records])
    weights = {f"Vægt {crit.label} (%)": 100.0 * result.weights[crit.id] for crit in model.criteria}
    common = {"Datasæt": str(dataset.meta.get("name", "")), "Dataversion": dataset.version, "Tidspunkt": stamp}
    rows = []
    for rec in records:
        aid = rec["area_id"]
        fact = facts.get(str(aid), {})
        counts = kinds.get(str(aid), dict.fromkeys(KIND_ORDER, 0))
        row: dict[str, object] = {
            "Rang": None if pd.isna(rec["rank"]) else int(rec["rank"]),
            "Område": rec["name"],
            "Samlet score (0-100)": float(rec["total"]),
            "Datastatus": value_status(counts, rec["status"] != "ok"),
            "Listestatus": fact.get("Listestatus", ""),
        }
        if len(excluded):
            row[EXCLUDED_COLUMN] = f"Udelukket: {rec['excluded']}" if rec["status"] == STATUS_EXCLUDED else ""
        for column, kind in zip(COUNT_COLUMNS, KIND_ORDER, strict=True):
            row[column] = int(counts.get(kind, 0))
        for col, value in (extra or {}).get(aid, {}).items():
            row[col] = value
        for crit in model.criteria:
            row[f"{crit.label} - score (0-100)"] = float(rec[f"{crit.id}_score"])
            row[f"{crit.label} - bidrag (point)"] = float(rec[f"{crit.id}_contribution"])
        row.update(weights)
        row["Område-id"] = aid
        row["Bydel"] = fact.get("Bydel", "")
        row["Manglende indikatorer"] = ", ".join(_indicator_label(model, i) for i in rec["missing"])
        row["Lokale vurderinger"] = fact.get("Lokale vurderinger", "")
        row[REGISTER_COLUMN] = fact.get(REGISTER_COLUMN, "")
        row.update(common)
        rows.append(row)
    extra_columns = list(dict.fromkeys(c for cols in (extra or {}).values() for c in cols))
    columns = shortlist_columns(dataset, extra_columns)
    if len(excluded):
        columns.insert(columns.index("Listestatus") + 1, EXCLUDED_COLUMN)
    # Built column by column (a list of row dicts takes pandas' slow path); a cell a row lacks is NaN, as there.
    table = (
        pd.DataFrame({c: [row.get(c, np.nan) for row in rows] for c in columns}, columns=columns)
        if rows
        else pd.DataFrame(rows, columns=columns)
    )
    if len(excluded):
        table["Rang"] = table["Rang"].astype("Int64")  # excluded areas have no rank (empty cell)
    return table


def _indicator_label(model: CriteriaModel, indicator_id: str) -> str:
    try:
        return model.indicator(indicator_id).label
    except KeyError:
        return indicator_id


def caveat(table: pd.DataFrame, dataset: Dataset) -> str:
    """One Danish sentence block on how far the shortlist can be trusted (first line of every file)."""
    if EXCLUDED_COLUMN in table:  # the caveat is about the shortlist, not the excluded areas listed after it
        table = table[table[EXCLUDED_COLUMN] == ""]
    if table.empty:
        return "FORBEHOLD: Ingen områder kan rangeres med de valgte vægte og data."
    counts = {c: int(sum(table[c].tolist())) for c in COUNT_COLUMNS}
    total = sum(counts.values())
    areas = dataset.areas
    confidence_of, quality_of = per_frame(  # the areas' facts never change with the weights: read once
        "export.caveat_facts",
        areas,
        lambda: (areas["list_confidence"].to_dict(), areas["geometry_quality"].to_dict()),
    )
    listed = [a for a in table["Område-id"].tolist() if a in confidence_of]
    parts = [
        f"Af {count(total, 'værdi', 'værdier')} bag kortlisten er "
        f"{count(counts['Kildebelagte værdier'], 'kildebelagt', 'kildebelagte')}, "
        f"{count(counts['Lokalt vurderede værdier'], 'lokal vurdering', 'lokale vurderinger')} og "
        f"{count(counts['Illustrative værdier'], 'illustrativ pladsholder', 'illustrative pladsholdere')}."
    ]
    unverified = sum(confidence_of[a] != "verified" for a in listed)
    if unverified:
        parts.append(
            f"{integer(unverified)} af {count(len(listed), 'område', 'områder')} er ikke verificeret som "
            "forebyggelsesområde."
        )
        ranked = pd.DataFrame(
            {"rank": table["Rang"].tolist(), "area_id": table["Område-id"].tolist(), "name": table["Område"].tolist()}
        )
        leaders = unverified_leaders(ranked, confidence_of, len(ranked))
        if leaders:  # by name and rank, where the shortlist is read (issue 29, class 14)
            parts.append(leaders)
    if any(quality_of[a] != "official" for a in listed):
        parts.append("Grænserne er omtrentlige, ikke officielle.")
    if counts["Illustrative værdier"] or unverified:
        parts.append(
            "Kortlisten viser metoden og er ikke en anbefaling, før værdierne er erstattet af "
            "officielle data og lokale vurderinger."
        )
    else:
        parts.append("Alle områder er verificerede, og ingen værdier er illustrative.")
    return "FORBEHOLD: " + " ".join(parts)


def shortlist_csv(
    result: ScoreResult,
    dataset: Dataset,
    top_n: int = 3,
    style: str = "excel-da",
    timestamp: datetime | None = None,
    extra: Mapping[str, Mapping[str, object]] | None = None,
    provenance: pd.DataFrame | None = None,
) -> bytes:
    """Encode the shortlist as CSV bytes in the chosen style."""
    table = shortlist_table(result, dataset, top_n, timestamp, extra, provenance)
    return table_to_csv(table, style, caveat(table, dataset))


def table_to_csv(table: pd.DataFrame, style: str = "excel-da", note: str | None = None) -> bytes:
    """Encode a shortlist table (from ``shortlist_table``) as CSV bytes; ``note`` is the first line."""
    fmt = STYLES[style]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=fmt.delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    if note:
        writer.writerow([neutralise(note)])
    writer.writerow([neutralise(str(c)) for c in table.columns])
    for row in table.itertuples(index=False):
        writer.writerow([_cell(v, fmt.decimal) for v in row])
    return buf.getvalue().encode(fmt.encoding)


@dataclass(frozen=True)
class AboutSheet:
    """What the XLSX's second sheet says besides the caveat: weights, method and settings."""

    weights: dict[str, float]  # criterion label -> normalised share 0–1
    method: list[str]
    settings: list[tuple[str, str]]


METHOD_LINES = (
    "Hver værdi normaliseres mod indikatorens faste referenceskala (0–100); omkostningsindikatorer vendes.",
    "Indikatorerne vægtes sammen til en score pr. kriterium (0–100). En manglende værdi udelades, og dens "
    "delvægt fordeles på kriteriets øvrige indikatorer (markeret 'ufuldstændige data').",
    "Samlet score = summen af vægt × kriteriescore (0–100). Lige scorer deler rang.",
    "Datastatus og tællingerne af kildebelagte, lokalt vurderede og illustrative værdier gælder de "
    "indikatorer, der har vægt.",
)


def about_sheet(result: ScoreResult, dataset: Dataset, settings: list[tuple[str, str]] | None = None) -> AboutSheet:
    """Weights, method and settings for the XLSX's second sheet."""
    labels = {c.id: c.label for c in dataset.model.criteria}
    settings = list(settings or [])
    if n_out := int((result.table["status"] == STATUS_EXCLUDED).sum()):
        settings.append(
            (
                "Udelukkede områder",
                f"{count(n_out, 'område er', 'områder er')} udelukket af scenariets regler før rangeringen "
                "(se kolonnen 'Udelukket'); de har ingen rang.",
            )
        )
    return AboutSheet(
        {labels[c]: float(w) for c, w in result.weights.items() if c in labels}, list(METHOD_LINES), settings
    )


def table_to_xlsx(table: pd.DataFrame, note: str, about: AboutSheet, priorities: pd.DataFrame | None = None) -> bytes:
    """The shortlist as a formatted workbook: caveat on top, frozen header, number formats, widths,
    a second sheet "Om kortlisten" with the caveat, the weights and the method, and with
    ``priorities`` (``priority_export_table``) a third sheet "Vurderingsprioriteter"."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Kortliste"
    ws.append([neutralise(note)])
    ws["A1"].font = Font(bold=True, color="9C0006")
    ws["A1"].fill = PatternFill("solid", fgColor="FFEB9C")
    ws["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(table.columns), 1))
    ws.row_dimensions[1].height = 62
    ws.append([str(c) for c in table.columns])
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    ws.row_dimensions[2].height = 48
    for row in table.itertuples(index=False):
        ws.append([_xlsx_value(v) for v in row])
    for idx, column in enumerate(table.columns, start=1):
        values = table[column]
        is_float = values.map(lambda v: isinstance(v, float)).any()
        is_int = values.map(lambda v: isinstance(v, int) and not isinstance(v, bool)).all() and len(values)
        for r in range(3, len(table) + 3):
            cell = ws.cell(row=r, column=idx)
            if is_float:
                cell.number_format = "0.0"
            elif is_int:
                cell.number_format = "0"
        longest = max([len(str(v)) for v in values] + [min(len(str(column)), 18)], default=8)
        ws.column_dimensions[get_column_letter(idx)].width = min(max(longest + 2, 8), 48)
    ws.freeze_panes = "C3"  # caveat, header, rank and name stay in view

    info = wb.create_sheet("Om kortlisten")
    info.column_dimensions["A"].width = 34
    info.column_dimensions["B"].width = 100
    info.append(["Forbehold", neutralise(note)])
    info.append([])
    info.append(["Vægte", "Andel af den samlede score"])
    for label, share in about.weights.items():
        info.append([neutralise(label), share])
        info.cell(row=info.max_row, column=2).number_format = "0%"
    info.append([])
    info.append(["Metode"])
    for line in about.method:
        info.append(["", neutralise(line)])
    if about.settings:
        info.append([])
        for key, value in about.settings:
            info.append([neutralise(key), neutralise(value)])
    for row in info.iter_rows():
        row[0].font = Font(bold=True)
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    if priorities is not None:
        sheet = wb.create_sheet("Vurderingsprioriteter")
        sheet.append([str(c) for c in priorities.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in priorities.itertuples(index=False):
            sheet.append([_xlsx_value(v) for v in row])
        for idx, column in enumerate(priorities.columns, start=1):
            longest = max([len(str(v)) for v in priorities[column]] + [len(str(column))], default=8)
            sheet.column_dimensions[get_column_letter(idx)].width = min(max(longest + 2, 8), 60)
        sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_value(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        return neutralise(value)
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def priority_export_table(
    result: ScoreResult,
    dataset: Dataset,
    perf: Performance,
    top_n: int = 3,
    timestamp: datetime | None = None,
) -> pd.DataFrame:
    """The assessment priority list (``critical.priority_table``) with the weights, data set and time.

    One frame with Danish headers, ready for a CSV file or a spreadsheet sheet.
    """
    stamp = iso_local(timestamp)
    names = dataset.areas["name"].to_dict()
    table = assessment_priorities(perf.matrix, dataset.model, result, perf.provenance, names, top_n)
    for crit in dataset.model.criteria:
        table[f"Vægt {crit.label} (%)"] = 100.0 * result.weights[crit.id]
    table["Kortlistelængde"] = int(top_n)
    table["Datasæt"] = str(dataset.meta.get("name", ""))
    table["Dataversion"] = dataset.version
    table["Tidspunkt"] = stamp
    return table


def priority_csv(
    result: ScoreResult,
    dataset: Dataset,
    perf: Performance,
    top_n: int = 3,
    style: str = "excel-da",
    timestamp: datetime | None = None,
) -> bytes:
    """The assessment priority list as CSV bytes (app download and ``python -m selection critical``)."""
    return table_to_csv(priority_export_table(result, dataset, perf, top_n, timestamp), style)
