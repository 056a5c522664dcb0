"""``python -m selection scenario list|show|export|import``: saved scenarios and starting points.

Errors are Danish ``ScenarioError``/``StoreError`` for ``selection.cli.main.main`` (exit 2). The export is
JSON that ``import`` reads back (``selection.scenarios.exchange``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from selection.cli import arguments
from selection.cli.files import OutputFormats, emit, warn
from selection.data.criteria import CriteriaModel
from selection.scenarios.exchange import export_data, read_export
from selection.scenarios.resolve import starting_points
from selection.scenarios.rules import describe
from selection.scenarios.settings import ScenarioError, ScenarioSettings
from selection.text.form_fields import clean_text, name_key
from selection.text.formatting import moment_text

OUTPUT_FORMATS: OutputFormats = {("scenario", "export"): (["json"], "json")}


def add_parser(sub: argparse._SubParsersAction, command: str) -> None:
    """Add ``scenario list|show|export|import``."""
    cmd = sub.add_parser(command, help="Gemte vægtningsscenarier: vis, eksportér og importér.")
    actions = cmd.add_subparsers(dest="action", required=True)
    show_all = actions.add_parser("list", help="Vis scenarierne (gemte og udgangspunkter fra datapakken).")
    show_all.add_argument("--all", action="store_true", help="medtag arkiverede scenarier")
    show = actions.add_parser("show", help="Vis ét scenarie med indstillinger og historik.")
    show.add_argument("scenario", metavar="NAVN|NR")
    export = actions.add_parser("export", help="Skriv scenarier som JSON (kan læses igen med import).")
    export.add_argument("scenarios", nargs="*", metavar="NAVN|NR", help="kun disse (standard: alle aktive)")
    export.add_argument("--all", action="store_true", help="medtag arkiverede scenarier")
    export.add_argument("--out", type=arguments.file, help="JSON-fil (standard: skriv til stdout)")
    export.add_argument("--overwrite", action="store_true", help=arguments.OVERWRITE_HELP)
    load = actions.add_parser("import", help="Indlæs scenarier fra en JSON-fil fra export (nye scenarier).")
    load.add_argument("file", type=arguments.file)
    load.add_argument(
        "--author", default=None, help="forfatteren, der står på de importerede scenarier (standard: navnet fra --user)"
    )
    arguments.add_user(load)
    for action in (show_all, show, export, load):
        action.add_argument(
            "--data", type=arguments.folder, default=None, help="datamappe (standard: importen eller data/areas)"
        )


def settings_lines(settings: ScenarioSettings, model: CriteriaModel) -> list[str]:
    total = sum(settings.weights.values()) or 1.0
    lines = [
        "Vægte: "
        + ", ".join(f"{model.criterion(c).label} {100 * w / total:.0f} %" for c, w in settings.weights.items())
    ]
    changed = [
        f"{model.indicator(i).label} {w:g}"
        for i, w in settings.sub_weights.items()
        if w != model.default_sub_weights[i]
    ]
    lines.append("Delvægte: " + (", ".join(changed) if changed else "som i datapakken"))
    lines.append(f"Afstand til aktører: {settings.distance_m:g} m")
    lines += [f"Udelukkelsesregel: {describe(r, model)}" for r in settings.rules] or ["Ingen udelukkelsesregler"]
    return lines


def run(args: argparse.Namespace) -> int:
    """Run a ``scenario`` action; errors propagate to ``cli.main`` (Danish, exit 2)."""
    from selection.data.dataset import load_dataset
    from selection.scenarios.saved import MAX_TEXT, clean_name, find_scenario, history, import_scenarios, list_scenarios
    from selection.storage.database import open_store
    from selection.storage.packages import active_data_dir

    data_dir = Path(args.data) if args.data is not None else active_data_dir()
    model = load_dataset(data_dir).model
    engine = open_store()
    try:
        if args.action == "list":
            for s in list_scenarios(engine, include_archived=args.all):
                flag = " (arkiveret)" if s.archived else ""
                print(f"{s.id}\t{s.name}{flag}\tversion {s.version}\t{s.author}\t{moment_text(s.recorded_at)}")
            for d in starting_points(data_dir, model, warn):
                print(f"{d.key}\t{d.name}\tudgangspunkt fra datapakken")
            return 0
        if args.action == "show":
            found = find_scenario(engine, args.scenario)
            print(f"Scenarie nr. {found.id}: {found.name}" + (" (arkiveret)" if found.archived else ""))
            print(f"Begrundelse: {found.rationale}")
            for line in settings_lines(found.settings(model), model):
                print(line)
            print("Historik:")
            for h in history(engine, found.id):
                reason = f" – {h.change_reason}" if h.change_reason else ""
                stored = f" (gemt af {h.stored_by})" if h.stored_by else ""
                print(f"  version {h.version}: {moment_text(h.recorded_at)}, {h.author}{stored}{reason}")
            return 0
        if args.action == "export":
            chosen = (
                [find_scenario(engine, ref) for ref in args.scenarios]
                if args.scenarios
                else list_scenarios(engine, include_archived=args.all)
            )
            data = (json.dumps(export_data(chosen), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
            emit(args, data, f"Skrev {len(chosen)} scenarier")  # --out or standard output, as every command
            return 0
        actor = arguments.cli_actor(args)  # a named local administrator (--user), recorded on every imported version
        author = actor.identity.name if args.author is None else args.author
        entries = read_export(args.file, model)
        for name, rationale, _, _ in entries:  # every entry checked before anything is written
            clean_name(name)
            clean_text(rationale, "Begrundelsen", MAX_TEXT, required=True, multiline=True, error=ScenarioError)
        active = {name_key(s.name) for s in list_scenarios(engine)}
        clash = [str(name) for name, _, archived, _ in entries if not archived and name_key(str(name)) in active]
        if clash:
            raise ScenarioError(
                f"Der findes allerede scenarier med navnene: {', '.join(c[:120] for c in clash)}. Intet er importeret."
            )
        for saved in import_scenarios(engine, model, entries, author, actor=actor):  # all or nothing
            flag = " (arkiveret)" if saved.archived else ""
            print(f"Importeret som nr. {saved.id}: {saved.name}{flag}")
        return 0
    finally:
        engine.dispose()
