"""Problems found in user data, reported in Danish with the exact place they occur."""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass, field
from typing import overload


@dataclass(frozen=True)
class Problem:
    """One finding: an error blocks loading, a warning does not."""

    message: str
    file: str | None = None
    location: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = " · ".join(part for part in (self.file, self.location) if part)
        return f"{where}: {self.message}" if where else self.message


MAX_MESSAGE = 1000  # characters: a message quoting a cell of a hostile file stays readable


@overload
def _clip(text: str) -> str: ...
@overload
def _clip(text: None) -> None: ...
def _clip(text: str | None) -> str | None:
    return text if text is None or len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


@dataclass
class Report:
    """Collects problems while a data set is validated."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, message: str, file: str | None = None, location: str | None = None) -> None:
        self.problems.append(Problem(_clip(message), _clip(file), _clip(location), "error"))

    def warn(self, message: str, file: str | None = None, location: str | None = None) -> None:
        self.problems.append(Problem(_clip(message), _clip(file), _clip(location), "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise DataError(self)


class DataError(Exception):
    """Raised when data cannot be used; carries the full Danish report."""

    def __init__(self, report: Report | str, file: str | None = None, location: str | None = None):
        if isinstance(report, str):
            single = Report()
            single.error(report, file, location)
            report = single
        self.report = report
        super().__init__("\n".join(str(p) for p in report.errors))


class WeightError(ValueError):
    """Raised for weights that cannot be used (negative, not a number, all zero)."""


class UsageError(ValueError):
    """Raised for a command-line or form value that cannot be used (the message is Danish)."""


_ERRNO_TEXT = {
    errno.EACCES: "adgang nægtet: du har ikke rettighed til filen eller mappen",
    errno.EPERM: "handlingen er ikke tilladt for din bruger",
    errno.ENOENT: "filen eller mappen findes ikke",
    errno.EISDIR: "det er en mappe, ikke en fil",
    errno.ENOTDIR: "en del af stien er en fil, ikke en mappe",
    errno.ENOSPC: "disken er fuld",
    errno.EDQUOT: "din diskkvote er brugt op",
    errno.EROFS: "filsystemet er skrivebeskyttet",
    errno.EEXIST: "filen findes allerede",
    errno.ENAMETOOLONG: "filnavnet er for langt",
    errno.EMFILE: "for mange åbne filer",
    errno.EBUSY: "filen er i brug af et andet program",
    errno.EIO: "fejl ved læsning fra eller skrivning til disken",
    errno.EFBIG: "filen er for stor til filsystemet",
}


def os_reason(exc: OSError) -> str:
    """A Danish reason for a file-system error (the OS's own English text never reaches the user)."""
    known = _ERRNO_TEXT.get(exc.errno) if exc.errno is not None else None
    if known is not None:
        return known
    if exc.errno is not None:
        return f"systemfejl nr. {exc.errno}"
    detail = _PATH.sub(r"\1", str(exc).strip().splitlines()[0])[:160] if str(exc).strip() else ""
    return "ukendt fejl i filsystemet" + (f" (teknisk detalje: '{detail}')" if detail else "")


_PATH = re.compile(r"(?:[A-Za-z]:)?[/\\](?:[^\s'\"/\\]+[/\\])+([^\s'\"/\\]+)")
_WHERE = re.compile(r"[Aa]t line (\d+), (?:character|column) (\d+)")
# English texts of GDAL, pyogrio, GEOS/shapely, PROJ, zipfile and openpyxl -> a Danish reason (first match wins).
_LIBRARY_TEXT = (
    (
        r"Unrecognized number|[Ii]nfinity|\bnan\b|not a finite",
        "et tal er ikke et endeligt tal (fx 1e400, Infinity eller NaN)",
    ),
    (
        r"LinearRing|closed linestring|Too few points|IllegalArgumentException|must have at least",
        "en polygon har en ring, der ikke er lukket eller har for få punkter "
        "(mindst fire, og det første punkt skal gentages til sidst)",
    ),
    (r"Failed to read GeoJSON|GeoJSON object|JSON parsing|Invalid JSON|json", "filen er ikke gyldig GeoJSON"),
    (
        r"file is not a database|not a GeoPackage|sqlite3",
        "filen er ikke en GeoPackage (den er ikke en SQLite-database)",
    ),
    (
        r"not a zip file|Bad magic number|End-of-central-directory",
        "den er ikke en gyldig zip-fil (beskadiget eller en anden filtype)",
    ),
    (
        r"Bad CRC|Error -\d+ while decompressing|[Tt]runcated|unexpected end|Compressed file ended",
        "filen er beskadiget eller afkortet",
    ),
    (
        r"There is no item named|Content_Types|not a valid xlsx|openpyxl does not support",
        "den er ikke en Excel-projektmappe (.xlsx)",
    ),
    (
        r"crs not found|Invalid projection|CRSError|Unknown projection|PROJ",
        "koordinatsystemet findes ikke i koordinatdatabasen (PROJ)",
    ),
    (
        r"not recognized as (?:being in )?a supported file format|Unsupported driver|No driver",
        "filtypen genkendes ikke som geodata",
    ),
    (r"[Pp]ermission denied", "adgang nægtet"),
    (r"No such file|does not exist", "filen findes ikke"),
    (r"[Mm]emory|too large", "filen er for stor til at blive læst"),
)


def library_reason(exc: BaseException) -> str:
    """A Danish reason for an error raised by a library that reads a user's file (GDAL, pyogrio, shapely,
    PROJ, zipfile, openpyxl, pandas): its English text never reaches the user, at most as a quoted detail."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return os_reason(exc)
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    where = _WHERE.search(text)
    at = f" (linje {where.group(1)}, tegn {where.group(2)})" if where else ""
    for pattern, danish in _LIBRARY_TEXT:
        if re.search(pattern, text):
            return danish + at
    detail = _PATH.sub(r"\1", first)[:160]  # no server folders
    return f"programbiblioteket, der læser filen, kunne ikke bruge den (teknisk detalje på engelsk: '{detail}')"
