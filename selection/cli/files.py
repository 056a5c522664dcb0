"""What the command line writes: the one atomic file writer, --out/--format checked before any work, output.

``write_file`` writes every file a command makes (through a temporary file: a failed write leaves no half
file, and a file the user saved is never replaced without --overwrite). ``resolve_output`` checks --out and
settles --format from each group module's declared output formats before the command does any work.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from selection.cli.terminal import write_stdout_bytes
from selection.errors import UsageError, os_reason

# Per command that writes a file, (command, action): the formats it writes and the one used when neither
# --format nor --out says (each group module declares its own as OUTPUT_FORMATS).
OutputFormats = Mapping[tuple[str, str | None], tuple[list[str], str | None]]


def write_file(path: Path, data: bytes, *, overwrite: bool) -> None:
    """Write through a temporary file in the same folder, so a failed write leaves no half file.

    Without ``overwrite`` an existing file is never replaced, not even one made while the command worked
    (the finished file is linked into place, which fails with FileExistsError). With it a symbolic link
    is followed (the linked file is replaced, not the link). A device or pipe such as /dev/stdout is
    written in place.
    """
    if path.exists() and not path.is_file():  # a device or pipe (through a link, e.g. /dev/stdout)
        with open(path, "wb") as fh:
            fh.write(data)
        return
    target = path.resolve() if path.is_symlink() else path
    fd, tmp = tempfile.mkstemp(prefix=".rapport-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)  # mkstemp made it 0600
        if overwrite:
            os.replace(tmp, target)
        else:
            _link_new(Path(tmp), target, data)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _link_new(tmp: Path, target: Path, data: bytes) -> None:
    """Put the finished ``tmp`` at ``target`` unless something exists there (FileExistsError).

    A hard link is atomic; on a file system without hard links (some network shares) the file is
    created exclusively and written instead.
    """
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError:
        with open(target, "xb") as fh:  # "x": fails if the file exists
            fh.write(data)


FORMAT_SUFFIXES = {
    "excel-da": ".csv",
    "standard": ".csv",
    "xlsx": ".xlsx",
    "pdf": ".pdf",
    "html": ".html",
    "json": ".json",
}
SUFFIX_NAMES = {
    ".csv": "CSV",
    ".xlsx": "XLSX",
    ".xls": "XLS",
    ".pdf": "PDF",
    ".html": "HTML",
    ".htm": "HTML",
    ".json": "JSON",
}


def output_format(out: Path | None, given: str | None, choices: Sequence[str], default: str | None) -> str:
    """The format a command writes: --format if given, else read from --out's extension, else ``default``.

    A --format that contradicts a known extension of --out (``--format xlsx --out x.csv``) is refused
    (UsageError, Danish), as is an extension no choice writes; an unknown extension (``.txt``) is the user's choice,
    except for a command without a default format (``report``), which then needs --format; with no --out at all
    such a command writes its first format.
    """
    suffix = out.suffix.lower() if out is not None else ""
    if suffix == ".htm":
        suffix = ".html"
    fits = [c for c in choices if FORMAT_SUFFIXES.get(c) == suffix]
    named = SUFFIX_NAMES.get(suffix)
    if given is not None:
        if named is not None and given not in fits:
            raise UsageError(
                f"--format {given} passer ikke til filnavnet {out} ({named}-fil); filen ville få et forkert indhold. "
                f"Brug filendelsen {FORMAT_SUFFIXES.get(given, '')} eller en --format, der skriver {named}"
                + (f" ({', '.join(fits)})." if fits else "; det kan denne kommando ikke.")
            )
        return given
    if fits:
        return default if default in fits else fits[0]
    if named is not None:
        written = sorted({FORMAT_SUFFIXES[c] for c in choices if c in FORMAT_SUFFIXES})
        raise UsageError(
            f"Kommandoen kan ikke skrive en {named}-fil ({out}); den skriver "
            f"{' eller '.join(SUFFIX_NAMES[w] for w in written)}. Giv filen endelsen {' eller '.join(written)}."
        )
    if default is None:
        if out is None:  # no file named (report: a dated default name): the command's first format
            return choices[0]
        raise UsageError(f"Angiv --format ({' eller '.join(choices)}); filnavnet {out} siger ikke hvilket.")
    return default


def check_out(out: Path) -> None:
    """Refuse an --out that cannot be written before any work is done."""
    if out.is_dir():
        raise UsageError(f"--out {out} er en mappe; angiv et filnavn, fx {out / 'kortliste.csv'}.")
    if not out.parent.is_dir():
        raise UsageError(f"Mappen til --out findes ikke: {out.parent}. Opret den først, eller vælg en anden sti.")


def exists_text(out: Path) -> str:
    return f"Filen {out} findes allerede; vælg et andet navn eller brug --overwrite for at erstatte den."


def refuse_existing(out: Path, overwrite: bool) -> None:
    """A file the user saved (or a link to one) is never replaced unless --overwrite says so."""
    if not overwrite and out.is_file():  # follows a link; a device or pipe (/dev/stdout) is no saved file
        raise UsageError(exists_text(out))


def emit(args: argparse.Namespace, data: bytes, done: str) -> None:
    """Write ``data`` to --out (saying ``done`` on stderr) or to standard output."""
    if args.out:
        try:
            write_file(args.out, data, overwrite=getattr(args, "overwrite", False))
        except FileExistsError:
            raise UsageError(exists_text(args.out)) from None
        except OSError as exc:
            raise UsageError(f"Kan ikke skrive {args.out} ({os_reason(exc)}).") from None
        print(f"{done} til {args.out}", file=sys.stderr)
    else:
        write_stdout_bytes(data)


def resolve_output(args: argparse.Namespace, output_formats: OutputFormats) -> None:
    """Before any work: --out must be writable and agree with --format (which it supplies when omitted)."""
    formats = output_formats.get((args.command, getattr(args, "action", None)))
    if formats is None:
        return
    out = getattr(args, "out", None)
    if out is not None:
        check_out(out)
        refuse_existing(out, getattr(args, "overwrite", False))
    fmt = output_format(out, getattr(args, "format", None), *formats)
    if hasattr(args, "format"):
        args.format = fmt


def warn(problem: str) -> None:
    """A warning on standard error (the command goes on)."""
    print(f"ADVARSEL: {problem}", file=sys.stderr)
