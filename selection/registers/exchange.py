"""The registers out and in: CSV for Danish Excel (``;``, decimal comma, BOM) or XLSX, with Danish headers.

Export: one row per current record; vocabulary entries by their labels, lists comma-separated in one cell,
dates ISO (ÅÅÅÅ-MM-DD), yes/no as 'ja'/'nej'; text cells never start a formula (``output.shortlist.neutralise``).
Import: the same file (labels or ids, dates ISO or dd-mm-åååå; ``;`` with decimal comma or ``,`` with decimal
point; XLSX) read with the import readers' limits, so a file that is too big or of the wrong type is refused
before it is read in full. A row without id is a new record; a row with an id changes that record unless nothing
changed (then no new version). All or none: every problem is listed by line, and nothing is stored then.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine

from selection.access import Actor
from selection.errors import Report
from selection.importing.matching import norm_key
from selection.importing.readers.source import ImportFile, Source, load_source
from selection.importing.readers.table import Table
from selection.importing.readers.tabular import TABLE_EXTENSIONS, read_table
from selection.limits import Limits
from selection.output.shortlist import FORMULA_PREFIXES, STYLES, neutralise
from selection.registers import store
from selection.registers.model import Actor as ActorRecord
from selection.registers.model import Initiative, RegisterError
from selection.registers.vocabulary import Vocabulary
from selection.text.literal import printable
from selection.text.number_parser import NumberError, parse_number

FORMATS = {"excel-da": "Dansk Excel-CSV (semikolon, decimalkomma)", "xlsx": "Excel-projektmappe (.xlsx)"}
INITIATIVE_SHEET, ACTOR_SHEET = "Indsatser", "Aktører"
INITIATIVE_COLUMNS = (
    "id",
    "områder",
    "navn",
    "type",
    "operatør",
    "målgrupper",
    "start",
    "slut",
    "status",
    "relevans",
    "belæg for tillid",
    "belæg",
    "kilde",
    "verifikation",
    "registreret af",
    "begrundelse",
)
ACTOR_COLUMNS = (
    "id",
    "sektor",
    "navn",
    "længdegrad",
    "breddegrad",
    "områder",
    "forhold",
    "motivation",
    "begrundelse for motivation",
    "oplyst ved",
    "kompetence om negativ social kontrol",
    "kompetence",
    "kilde",
    "verifikation",
    "registreret af",
    "begrundelse",
)
# The columns a file must have (the others may be left out: empty).
INITIATIVE_REQUIRED = ("navn", "områder", "type", "operatør", "status", "relevans", "belæg for tillid", "kilde")
ACTOR_REQUIRED = ("sektor", "navn", "kilde")
YES, NO = "ja", "nej"
YES_WORDS = {"ja", "j", "x", "1", "sand", "true", "yes"}
NO_WORDS = {"nej", "n", "", "0", "falsk", "false", "no"}
XLSX_MAGIC = b"PK\x03\x04"
MAX_SHOWN = 60


def _shown(text: object) -> str:
    one = " ".join(printable(text).split())
    return one if len(one) <= MAX_SHOWN else one[: MAX_SHOWN - 1] + "…"


# ---------------------------------------------------------------- out


def _number(value: float | None, decimal: str) -> str:
    return "" if value is None else repr(float(value)).replace(".", decimal)


def initiative_cells(item: Initiative, vocabulary: Vocabulary) -> dict[str, object]:
    """One initiative as the file's cells (labels for vocabulary entries)."""
    return {
        "id": item.id,
        "områder": ", ".join(item.area_ids),
        "navn": item.name,
        "type": vocabulary["initiative_types"].label(item.type),
        "operatør": vocabulary["operators"].label(item.operator),
        "målgrupper": ", ".join(vocabulary["target_groups"].label(g) for g in item.target_groups),
        "start": item.start.isoformat() if item.start else "",
        "slut": item.end.isoformat() if item.end else "",
        "status": vocabulary["statuses"].label(item.status),
        "relevans": vocabulary["relevance"].label(item.relevance),
        "belæg for tillid": vocabulary["trust_evidence"].label(item.trust_evidence),
        "belæg": item.evidence_text,
        "kilde": item.source,
        "verifikation": vocabulary["verification"].label(item.verification),
        "registreret af": item.recorded_by,
        "begrundelse": item.reason,
    }


