"""Import indicator values from CSV/XLSX tables in wide or long layout."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from selection.data.criteria import Indicator
from selection.data.dataset import VALUE_KINDS
from selection.importing.columns import (
    INDICATOR_COLS,
    KIND_COLS,
    NOTE_COLS,
    SOURCE_COLS,
    VALUE_COLS,
    VALUE_COLUMNS,
    WIDE_META,
)
from selection.importing.matching import (
    AREA_ID_COLUMNS,
    AREA_NAME_COLUMNS,
    AreaMatcher,
    find_column,
    norm_key,
    shared_name_text,
)
from selection.importing.plan import ValueChange
from selection.importing.readers.table import Table
from selection.importing.state import ImportState
from selection.text.formatting import count, listing
from selection.text.number_parser import NumberError, parse_number


def import_values(state: ImportState, file: str, table: Table) -> str:
    """Read indicator values (wide or long layout) into the candidate values, recording every change."""
    report = state.report
    details = table.describe()
    header = table.header
    id_col = find_column(header, AREA_ID_COLUMNS)
    name_col = find_column(header, AREA_NAME_COLUMNS)
    if id_col is None and name_col is None:
        report.error("Mangler kolonne til området (fx 'area_id' eller 'navn').", file)
        return details
    ind_col = find_column(header, INDICATOR_COLS)
    val_col = find_column(header, VALUE_COLS)
    kind_col = find_column(header, KIND_COLS)
    src_col = find_column(header, SOURCE_COLS)
    note_col = find_column(header, NOTE_COLS)
    by_key: dict[str, Indicator] = {}
    for indicator in state.model.indicators:
        by_key.setdefault(norm_key(indicator.label), indicator)
    for indicator in state.model.indicators:
        by_key[norm_key(indicator.id)] = indicator
    cells: list[tuple[int, str, dict[str, str], Indicator, str]] = []  # row no, column, record, indicator, text
    records = [dict(zip(header, r, strict=True)) for r in table.rows]
    if ind_col or val_col:
        if not (ind_col and val_col):
            report.error(
                f"Mangler kolonne '{'value' if ind_col else 'indicator_id'}' (langt format kræver område, "
                "indikator og værdi).",
                file,
            )
            return details
        layout = "langt"
        for n, rec in enumerate(records, start=table.first_row):
            iid = rec[ind_col].strip()
            ind = by_key.get(norm_key(iid))
            if ind is None:
                report.error(
                    f"Ukendt indikator '{iid}'; kendte: {', '.join(i.id for i in state.model.indicators)}.",
                    file,
                    f"række {n}, kolonne '{ind_col}'",
                )
                continue
            cells.append((n, val_col, rec, ind, rec[val_col]))
    else:
        layout = "bredt"
        skip = {id_col, name_col, *(find_column(header, [c]) for c in WIDE_META)}
        ind_cols: list[tuple[str, Indicator]] = []
        for col in header:
            if col in skip:
                continue
            ind = by_key.get(norm_key(col))
            if ind is None:
                report.error(
                    f"Ukendt indikator '{col}' i overskriften; kendte: "
                    f"{', '.join(i.id for i in state.model.indicators)}.",
                    file,
                    f"kolonne '{col}'",
                )
                continue
            ind_cols.append((col, ind))
        if not ind_cols and not report.errors:
            report.error("Filen har ingen indikatorkolonner.", file)
        for n, rec in enumerate(records, start=table.first_row):
            for col, ind in ind_cols:
                cells.append((n, col, rec, ind, rec[col]))
    details = f"{details}, layout: {layout}"
    matcher = AreaMatcher(state.areas["name"].to_dict())
    new_rows: dict[tuple[str, str], dict[str, Any]] = {}
    where_seen: dict[tuple[str, str], int] = {}
    unmatched: dict[int, str] = {}
    for n, col, rec, ind, text in cells:
        where = f"række {n}, kolonne '{col}'"
        if not ind.from_file:
            report.error(f"Indikatoren '{ind.id}' beregnes automatisk og kan ikke importeres.", file, where)
            continue
        try:
            value = parse_number(text, table.convention)
        except NumberError as exc:
            report.error(f"Værdien for '{ind.id}' kan ikke bruges: {exc}", file, where)
            continue
        if value is None:
            continue
        if not ind.scale_min <= value <= ind.scale_max:
            report.error(f"Værdien {text} for '{ind.id}' ligger uden for skalaen {ind.scale_text}.", file, where)
            continue
        raw_id = rec.get(id_col, "") if id_col else ""
        raw_name = rec.get(name_col, "") if name_col else ""
        aid = matcher.match(raw_id, raw_name)
        if aid is None and (shared := matcher.ambiguous(raw_id, raw_name)):
            report.error(shared_name_text((raw_id or raw_name).strip(), shared), file, where)
            continue
        if aid is None:
            unmatched[n] = raw_id or raw_name
            continue
        kind = (rec.get(kind_col, "") if kind_col else "").strip().lower()
        if kind and kind not in VALUE_KINDS:
            report.error(
                f"'kind' skal være en af {', '.join(VALUE_KINDS)} (fik '{kind}').",
                file,
                f"række {n}, kolonne '{kind_col}'",
            )
            continue
        source = (rec.get(src_col, "") if src_col else "").strip()
        if not kind or (kind == "sourced" and not source):
            kind, source = "sourced", source or state.provenance(file)
        key = (aid, ind.id)
        if key in state.value_origins:
            report.error(
                f"Værdien for '{aid}' / '{ind.id}' findes også i {state.value_origins[key]}; hver værdi må kun stå i "
                "én af importens filer.",
                file,
                where,
            )
            continue
        if key in where_seen:
            report.error(f"Værdien for '{aid}' / '{ind.id}' findes også i række {where_seen[key]}.", file, where)
            continue
        where_seen[key] = n
        new_rows[key] = {
            "area_id": aid,
            "indicator_id": ind.id,
            "value": value,
            "kind": kind,
            "source": source,
            "note": (rec.get(note_col, "") if note_col else "").strip(),
        }
    for n, raw in unmatched.items():
        area_col = (
            id_col if id_col and (records[n - table.first_row].get(id_col) or "").strip() else (name_col or id_col)
        )
        report.warn(
            f"Området '{raw}' findes ikke blandt områderne; rækken springes over.",
            file,
            f"række {n}, kolonne '{area_col}'",
        )
    if cells and not new_rows and unmatched and not report.errors:
        report.error("Ingen rækker kunne knyttes til et område (kontrollér områdekolonnen).", file)
    elif not new_rows and not report.errors:
        report.error("Filen indeholder ingen værdier (alle værdiceller er tomme); der er intet at importere.", file)
    if report.errors:
        return details
    state.value_origins.update({key: f"{file}, række {n}" for key, n in where_seen.items()})
    covered = sorted({iid for _, iid in new_rows})
    for iid in covered:
        missing = [a for a in state.areas.index if (a, iid) not in new_rows]
        if missing:
            names = listing([str(state.areas.at[a, "name"]) for a in missing])  # names, not ids
            report.warn(
                f"Indikatoren '{state.model.indicator(iid).label}' mangler for "
                f"{count(len(missing), 'område', 'områder')}: {names}; de nuværende værdier bevares.",
                file,
            )
    old = {(r.area_id, r.indicator_id): r.value for r in state.values.itertuples(index=False)}
    for key, row in new_rows.items():
        prev = old.get(key)
        prev = None if prev is None or (isinstance(prev, float) and math.isnan(prev)) else float(prev)
        if prev != row["value"]:
            first = state.changes.get(key)
            state.changes[key] = ValueChange(key[0], key[1], first.old if first else prev, row["value"])
    # A boolean array, not a list: an empty list (every current value removed, e.g. all area ids new
    # with --replace-areas) would be read as an empty column selection.
    keep = np.array(
        [(a, i) not in new_rows for a, i in zip(state.values["area_id"], state.values["indicator_id"], strict=True)],
        dtype=bool,
    )
    added = pd.DataFrame(list(new_rows.values()), columns=VALUE_COLUMNS)
    state.values = pd.concat([state.values.loc[keep, VALUE_COLUMNS], added], ignore_index=True)
    return details
