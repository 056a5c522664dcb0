"""Everything the command line prints is read on a terminal: no control character from data may act on it.

Area names, file names and reasons come from data and from people. An ESC in one starts a terminal command
(recolour, move the cursor, retitle the window, in some terminals write to the clipboard); BEL rings; a
carriage return overwrites the line; a bidirectional control reorders what follows. ``safe_output`` puts a
filter in front of standard output and standard error for the whole run of a command, so every message,
table and history line is shown with such characters replaced by U+FFFD (the reader sees that something
was there); tab and line feed stay. File contents written to standard output (``emit``) are filtered the
same way when standard output is a terminal, and passed on exactly when it is a pipe or a file.
"""

from __future__ import annotations

import io
import sys
import unicodedata
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from selection.text.literal import REPLACEMENT, printable

__all__ = ["REPLACEMENT", "neutralised", "neutralised_bytes", "safe_output", "table_text", "write_stdout_bytes"]


def neutralised(text: str) -> str:
    """``text`` for a terminal through the one neutraliser (``text.literal.printable``, tab and line feed kept);
    a CSV file's CR LF line ends are shown as line ends."""
    return printable(text.replace("\r\n", "\n"), keep_tab=True)


def neutralised_bytes(data: bytes) -> bytes:
    """UTF-8 ``data`` for a terminal (``neutralised``; bytes that are not UTF-8 become U+FFFD)."""
    return neutralised(data.decode("utf-8", errors="replace")).encode("utf-8")


class SafeText(io.TextIOBase):
    """A text stream that neutralises what is written and passes everything else to ``stream``."""

    def __init__(self, stream: TextIO):
        super().__init__()
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(neutralised(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", "utf-8")

    @property
    def buffer(self) -> Any:
        return self._stream.buffer

    def writable(self) -> bool:
        return True


@contextmanager
def safe_output() -> Iterator[None]:
    """Standard output and standard error filtered (``SafeText``) until the block ends."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeText(out), SafeText(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def write_stdout_bytes(data: bytes) -> None:
    """File contents to standard output: exact to a pipe or a file, neutralised on a terminal."""
    sys.stdout.flush()
    sys.stdout.buffer.write(neutralised_bytes(data) if sys.stdout.isatty() else data)


MAX_CELL = 40  # characters a table cell shows on a terminal before it is cut with '…'


def _width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide (East Asian) characters take two, combining marks none."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text
    )


def _cell(value: object, limit: int) -> str:
    """One cell on one line through the one neutraliser (a tab or line break in data cannot shift a column)."""
    text = " ".join(printable(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def table_text(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, right: Collection[int] = (), limit: int = MAX_CELL
) -> str:
    """A readable table for a terminal: columns aligned with two spaces between them, a rule under the headers,
    the columns in ``right`` (numbers) right-aligned, every cell neutralised and cut at ``limit`` characters."""
    cells = [[_cell(h, limit) for h in headers]] + [[_cell(v, limit) for v in row] for row in rows]
    widths = [max(_width(line[i]) for line in cells) for i in range(len(headers))]

    def line(values: list[str]) -> str:
        padded = []
        for i, v in enumerate(values):
            pad = " " * (widths[i] - _width(v))
            padded.append(pad + v if i in right else v + pad)
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(c) for c in cells[1:])]) + "\n"