def actor_cells(item: ActorRecord, vocabulary: Vocabulary, sector_labels: Mapping[str, str]) -> dict[str, object]:
    """One actor as the file's cells (numbers stay numbers; the CSV writer puts the decimal comma)."""
    return {
        "id": item.id,
        "sektor": sector_labels.get(item.sector, item.sector),
        "navn": item.name,
        "længdegrad": item.lon,
        "breddegrad": item.lat,
        "områder": ", ".join(item.area_ids),
        "forhold": item.relation,
        "motivation": vocabulary["motivation"].label(item.motivation),
        "begrundelse for motivation": item.motivation_reason,
        "oplyst ved": vocabulary["learned_via"].label(item.learned_via) if item.learned_via else "",
        "kompetence om negativ social kontrol": YES if item.nsk_competence else NO,
        "kompetence": item.competence_text,
        "kilde": item.source,
        "verifikation": vocabulary["verification"].label(item.verification),
        "registreret af": item.recorded_by,
        "begrundelse": item.reason,
    }


def _csv(columns: Sequence[str], rows: Sequence[Mapping[str, object]]) -> bytes:
    style = STYLES["excel-da"]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=style.delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                _number(v, style.decimal) if isinstance(v, float) else ("" if v is None else neutralise(str(v)))
                for v in (row[c] for c in columns)
            ]
        )
    return buf.getvalue().encode(style.encoding)


