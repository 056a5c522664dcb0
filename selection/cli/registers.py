"""``python -m selection initiatives|actors list|export|import|history``: the registers of issue 28.

The same store the app uses ($SELECTION_DB_URL or the SQLite file). Errors are Danish ``RegisterError`` /
``AccessDenied`` / ``StoreError`` for ``selection.cli.main.main`` (exit 2). Text from the registers is printed
through ``printable`` (no control characters reach the terminal).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from selection.cli import arguments
from selection.cli.files import OutputFormats, emit
from selection.text.formatting import moment_text
from selection.text.literal import printable

if TYPE_CHECKING:
    from selection.registers.model import Actor as ActorRecord
    from selection.registers.model import Initiative

INITIATIVES, ACTORS = "initiatives", "actors"
FORMATS = ["excel-da", "xlsx"]
OUTPUT_FORMATS: OutputFormats = {
    (INITIATIVES, "export"): (FORMATS, "excel-da"),
    (ACTORS, "export"): (FORMATS, "excel-da"),
}
WORDS = {  # command -> (the register, one record, records)
    INITIATIVES: ("indsatsregistret", "indsats", "indsatser"),
    ACTORS: ("aktørregistret", "aktør", "aktører"),
}


def add_parser(sub: argparse._SubParsersAction, command: str) -> None:
    """Add ``initiatives`` or ``actors`` with ``list|export|import|history``."""
    register, one, many = WORDS[command]
    cmd = sub.add_parser(command, help=f"Registret over {many}: vis, eksportér, importér, historik.")
    actions = cmd.add_subparsers(dest="action", required=True)
    show = actions.add_parser("list", help=f"Vis de gældende {many}.")
    show.add_argument("--all", action="store_true", help="medtag tilbagetrukne")
    export = actions.add_parser("export", help=f"Skriv {register} som CSV til dansk Excel eller XLSX.")
    export.add_argument(
        "--format", choices=FORMATS, default=None, help="format (standard: efter --out's filendelse, ellers excel-da)"
    )
    export.add_argument("--out", type=arguments.file, help="filen, der skrives (standard: skriv til stdout)")
    export.add_argument("--overwrite", action="store_true", help=arguments.OVERWRITE_HELP)
    load = actions.add_parser(
        "import", help=f"Indlæs en CSV- eller XLSX-fil: rækker uden id bliver nye {many}; alt eller intet."
    )
    load.add_argument("file", type=arguments.file, help="filen (CSV eller XLSX, som export skriver den)")
    load.add_argument("--reason", default=None, help="årsagen til ændringerne (standard: 'Indlæst fra FIL')")
    arguments.add_user(load)
    hist = actions.add_parser("history", help=f"Vis alle versioner af én {one}.")
    hist.add_argument("id", help=f"id'et, fx {'i' if command == INITIATIVES else 'a'}-000001")
    for action in (show, export, load, hist):
        action.add_argument(
            "--data", type=arguments.folder, default=None, help="datamappe (standard: importen eller data/areas)"
        )


def say(*fields: object) -> None:
    """One line on standard output: the fields separated by tabs, each without control characters."""
    print("\t".join(printable(f) for f in fields))


def run(args: argparse.Namespace) -> int:
    """Run one action; errors propagate to ``cli.main`` (Danish, exit 2)."""
    from selection.data.dataset import load_dataset
    from selection.registers import exchange, store
    from selection.registers.package import package_records
    from selection.registers.vocabulary import load_vocabulary
    from selection.storage.database import open_store
    from selection.storage.packages import active_data_dir
    from selection.text.formatting import local_today

    data_dir = Path(args.data) if args.data is not None else active_data_dir()
    dataset = load_dataset(data_dir)
    vocabulary = load_vocabulary(data_dir)
    package = package_records(dataset, vocabulary, local_today())  # the package's records: version 0
    sectors = dataset.model.sector_labels
    initiatives = args.command == INITIATIVES
    _, one, many = WORDS[args.command]
    engine = open_store()
    try:
        if args.action == "list":
            entries: list[store.Entry[Initiative]] | list[store.Entry[ActorRecord]] = (
                store.current_initiatives(engine, include_withdrawn=args.all, base=package.initiatives)
                if initiatives
                else store.current_actors(engine, include_withdrawn=args.all, base=package.actors)
            )
            if not entries:
                say(f"Ingen {many} registreret.")
            for e in entries:
                kind = (
                    vocabulary["initiative_types"].label(e.record.type)  # type: ignore[union-attr]
                    if initiatives
                    else sectors.get(e.record.sector, e.record.sector)  # type: ignore[union-attr]
                )
                flag = " (trukket tilbage)" if e.withdrawn else ""
                areas = ", ".join(e.record.area_ids) or "–"
                shown = "datapakken" if e.from_package else f"version {e.version}"
                say(e.id, f"{e.record.name}{flag}", kind, areas, shown)
            return 0
        if args.action == "export":
            if initiatives:
                listed = store.current_initiatives(engine, base=package.initiatives)
                data = exchange.export_initiatives(listed, vocabulary, args.format)
                count = len(listed)
            else:
                current = store.current_actors(engine, base=package.actors)
                data = exchange.export_actors(current, vocabulary, sectors, args.format)
                count = len(current)
            emit(args, data, f"Skrev {count} {one if count == 1 else many}")
            return 0
        if args.action == "import":
            actor = arguments.cli_actor(args)
            if initiatives:
                outcome = exchange.import_initiatives(
                    engine,
                    actor,
                    vocabulary,
                    dataset.area_ids,
                    args.file,
                    change_reason=args.reason,
                    base=package.initiatives,
                )
            else:
                outcome = exchange.import_actors(
                    engine,
                    actor,
                    vocabulary,
                    sectors,
                    dataset.area_ids,
                    args.file,
                    change_reason=args.reason,
                    base=package.actors,
                )
            for line, rid, _ in outcome.added:
                say(f"Linje {line}: ny {one} {rid}")
            for line, rid, version in outcome.changed:
                say(f"Linje {line}: {rid} ændret (version {version})")
            say(
                f"Indlæst fra {args.file.name}: {len(outcome.added)} nye, {len(outcome.changed)} ændrede, "
                f"{len(outcome.unchanged)} uændrede."
            )
            return 0
        history: list[store.Entry[Initiative]] | list[store.Entry[ActorRecord]] = (
            store.initiative_history(engine, args.id, base=package.initiatives)
            if initiatives
            else store.actor_history(engine, args.id, base=package.actors)
        )
        say(f"{history[-1].record.name} ({args.id})")
        for h in history:
            if h.recorded_at is None:
                say("  version 0: datapakkens version")
                continue
            what = "trukket tilbage" if h.withdrawn else ("registreret" if h.version == 1 else "ændret")
            stored = f", gemt af {h.stored_by}" if h.stored_by else ""
            reason = f" – {' / '.join(h.change_reason.splitlines())}" if h.change_reason else ""
            say(f"  version {h.version}: {moment_text(h.recorded_at)}, {what}{stored}{reason}")
        return 0
    finally:
        engine.dispose()
