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
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from selection.text.literal import DIRECTION_MARKS

# C0 and C1 controls except tab (\x09) and line feed (\x0a).
TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
REPLACEMENT = "\ufffd"


def neutralised(text: str) -> str:
    """``text`` with every control character (but tab and line feed) and every bidi control replaced by U+FFFD;
    a CSV file's CR LF line ends are shown as line ends."""
    return DIRECTION_MARKS.sub(REPLACEMENT, TERMINAL_CONTROLS.sub(REPLACEMENT, text.replace("\r\n", "\n")))


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