def _xlsx(sheet: str, columns: Sequence[str], rows: Sequence[Mapping[str, object]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([neutralise(v) if isinstance(v, str) else v for v in (row[c] for c in columns)])
    for idx, column in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(row=1, column=idx).column_letter].width = 40 if column == "navn" else 18
    ws.freeze_panes = "C2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _file(sheet: str, columns: Sequence[str], rows: Sequence[Mapping[str, object]], fmt: str) -> bytes:
    if fmt == "excel-da":
        return _csv(columns, rows)
    if fmt == "xlsx":
        return _xlsx(sheet, columns, rows)
    raise RegisterError(f"Ukendt format '{_shown(fmt)}'; brug {' eller '.join(FORMATS)}.")


def export_initiatives(
    entries: Sequence[store.Entry[Initiative]], vocabulary: Vocabulary, fmt: str = "excel-da"
) -> bytes:
    """The initiatives as a file: ``excel-da`` (CSV for Danish Excel) or ``xlsx``."""
    rows = [initiative_cells(e.record, vocabulary) for e in entries]
    return _file(INITIATIVE_SHEET, INITIATIVE_COLUMNS, rows, fmt)


def export_actors(
    entries: Sequence[store.Entry[ActorRecord]],
    vocabulary: Vocabulary,
    sector_labels: Mapping[str, str],
    fmt: str = "excel-da",
) -> bytes:
    """The actors as a file: ``excel-da`` or ``xlsx``."""
    rows = [actor_cells(e.record, vocabulary, sector_labels) for e in entries]
    return _file(ACTOR_SHEET, ACTOR_COLUMNS, rows, fmt)


# ---------------------------------------------------------------- in


def _item(source: Source | bytes, name: str | None) -> Source:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        guessed = "register.xlsx" if data.startswith(XLSX_MAGIC) else "register.csv"
        return ImportFile(Path(name).name if name else guessed, data)
    return source


def _file_name(source: Source) -> tuple[str, str]:
    if isinstance(source, ImportFile):
        return source.name, source.suffix
    if isinstance(source, tuple):
        return str(source[0]), Path(str(source[0])).suffix.lower()
    path = Path(source)
    return path.name, path.suffix.lower()


def read_file_table(source: Source | bytes, sheet: str, name: str | None = None) -> tuple[str, Table]:
    """(the file's name, its cells): the file type is checked first, then the size (a path: before reading it),
    then the readers' row and cell limits; RegisterError (Danish) otherwise."""
    item = _item(source, name)
    file, suffix = _file_name(item)
    if suffix == ".xls":
        raise RegisterError(
            f"{_shown(file)}: filen er i Excels gamle format (.xls). Gem den som Excel-projektmappe (.xlsx) eller "
            "som CSV, og prøv igen. Intet er gemt."
        )
    if suffix not in TABLE_EXTENSIONS:
        raise RegisterError(
            f"{_shown(file)}: filtypen '{_shown(suffix or '(ingen)')}' kan ikke indlæses. Brug en CSV-fil (fx fra "
            "dansk Excel: semikolon og decimalkomma) eller en Excel-projektmappe (.xlsx). Intet er gemt."
        )
    report = Report()
    limits = Limits()
    loaded = load_source(item, limits, report)
    table = read_table(loaded, limits, report, prefer=sheet) if loaded is not None else None
    if table is None or report.errors:
        problems = [printable(str(p)) for p in report.errors] or [f"{_shown(file)}: filen kan ikke læses."]
        raise RegisterError(" ".join(problems) + " Intet er gemt.")
    return file, table


def _columns(table: Table, known: Sequence[str], required: Sequence[str], file: str) -> dict[str, int]:
    by_key = {norm_key(c): c for c in known}
    found: dict[str, int] = {}
    problems: list[str] = []
    for pos, header in enumerate(table.header):
        column = by_key.get(norm_key(header))
        if column is None:
            if norm_key(header):
                problems.append(f"Kolonne {pos + 1} ('{_shown(header)}') er ukendt.")
            continue
        found[column] = pos
    missing = [c for c in required if c not in found]
    if missing:
        problems.append(f"Kolonne(r) mangler: {', '.join(missing)}.")
    if problems:
        raise RegisterError(
            f"{_shown(file)} kan ikke indlæses: "
            + " ".join(problems)
            + f" Kendte kolonner: {'; '.join(known)}. Intet er gemt."
        )
    return found


def _text(cell: str) -> str:
    """A cell as text: the apostrophe the export put before a formula-like text is taken off again."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_PREFIXES):
        return cell[1:]
    return cell


def _list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(",") if part.strip()]


def _date(cell: str, where: str, problems: list[str]) -> date | None:
    text = cell.strip()
    if not text:
        return None
    text = text.split(" ")[0].split("T")[0]  # an Excel date cell reads as '2026-11-20 00:00:00'
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    problems.append(f"{where}: '{_shown(cell)}' er ikke en dato (skriv ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ).")
    return None


def _coordinate(cell: str, table: Table, where: str, problems: list[str]) -> float | None:
    try:
        value = parse_number(cell, table.convention)
    except NumberError as exc:
        problems.append(f"{where}: {printable(str(exc))}")
        return None
    if value is not None and not math.isfinite(value):
        problems.append(f"{where}: '{_shown(cell)}' er ikke et endeligt tal.")
        return None
    return value


def _yes_no(cell: str, where: str, problems: list[str]) -> bool:
    word = cell.strip().casefold()
    if word in YES_WORDS:
        return True
    if word not in NO_WORDS:
        problems.append(f"{where}: skriv 'ja' eller 'nej' (fik '{_shown(cell)}').")
    return False


@dataclass(frozen=True)
class _Read:
    rows: list[store.ImportRow]
    problems: list[str]
    unchanged: list[int]


def _rows(
    table: Table,
    columns: Mapping[str, int],
    current: Mapping[str, Mapping[str, object]],
    parse: Callable[[Callable[[str], str], str, list[str]], dict[str, object]],
) -> _Read:
    """Every filled row as an ImportRow (or its problems by line); a row exactly as the export writes the
    record's current version is left out as unchanged (without checking it again)."""
    rows: list[store.ImportRow] = []
    problems: list[str] = []
    unchanged: list[int] = []
    for offset, cells in enumerate(table.rows):
        line = table.first_row + offset
        if not any(c.strip() for c in cells):
            continue

        def cell(column: str, cells: list[str] = cells) -> str:
            pos = columns.get(column)
            return _text(cells[pos].strip()) if pos is not None and pos < len(cells) else ""

        record_id = cell("id") or None
        if record_id is not None and record_id in current:
            expected = current[record_id]
            if all(" ".join(cell(c).split()) == " ".join(str(expected[c]).split()) for c in columns):
                unchanged.append(line)
                continue
        row_problems: list[str] = []
        raw = parse(cell, f"Linje {line}", row_problems)
        problems += row_problems
        if not row_problems:
            rows.append(store.ImportRow(line, record_id, raw))
    return _Read(rows, problems, unchanged)


def _initiative_raw(cell: Callable[[str], str], where: str, problems: list[str]) -> dict[str, object]:
    return {
        "area_ids": _list(cell("områder")),
        "name": cell("navn"),
        "type": cell("type"),
        "operator": cell("operatør"),
        "target_groups": _list(cell("målgrupper")),
        "start": _date(cell("start"), f"{where}, kolonne 'start'", problems),
        "end": _date(cell("slut"), f"{where}, kolonne 'slut'", problems),
        "status": cell("status"),
        "relevance": cell("relevans"),
        "trust_evidence": cell("belæg for tillid"),
        "evidence_text": cell("belæg"),
        "source": cell("kilde"),
        "verification": cell("verifikation") or "unverified",
        "recorded_by": cell("registreret af"),
        "reason": cell("begrundelse"),
    }


def _actor_raw(
    table: Table, sector_labels: Mapping[str, str]
) -> Callable[[Callable[[str], str], str, list[str]], dict[str, object]]:
    by_label = {norm_key(label): sid for sid, label in sector_labels.items()}
    by_label.update({norm_key(sid): sid for sid in sector_labels})

    def parse(cell: Callable[[str], str], where: str, problems: list[str]) -> dict[str, object]:
        sector = cell("sektor")
        return {
            "sector": by_label.get(norm_key(sector), sector),
            "name": cell("navn"),
            "lon": _coordinate(cell("længdegrad"), table, f"{where}, kolonne 'længdegrad'", problems),
            "lat": _coordinate(cell("breddegrad"), table, f"{where}, kolonne 'breddegrad'", problems),
            "area_ids": _list(cell("områder")),
            "relation": cell("forhold"),
            "motivation": cell("motivation"),
            "motivation_reason": cell("begrundelse for motivation"),
            "learned_via": cell("oplyst ved"),
            "nsk_competence": _yes_no(
                cell("kompetence om negativ social kontrol"), f"{where}, kolonne 'kompetence om …'", problems
            ),
            "competence_text": cell("kompetence"),
            "source": cell("kilde"),
            "verification": cell("verifikation") or "unverified",
            "recorded_by": cell("registreret af"),
            "reason": cell("begrundelse"),
        }

    return parse


def _text_cells(cells: Mapping[str, object], decimal: str) -> dict[str, object]:
    return {k: _number(v, decimal) if isinstance(v, float) else ("" if v is None else v) for k, v in cells.items()}


def _change_reason(file: str, reason: object) -> object:
    return reason if reason is not None and str(reason).strip() else f"Indlæst fra {file}"


def import_initiatives(
    engine: Engine,
    actor: Actor,
    vocabulary: Vocabulary,
    area_ids: Collection[str],
    source: Source | bytes,
    *,
    name: str | None = None,
    change_reason: object = None,
    base: Sequence[Initiative] = (),
) -> store.ImportOutcome:
    """Read an initiatives file and store it all or none (``change_reason`` for changed records; standard:
    'Indlæst fra <fil>'). RegisterError / RegisterImportError (every problem by line) otherwise. ``base``: the
    data package's records (a row with one of their ids changes that record)."""
    file, table = read_file_table(source, INITIATIVE_SHEET, name)
    columns = _columns(table, INITIATIVE_COLUMNS, INITIATIVE_REQUIRED, file)
    current = {e.id: initiative_cells(e.record, vocabulary) for e in store.current_initiatives(engine, base=base)}
    read = _rows(table, columns, current, _initiative_raw)
    outcome = store.import_initiatives(
        engine,
        actor,
        vocabulary,
        area_ids,
        read.rows,
        change_reason=_change_reason(file, change_reason),
        problems=read.problems,
        base=base,
    )
    outcome.unchanged = sorted([*outcome.unchanged, *read.unchanged])
    return outcome


def import_actors(
    engine: Engine,
    actor: Actor,
    vocabulary: Vocabulary,
    sector_labels: Mapping[str, str],
    area_ids: Collection[str],
    source: Source | bytes,
    *,
    name: str | None = None,
    change_reason: object = None,
    base: Sequence[ActorRecord] = (),
) -> store.ImportOutcome:
    """As ``import_initiatives``, for actors (``sector_labels``: criteria.json's sector id -> label; a sector may
    be given by either)."""
    file, table = read_file_table(source, ACTOR_SHEET, name)
    columns = _columns(table, ACTOR_COLUMNS, ACTOR_REQUIRED, file)
    decimal = "," if table.convention == "danish" else "."
    current = {
        e.id: _text_cells(actor_cells(e.record, vocabulary, sector_labels), decimal)
        for e in store.current_actors(engine, base=base)
    }
    read = _rows(table, columns, current, _actor_raw(table, sector_labels))
    outcome = store.import_actors(
        engine,
        actor,
        vocabulary,
        list(sector_labels),
        area_ids,
        read.rows,
        change_reason=_change_reason(file, change_reason),
        problems=read.problems,
        base=base,
    )
    outcome.unchanged = sorted([*outcome.unchanged, *read.unchanged])
    return outcome
