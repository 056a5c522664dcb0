"""Answers collected on paper in (CSV or XLSX), the group result out (CSV for Danish Excel, or XLSX).

Answers: one row per participant with a name column ('Navn', 'Deltager' or 'Name'), one column per criterion
(its id or its label as the header) and an optional 'Begrundelse'. The file is read with the import readers
(size, row and cell limits; ``;`` and decimal comma from Danish Excel, or ``,`` and decimal point; XLSX by
openpyxl) and every problem is a Danish ``RoundError`` naming the line and the column. Nothing is stored here:
``store.import_answers`` checks the answers again and stores them all or none.

Result: one row per area in the group's order (area id, name, group rank and score, every participant's rank
under their label, 'nr. 1 for' how many), and a block saying which round, how the group's weights were formed,
the weights, the sentence and how far the data package's values can be trusted. Text cells never start a
formula (``output.shortlist.neutralise``).
"""

from __future__ import annotations

import csv
import difflib
import io
import math
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

from selection.data.criteria import CriteriaModel
from selection.data.dataset import Dataset
from selection.data.performance import Performance
from selection.data.status import data_status
from selection.errors import Report
from selection.importing.matching import norm_key
from selection.importing.readers.source import ImportFile, Source, load_source
from selection.importing.readers.table import Table
from selection.importing.readers.tabular import TABLE_EXTENSIONS, read_table
from selection.limits import MAX_WEIGHT, Limits
from selection.output.shortlist import STYLES, neutralise
from selection.ranking.scoring import weighted_indicators
from selection.rounds.model import STATE_TEXT, Round, RoundError
from selection.rounds.result import GroupResult
from selection.rounds.store import MAX_PARTICIPANTS, MAX_REASON, PaperAnswer, clean_participant_name
from selection.text.form_fields import clean_text, name_key
from selection.text.formatting import iso_local
from selection.text.literal import printable
from selection.text.number_parser import NumberError, parse_number

# ---------------------------------------------------------------- answers in

ANSWER_SHEET = "Svar"
NAME_HEADERS = ("navn", "deltager", "name", "deltagernavn", "deltagersnavn", "participant")  # as norm_key has them
REASON_HEADERS = ("begrundelse", "reason")
MAX_PROBLEMS = 10  # problems listed in one message; the rest are counted
MAX_SHOWN = 60  # characters of a cell or header quoted in a message
XLSX_MAGIC = b"PK\x03\x04"


def _shown(text: object) -> str:
    """A cell or header as quoted in a message: one visible line, clipped."""
    one = " ".join(printable(text).split())
    return one if len(one) <= MAX_SHOWN else one[: MAX_SHOWN - 1] + "…"


def _limits() -> Limits:
    # The readers' own size and cell limits; one row more than a round may hold, so that row is ours to report.
    return Limits(max_rows=MAX_PARTICIPANTS + 1)


