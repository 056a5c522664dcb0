"""``python -m selection assessments export|import|history``: the same store the app uses."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from selection.access import Actor
from selection.cli import arguments
from selection.cli.files import OutputFormats, exists_text, write_file
from selection.data.dataset import Dataset, load_dataset
from selection.errors import os_reason
from selection.storage.database import open_store
from selection.storage.packages import active_data_dir

if TYPE_CHECKING:  # SQLAlchemy and the assessments (which load it) are imported when an action runs
    from sqlalchemy import Engine

    from selection.assessments.model import Assessment

OUTPUT_FORMATS: OutputFormats = {("assessments", "export"): (["excel-da", "xlsx"], "excel-da")}


def add_parser(sub: argparse._SubParsersAction, command: str) -> None:
    """Add ``assessments export|import|history`` (the store: $SELECTION_DB_URL or the SQLite file)."""
    cmd = sub.add_parser(command, help="Lokale vurderinger: hent ark, indlæs ark, vis historik.")
    actions = cmd.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="Skriv et vurderingsark (CSV til dansk Excel eller XLSX).")
    export.add_argument(
        "--format",
        choices=["excel-da", "xlsx"],
        default=None,
        help="arkets format (standard: efter --out's filendelse, ellers excel-da)",
    )
    export.add_argument("--out", type=arguments.file, required=True, help="filen, der skrives")
    export.add_argument("--overwrite", action="store_true", help=arguments.OVERWRITE_HELP)
    load = actions.add_parser("import", help="Indlæs et udfyldt vurderingsark; hver række bliver en vurdering.")
    load.add_argument("file", type=arguments.file, help="udfyldt ark (CSV eller XLSX)")
    load.add_argument(
        "--assessor",
        default="",
        help="vurderers navn for rækker, hvor kolonnen 'Vurderers navn' er tom (standard: ingen; en række uden navn "
        "afvises). Vurderingerne registreres af --user på vegne af den navngivne vurderer",
    )
    load.add_argument("--role", default="", help="rolle eller organisation (for rækker uden rolle)")
    arguments.add_user(load)
    hist = actions.add_parser("history", help="Vis alle gemte vurderinger (ældste først).")
    hist.add_argument("--area", help="kun dette område-id")
    hist.add_argument("--indicator", help="kun dette indikator-id")
    for action in (export, load, hist):
        action.add_argument(
            "--data", type=arguments.folder, default=None, help="datamappe (standard: importen eller data/areas)"
        )


def run(args: argparse.Namespace) -> int:
    """Dispatch one action. StoreError / AssessmentError propagate to ``cli.main`` (exit 2)."""
    dataset = load_dataset(args.data if args.data is not None else active_data_dir())
    engine = open_store()
    try:
        if args.action == "export":
            return _export(engine, dataset, args.format, args.out, args.overwrite)
        if args.action == "import":
            return _import(engine, dataset, args.file, args.assessor, args.role, arguments.cli_actor(args))
        return _history(engine, dataset, args.area, args.indicator)
    finally:
        engine.dispose()


def _export(engine: Engine, dataset: Dataset, fmt: str, out: Path, overwrite: bool) -> int:
    from selection.assessments.aggregate import aggregate
    from selection.assessments.history import current_assessments, value_versions
    from selection.assessments.sheet import assessment_sheet

    data = assessment_sheet(dataset, aggregate(current_assessments(engine)), fmt, value_versions(engine))
    try:
        write_file(out, data, overwrite=overwrite)  # via a temporary file: a failed write leaves no half file
    except FileExistsError:
        print(f"FEJL: {exists_text(out)}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"FEJL: Filen {out} kan ikke skrives ({os_reason(exc)}).", file=sys.stderr)
        return 2
    print(f"Skrev vurderingsarket til {out}.", file=sys.stderr)
    return 0


def _import(engine: Engine, dataset: Dataset, file: Path, assessor: str, role: str, actor: Actor) -> int:
    from selection.assessments.record import record_assessments
    from selection.assessments.sheet import read_assessment_sheet
    from selection.limits import Limits
    from selection.text.file_input import FileInputError, read_limited

    try:  # regular files only, never more than the sheet limit held (a pipe or /dev/zero is refused up front)
        data = read_limited(file, Limits().max_file_bytes)
    except FileInputError as exc:
        print(f"FEJL: {file.name}: {exc}", file=sys.stderr)
        return 2
    news, report = read_assessment_sheet(
        data, file.name, dataset.model, dataset, assessor, role, recorder=actor.identity.name
    )
    for problem in report.warnings:
        print(f"  ADVARSEL: {problem}", file=sys.stderr)
    if report.errors:
        for problem in report.errors:
            print(f"  FEJL: {problem}", file=sys.stderr)
        if not assessor.strip() and any("mangler vurderers navn" in p.message for p in report.errors):
            print("  Udfyld 'Vurderers navn' i arket, eller angiv navnet med --assessor NAVN.", file=sys.stderr)
        print("Arket er ikke indlæst; intet er gemt.", file=sys.stderr)
        return 2
    saved = record_assessments(
        engine,
        news,
        dataset.model,
        dataset.area_ids,
        report.versions,
        [f"{file.name} · række {n}" for n in report.rows],
        actor=actor,
    )
    count = "1 vurdering" if len(saved) == 1 else f"{len(saved)} vurderinger"
    print(f"Indlæste {count} fra {file.name} ({report.skipped} tomme rækker sprunget over).")
    print(recorded_by_text(actor.identity.name, [a.assessor_name for a in news]))
    return 0


def recorded_by_text(user: str, assessors: list[str]) -> str:
    """Who did what: the acting user (--user or the OS user) records; the sheet's assessors are named as the ones
    the values are recorded on behalf of ('registreret af kim på vegne af Anna Holm og Bo Lund')."""
    from selection.assessments.history import assessor_key
    from selection.text.formatting import NAMES_LISTED, listing

    by_key: dict[str, str] = {}
    for name in assessors:
        by_key.setdefault(assessor_key(name), name)
    others = [name for key, name in by_key.items() if key != assessor_key(user)]
    if not others:
        return f"Registreret af {user} som vurderer."
    own = " (og som vurderer selv)" if len(others) < len(by_key) else ""
    names = listing(others)
    if 1 < len(others) <= NAMES_LISTED:
        names = f"{', '.join(others[:-1])} og {others[-1]}"
    return f"Registreret af {user} på vegne af {names}{own}."


def _history(engine: Engine, dataset: Dataset, area: str | None, indicator: str | None) -> int:
    from selection.assessments.history import history

    entries = history(engine, area, indicator)
    if not entries and area is not None and area not in dataset.area_ids:
        print(f"FEJL: Ukendt område-id '{area}'; kendte: {', '.join(dataset.area_ids)}.", file=sys.stderr)
        return 2
    known = [i.id for i in dataset.model.indicators]
    if not entries and indicator is not None and indicator not in known:
        print(f"FEJL: Ukendt indikator-id '{indicator}'; kendte: {', '.join(known)}.", file=sys.stderr)
        return 2
    if not entries:
        print("Ingen vurderinger gemt" + (" for det valg." if area or indicator else "."))
        return 0
    for entry in entries:
        print(history_line(entry, dataset))
    return 0


def history_line(entry: Assessment, dataset: Dataset) -> str:
    """One entry as Danish text: when, what, who, old → new value, reason and evidence."""
    from selection.assessments.wording import date_text, number_text, time_text

    names = dataset.areas["name"].to_dict()
    try:
        label = dataset.model.indicator(entry.indicator_id).label
    except KeyError:
        label = entry.indicator_id
    who = entry.assessor_text + (f" ({entry.assessor_role})" if entry.assessor_role else "")
    old = "–" if entry.previous_value is None else number_text(entry.previous_value)
    lines = [
        f"{time_text(entry.recorded_at)} · {names.get(entry.area_id, entry.area_id)} · {label} "
        f"(version {entry.version})",
        f"  {who}: {old} → {number_text(entry.value)} (vurderet {date_text(entry.assessed_on)})",
        "  Begrundelse: " + " / ".join(entry.reason.splitlines()),
    ]
    if entry.evidence:
        lines.append(f"  Dokumentation: {entry.evidence}")
    if entry.stored_by:
        lines.append(f"  Gemt af: {entry.stored_by}")
    return "\n".join(lines)
