"""CSV files as Excel and other programs write them: decoding, separator sniffing and a streamed reader.

The separator is sniffed on a prefix, rows are streamed line by line (never copying the whole text), and
reading stops at the first limit reached (line length, field size, rows, cells, columns).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from selection.errors import Report
from selection.importing.readers.source import ImportFile
from selection.importing.readers.table import Table, check_header, too_many_rows
from selection.limits import MAX_CSV_FIELD, MAX_CSV_LINE, SNIFF_BYTES, Limits


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


def read_csv(item: ImportFile, limits: Limits, report: Report) -> Table | None:
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
                if not check_header(header, item.name, None, limits, report):
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
                report.error(too_many_rows(limits, len(header)), item.name)
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