def _item(source: Source | bytes, name: str | None) -> Source:
    """The source with a name: bytes without a name are named by their content (XLSX is a zip file)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        guessed = "svar.xlsx" if data.startswith(XLSX_MAGIC) else "svar.csv"
        return ImportFile(Path(name).name if name else guessed, data)
    return source


def _suffix(source: Source) -> tuple[str, str]:
    if isinstance(source, ImportFile):
        return source.name, source.suffix
    if isinstance(source, tuple):
        return str(source[0]), Path(str(source[0])).suffix.lower()
    path = Path(source)
    return path.name, path.suffix.lower()


def _too_many(file: str) -> str:
    return (
        f"{_shown(file)} har flere end {MAX_PARTICIPANTS} rækker med svar; en runde kan have højst "
        f"{MAX_PARTICIPANTS} deltagere. Del filen op på flere runder, eller fjern overflødige rækker."
    )


def _table(source: Source) -> Table:
    file, suffix = _suffix(source)
    if suffix == ".xls":
        raise RoundError(
            f"{_shown(file)}: filen er i Excels gamle format (.xls). Gem den som Excel-projektmappe (.xlsx) "
            "eller som CSV, og prøv igen. Intet er gemt."
        )
    if suffix not in TABLE_EXTENSIONS:
        raise RoundError(
            f"{_shown(file)}: filtypen '{_shown(suffix or '(ingen)')}' kan ikke læses som svar. Brug en CSV-fil "
            "(fx fra dansk Excel: semikolon og decimalkomma) eller en Excel-projektmappe (.xlsx). Intet er gemt."
        )
    report = Report()
    limits = _limits()
    item = load_source(source, limits, report)
    table = read_table(item, limits, report, prefer=ANSWER_SHEET) if item is not None else None
    if table is None or report.errors:
        problems = [printable(str(p)) for p in report.errors] or [f"{_shown(file)}: filen kan ikke læses."]
        if any(p.message.startswith("Filen har flere end") for p in report.errors):  # the row limit: ours
            problems = [_too_many(file)]
        raise RoundError(" ".join(problems) + " Intet er gemt.")
    return table


def _columns(table: Table, model: CriteriaModel, file: str) -> tuple[int, dict[str, int], int | None]:
    """(the name column, criterion id -> column, the reason column or None); RoundError for anything else."""
    by_key: dict[str, str] = {}
    for crit in model.criteria:
        by_key.setdefault(norm_key(crit.id), crit.id)
        by_key.setdefault(norm_key(crit.label), crit.id)
    known = ["Navn", *[c.label for c in model.criteria], *model.criterion_ids, "Begrundelse"]
    name_col: int | None = None
    reason_col: int | None = None
    criteria: dict[str, int] = {}
    problems: list[str] = []
    for pos, header in enumerate(table.header):
        key = norm_key(header)
        where = f"kolonne {pos + 1} ('{_shown(header)}')"
        if key in NAME_HEADERS:
            if name_col is not None:
                problems.append(f"{where} og kolonne {name_col + 1} er begge en navnekolonne; behold én af dem.")
            name_col = pos
        elif key in REASON_HEADERS:
            if reason_col is not None:
                problems.append(f"{where} og kolonne {reason_col + 1} er begge en begrundelse; behold én af dem.")
            reason_col = pos
        elif key in by_key:
            cid = by_key[key]
            if cid in criteria:
                problems.append(
                    f"{where} og kolonne {criteria[cid] + 1} er begge kriteriet "
                    f"'{model.criterion(cid).label}'; behold én af dem."
                )
            criteria[cid] = pos
        else:
            folded = {k.casefold(): k for k in known}
            near = difflib.get_close_matches(str(header).strip().casefold(), list(folded), n=1, cutoff=0.6)
            hint = f" Mente du '{folded[near[0]]}'?" if near else ""
            problems.append(f"{where} er ukendt.{hint}")
    if name_col is None:
        problems.append("Filen mangler en kolonne med deltagernes navne (overskrift 'Navn' eller 'Deltager').")
    for crit in model.criteria:
        if crit.id not in criteria:
            problems.append(
                f"Kolonnen for kriteriet '{crit.label}' (overskrift '{crit.label}' eller '{crit.id}') mangler."
            )
    if problems:
        _refuse(problems, file, "Kendte kolonner: " + ", ".join(f"'{k}'" for k in known) + ".")
    assert name_col is not None  # refused above
    return name_col, criteria, reason_col


def _refuse(problems: Sequence[str], file: str, tail: str = "") -> None:
    shown = list(problems[:MAX_PROBLEMS])
    if len(problems) > MAX_PROBLEMS:
        shown.append(f"… og {len(problems) - MAX_PROBLEMS} problemer mere.")
    text = f"{_shown(file)} kan ikke indlæses: " + " ".join(shown)
    raise RoundError(text + (f" {tail}" if tail else "") + " Intet er gemt.")


def _weight(raw: str, convention: str, where: str) -> tuple[float | None, str | None]:
    """(the weight, None) or (None, the problem)."""
    if not raw.strip():
        return None, f"{where}: feltet er tomt; skriv 0, hvis kriteriet ikke skal have vægt."
    try:
        value = parse_number(raw, convention)  # type: ignore[arg-type]
    except NumberError as exc:
        return None, f"{where}: {printable(str(exc))}"
    if value is None or not math.isfinite(value):
        return None, f"{where}: '{_shown(raw)}' er ikke et endeligt tal."
    if value < 0:
        return None, f"{where}: vægten må ikke være negativ (fik {_shown(raw)})."
    if value > MAX_WEIGHT:
        return None, f"{where}: vægten er urimeligt stor ({_shown(raw)}); højst {MAX_WEIGHT:g}."
    return value, None


def read_answers(source: Source | bytes, model: CriteriaModel, name: str | None = None) -> list[PaperAnswer]:
    """The answers in a CSV or XLSX file (a path, ``(name, bytes)``, an ``ImportFile`` or bytes, then named
    ``name`` or by their content). RoundError (Danish, naming line and column) for any problem; the weights
    are returned as read (any non-negative numbers; ``store.import_answers`` normalises them)."""
    source = _item(source, name)
    file, _ = _suffix(source)
    table = _table(source)
    if len(table.rows) > MAX_PARTICIPANTS:
        raise RoundError(_too_many(file) + " Intet er gemt.")
    name_col, criteria, reason_col = _columns(table, model, file)
    convention = table.convention
    problems: list[str] = []
    seen: dict[str, int] = {}
    answers: list[PaperAnswer] = []
    for offset, cells in enumerate(table.rows):
        line = table.first_row + offset
        row_problems: list[str] = []
        raw_name = cells[name_col]
        who = ""
        try:
            who = clean_participant_name(raw_name)
        except RoundError as exc:
            row_problems.append(f"Linje {line}, kolonne '{_shown(table.header[name_col])}': {exc}")
        if who:
            key = name_key(who)
            if key in seen:
                row_problems.append(f"Linje {line}: '{_shown(who)}' står også på linje {seen[key]}; svar kun én gang.")
            else:
                seen[key] = line
        weights: dict[str, float] = {}
        for cid, pos in criteria.items():
            value, problem = _weight(cells[pos], convention, f"Linje {line}, kolonne '{_shown(table.header[pos])}'")
            if problem:
                row_problems.append(problem)
            elif value is not None:
                weights[cid] = value
        if len(weights) == len(criteria) and sum(weights.values()) <= 0:
            row_problems.append(f"Linje {line}: alle vægte er 0; giv mindst ét kriterium en vægt over 0.")
        reason = ""
        if reason_col is not None:
            try:
                reason = clean_text(
                    cells[reason_col], "Begrundelsen", MAX_REASON, required=False, multiline=True, error=RoundError
                )
            except RoundError as exc:
                row_problems.append(f"Linje {line}, kolonne '{_shown(table.header[reason_col])}': {exc}")
        problems += row_problems
        if not row_problems:
            answers.append(PaperAnswer(who, weights, reason, line))
    if problems:
        _refuse(problems, file)
    if not answers:
        raise RoundError(f"{_shown(file)} har ingen svar. Intet er gemt.")
    return answers


# ---------------------------------------------------------------- the result out

RESULT_FORMATS = {"excel-da": "Dansk Excel-CSV (semikolon, decimalkomma)", "xlsx": "Excel-projektmappe (.xlsx)"}
RESULT_SHEET, NOTES_SHEET = "Resultat", "Om resultatet"
COL_AREA_ID, COL_AREA, COL_RANK, COL_SCORE = "Område-id", "Område", "Gruppens rang", "Gruppens score (0-100)"
COL_FIRST = "Nr. 1 for antal deltagere"
FIXED = (COL_AREA_ID, COL_AREA, COL_RANK, COL_SCORE, COL_FIRST)


def participant_columns(labels: Sequence[str]) -> dict[str, str]:
    """Each participant's label -> the column header: the label itself, unless it would read as one of the
    fixed columns (then ' (deltager)' is added), so no two headers are the same."""
    fixed = {norm_key(c) for c in FIXED}
    return {label: f"{label} (deltager)" if norm_key(label) in fixed else label for label in labels}


def result_table(result: GroupResult) -> pd.DataFrame:
    """One row per area in the group's order, Danish headers (the rows of the CSV and of the XLSX)."""
    table = result.table()
    columns = participant_columns(result.labels)

    def whole(value: object) -> int | None:
        return None if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload]

    out: dict[str, list[object]] = {
        COL_AREA_ID: [str(a) for a in table["area_id"]],
        COL_AREA: [str(n) for n in table["name"]],
        COL_RANK: [whole(r) for r in table["rank"]],
        COL_SCORE: [None if pd.isna(t) else float(t) for t in table["total"]],
    }
    for label in result.labels:
        out[columns[label]] = [whole(r) for r in table[label]]
    out[COL_FIRST] = [int(k) for k in table["first_count"]]
    return pd.DataFrame(out, columns=[COL_AREA_ID, COL_AREA, COL_RANK, COL_SCORE, *columns.values(), COL_FIRST])


