"""Problems found in user data, reported in Danish with the exact place they occur."""

from __future__ import annotations

import errno
from dataclasses import dataclass, field


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
    return f"systemfejl nr. {exc.errno}" if exc.errno is not None else "ukendt fejl i filsystemet"
