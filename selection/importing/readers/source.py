"""The uploaded-file model and the bounded loading every reader starts from.

``load_source`` turns a path or a ``(name, bytes)`` upload into an ``ImportFile``, refusing empty files
and files over the size limit; problems are reported in Danish naming the file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from selection.errors import Report, os_reason
from selection.limits import MB, Limits


@dataclass(frozen=True)
class ImportFile:
    """One input file: its name (as the user sees it) and its content."""

    name: str
    data: bytes

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()


Source = str | os.PathLike | tuple[str, bytes] | ImportFile


def load_source(source: Source, limits: Limits, report: Report) -> ImportFile | None:
    """Turn a path or a (name, bytes) upload into an ImportFile, enforcing the size limit."""
    if isinstance(source, ImportFile):
        item = source
    elif isinstance(source, tuple):
        name, data = source
        item = ImportFile(Path(str(name)).name or "ukendt fil", bytes(data))
    else:
        path = Path(source)
        name = path.name
        try:
            size = path.stat().st_size
        except OSError as exc:
            report.error(f"Filen kan ikke læses ({os_reason(exc)}).", name)
            return None
        if not path.is_file():
            report.error("Stien er ikke en fil.", name)
            return None
        if size > limits.max_file_bytes:
            report.error(_too_big(size, limits.max_file_bytes), name)
            return None
        try:
            item = ImportFile(name, path.read_bytes())
        except OSError as exc:
            report.error(f"Filen kan ikke læses ({os_reason(exc)}).", name)
            return None
    if len(item.data) > limits.max_file_bytes:
        report.error(_too_big(len(item.data), limits.max_file_bytes), item.name)
        return None
    if len(item.data) == 0:
        report.error("Filen er tom.", item.name)
        return None
    return item


def _too_big(size: int, limit: int) -> str:
    return f"Filen er for stor ({size_text(size)}); grænsen er {size_text(limit)}."


def size_text(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n} byte"


_PATH = re.compile(r"(?:[A-Za-z]:)?[/\\](?:[^\s'\"/\\]+[/\\])+([^\s'\"/\\]+)")


def short(exc: BaseException) -> str:
    """The first line of an error, without folder names (no server paths reach the user)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return _PATH.sub(r"\1", text)[:200]