def _pct(share: float) -> str:
    return f"{100 * share:.1f} %".replace(".", ",")


def result_notes(
    result: GroupResult, item: Round, dataset: Dataset, perf: Performance, timestamp: datetime | None = None
) -> list[tuple[str, str]]:
    """What the file says about the result: the round, how the group's weights were formed, the weights and
    their spread, the sentence, and how far the data package's values can be trusted (its own counts)."""
    model = dataset.model
    spread = result.spread()
    scenario = (
        f"{item.scenario_name} (gemt scenarie nr. {item.scenario_id}, version {item.scenario_version})"
        if item.scenario_id is not None
        else (item.scenario_name or "datapakkens standardindstillinger")
    )
    state = STATE_TEXT.get(item.state, item.state)
    if not item.revealed:
        state += " (resultatet er endnu ikke vist for gruppen)"
    people = "deltager" if result.size == 1 else "deltagere"
    notes = [
        ("Vægtningsrunde", f"nr. {item.id}: {item.name}"),
        ("Status", state),
        ("Deltagere", f"{result.size} {people} har svaret" + ("; runden er anonym" if item.anonymous else "")),
        ("Indstillinger", f"{scenario}; frosset, da runden blev åbnet"),
        ("Gruppens vægte", f"{result.method_text}"),
    ]
    for crit in model.criteria:
        if crit.id in spread.index:
            s = spread.loc[crit.id]
            notes.append(
                (
                    f"Vægt {crit.label}",
                    f"{_pct(float(s['group']))} (deltagerne: laveste {_pct(float(s['min']))}, "
                    f"median {_pct(float(s['median']))}, højeste {_pct(float(s['max']))})",
                )
            )
    notes.append(("Resultat", result.sentence))
    notes.append(
        (
            "Rang",
            "Hver deltagers rang er rangeringen med deltagerens egne vægte og rundens indstillinger; lige scorer "
            "deler rang, og udelukkede områder har ingen rang. 'Nr. 1 for antal deltagere' tæller, hvor mange "
            "deltagere der har området som nr. 1.",
        )
    )
    version = f"{dataset.meta.get('name', '')} version {dataset.version}".strip()
    if item.data_version and item.data_version != dataset.version:
        version += f" (runden blev åbnet på version {item.data_version}; resultatet er beregnet på data i brug nu)"
    notes.append(("Data", version))
    status = data_status(dataset, perf.provenance, weighted_indicators(result.group, dataset))
    notes.append(("Forbehold", status.summary().replace("**", "")))
    notes.append(("Tidspunkt", iso_local(timestamp)))
    return notes


