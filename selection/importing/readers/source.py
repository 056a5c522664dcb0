"""The uploaded-file model and the bounded loading every reader starts from.

``load_source`` turns a path or a ``(name, bytes)`` upload into an ``ImportFile``, refusing empty files
and files over the size limit; a path is read with ``read_limited`` (regular files only, never more than
the limit + 1 byte). Problems are reported in Danish naming the file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from selection.errors import Report
from selection.limits import Limits
from selection.text.file_input import FileInputError, read_limited, too_big_text
from selection.text.file_input import size_text as size_text  # the readers' one size wording


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
        try:  # regular files only, never more than the limit held (selection.text.file_input)
            item = ImportFile(path.name, read_limited(path, limits.max_file_bytes))
        except FileInputError as exc:
            report.error(str(exc), path.name)
            return None
    if len(item.data) > limits.max_file_bytes:
        report.error(too_big_text(len(item.data), limits.max_file_bytes), item.name)
        return None
    if len(item.data) == 0:
        report.error("Filen er tom.", item.name)
        return None
    return item


_PATH = re.compile(r"(?:[A-Za-z]:)?[/\\](?:[^\s'\"/\\]+[/\\])+([^\s'\"/\\]+)")


def short(exc: BaseException) -> str:
    """The first line of an error, without folder names (no server paths reach the user)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return _PATH.sub(r"\1", text)[:200]
