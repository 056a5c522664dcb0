"""Read a file a person named, with a bound: regular files only, never more than a limit.

Every reader of a user-given file (an assessment sheet, a scenario export, a register or data package
file, the command line's imports) goes through ``read_limited``. A path to a device (``/dev/zero``),
a named pipe nobody writes to, a directory or a socket is refused before anything is read, a file
larger than the limit is refused from its size, and the read itself stops at the limit + 1 byte, so
a file that grows while it is read (or lies about its size) cannot hold more than the limit in memory.
Messages are Danish and do not name the file: the caller says which file it was.
"""

from __future__ import annotations

import os
import stat

from selection.errors import os_reason
from selection.limits import MB

CHUNK = 1024 * 1024


class FileInputError(ValueError):
    """A user-given file that cannot be read within its limit (Danish message, without the file's name)."""


def size_text(n: int) -> str:
    """A byte count: '1.5 MB' or '120 byte' (the wording the import messages have always used)."""
    return f"{n / MB:.1f} MB" if n >= MB else f"{n} byte"


def too_big_text(size: int | None, limit: int) -> str:
    """The one message for a file over its size limit (``size`` None: it grew beyond the limit while read)."""
    found = f"over {size_text(limit)}" if size is None else size_text(size)
    return f"Filen er for stor ({found}); grænsen er {size_text(limit)}."


def kind_problem(mode: int) -> str | None:
    """Why a file of this ``st_mode`` is not read (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "Stien er en mappe, ikke en fil."
    if stat.S_ISFIFO(mode):
        return "Stien er en navngiven pipe (FIFO), ikke en almindelig fil; kun almindelige filer kan læses."
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "Stien er en enhed (fx /dev/zero), ikke en almindelig fil; kun almindelige filer kan læses."
    return "Stien er ikke en almindelig fil; kun almindelige filer kan læses."


def read_limited(path: str | os.PathLike[str], limit: int) -> bytes:
    """The content of the regular file ``path``, at most ``limit`` bytes; FileInputError otherwise.

    The file is opened without blocking (a named pipe with no writer would wait forever), its type and
    size are checked on the open file (no race with a renamed path), and at most ``limit`` + 1 bytes are read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise FileInputError(f"Filen kan ikke læses ({os_reason(exc)}).") from None
    try:
        info = os.fstat(fd)
        problem = kind_problem(info.st_mode)
        if problem is not None:
            raise FileInputError(problem)
        if info.st_size > limit:
            raise FileInputError(too_big_text(info.st_size, limit))
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise FileInputError(too_big_text(None, limit))
        return b"".join(chunks)
    except OSError as exc:
        raise FileInputError(f"Filen kan ikke læses ({os_reason(exc)}).") from None
    finally:
        os.close(fd)


def check_size(data: bytes, limit: int) -> None:
    """FileInputError if an upload already in memory (the app's bytes) is over ``limit``."""
    if len(data) > limit:
        raise FileInputError(too_big_text(len(data), limit))