def _csv_cell(value: object, decimal: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", decimal)
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def result_csv(table: pd.DataFrame, notes: Sequence[tuple[str, str]], style: str = "excel-da") -> bytes:
    """The notes (one 'key;text' line each), an empty line, then the table (Danish Excel CSV with BOM)."""
    fmt = STYLES[style]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=fmt.delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for key, text in notes:
        writer.writerow([neutralise(key), neutralise(text)])
    writer.writerow([])
    writer.writerow([neutralise(str(c)) for c in table.columns])
    for row in table.itertuples(index=False):
        writer.writerow([_csv_cell(v, fmt.decimal) for v in row])
    return buf.getvalue().encode(fmt.encoding)


def _xlsx_value(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return neutralise(value) if isinstance(value, str) else value


def result_xlsx(table: pd.DataFrame, notes: Sequence[tuple[str, str]]) -> bytes:
    """The table on the sheet 'Resultat' (header in row 1), the notes on the sheet 'Om resultatet'."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = RESULT_SHEET
    ws.append([neutralise(str(c)) for c in table.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    for row in table.itertuples(index=False):
        ws.append([_xlsx_value(v) for v in row])
    for idx, column in enumerate(table.columns, start=1):
        if column == COL_SCORE:
            for r in range(2, len(table) + 2):
                ws.cell(row=r, column=idx).number_format = "0.0"
        longest = max([len(str(v)) for v in table[column]] + [min(len(str(column)), 24)], default=8)
        ws.column_dimensions[get_column_letter(idx)].width = min(max(longest + 2, 8), 40)
    ws.freeze_panes = "C2"
    info = wb.create_sheet(NOTES_SHEET)
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 110
    for key, text in notes:
        info.append([neutralise(key), neutralise(text)])
    for row in info.iter_rows():
        row[0].font = Font(bold=True)
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def result_file(
    result: GroupResult,
    item: Round,
    dataset: Dataset,
    perf: Performance,
    fmt: str = "excel-da",
    timestamp: datetime | None = None,
) -> bytes:
    """The group result as a file: ``excel-da`` (CSV for Danish Excel) or ``xlsx``."""
    if fmt not in RESULT_FORMATS:
        raise RoundError(f"Ukendt format '{_shown(fmt)}'; brug {' eller '.join(RESULT_FORMATS)}.")
    table = result_table(result)
    notes = result_notes(result, item, dataset, perf, timestamp)
    return result_xlsx(table, notes) if fmt == "xlsx" else result_csv(table, notes, fmt)
