"""The command line ``python -m selection``: the one parser and the entry point ``main``.

One parser (``build_parser``): each command group's module adds its commands and runs them
(``selection.cli.rank``, ``imports``, ``assessments``, ``registers``, ``scenarios``, ``roles``, ``rounds``,
``report``); ``main`` checks --out/--format before any work and turns every failure into a Danish message on stderr.
"""

from __future__ import annotations

import argparse
import linecache
import os
import sys
from typing import Protocol

from selection.cli import assessments, imports, rank, registers, report, roles, rounds, scenarios
from selection.cli.arguments import danish_argparse
from selection.cli.files import OutputFormats, resolve_output
from selection.cli.terminal import safe_output
from selection.errors import DataError, WeightError, library_reason, os_reason
from selection.storage.database.errors import StoreError


class Group(Protocol):
    """A command group's module: it adds a command to the parser and runs it."""

    def add_parser(self, sub: argparse._SubParsersAction, command: str) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


# The commands in the order ``--help`` lists them, each with the module that adds and runs it.
COMMANDS: tuple[tuple[str, Group], ...] = (
    ("rank", rank),
    ("scenario", scenarios),
    ("validate", imports),
    ("import", imports),
    ("critical", rank),
    ("reset", imports),
    ("restore", imports),
    ("assessments", assessments),
    ("initiatives", registers),
    ("actors", registers),
    ("roles", roles),
    ("round", rounds),
    ("report", report),
)

# Per command that writes a file: the formats it writes and the one used when neither --format nor --out says.
OUTPUT_FORMATS: OutputFormats = {
    **rank.OUTPUT_FORMATS,
    **assessments.OUTPUT_FORMATS,
    **report.OUTPUT_FORMATS,
    **scenarios.OUTPUT_FORMATS,
    **rounds.OUTPUT_FORMATS,
    **registers.OUTPUT_FORMATS,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m selection", description="Rangér forebyggelsesområder.")
    sub = parser.add_subparsers(dest="command", required=True, title="kommandoer", metavar="KOMMANDO")
    for command, group in COMMANDS:
        group.add_parser(sub, command)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a command; every failure is a Danish message on stderr with exit code 2 (never a traceback). Nothing
    printed carries a control character from data to the terminal (``terminal.safe_output``)."""
    with safe_output():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    with danish_argparse():
        args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except DataError as exc:
        print("Data kan ikke bruges:", file=sys.stderr)
        for problem in exc.report.errors:
            print(f"  FEJL: {problem}", file=sys.stderr)
        return 2
    except (WeightError, ValueError, StoreError) as exc:  # AssessmentError is a ValueError
        print(f"FEJL: {user_message(exc)}", file=sys.stderr)
        return 2
    except MemoryError:
        print("FEJL: Der er ikke hukommelse nok til opgaven; intet er ændret.", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. '| head': the reader stopped early; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("Afbrudt.", file=sys.stderr)
        return 130
    except OSError as exc:  # a file or folder the command reads or writes (after BrokenPipeError, a subclass)
        where = f" {exc.filename}" if exc.filename else ""
        print(f"FEJL: Filen eller mappen{where} kan ikke bruges: {os_reason(exc)}. Intet er ændret.", file=sys.stderr)
        return 2
    except Exception as exc:  # the last guard: a Danish message instead of a traceback
        print(f"FEJL: Uventet fejl: {library_reason(exc)}. Intet er ændret.", file=sys.stderr)
        return 2


def own_message(exc: BaseException) -> bool:
    """True when ``exc`` carries a Danish message written for the user: one of the project's own exception types
    (``UsageError``, ``ScenarioError``, ``StoreError`` …), or a plain ValueError raised by a ``raise`` statement in
    the project's code. A ValueError from Python or a library (``int('²')``: "invalid literal for int() …",
    ``json``, ``datetime``, ``numpy``) is not."""
    if type(exc).__module__.split(".")[0] == "selection":
        return True
    if type(exc) is not ValueError:
        return False
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return False
    module = str(tb.tb_frame.f_globals.get("__name__", ""))
    line = linecache.getline(tb.tb_frame.f_code.co_filename, tb.tb_lineno).strip()
    return module.split(".")[0] == "selection" and line.startswith("raise ")


def user_message(exc: BaseException) -> str:
    """The Danish message for an error that stops a command: the project's own text, or for a value Python or a
    library refused, a Danish sentence (its English text never reaches the user)."""
    if own_message(exc):
        return str(exc)
    return (
        "En værdi i kommandoen eller i data kunne ikke bruges (fx et tal skrevet med andre tegn end 0-9 eller et "
        "tidspunkt i et forkert format), så kommandoen er stoppet. Intet er ændret. Kontrollér tallene, navnene og "
        "filerne, du har angivet."
    )


def _run(args: argparse.Namespace) -> int:
    args.format_given = getattr(args, "format", None) is not None  # before resolve_output settles it
    resolve_output(args, OUTPUT_FORMATS)
    return dict(COMMANDS)[args.command].run(args)
