"""``python -m selection scenario list|show|export|import`` and the scenario options of ``rank``.

Errors are Danish ``ScenarioError``/``StoreError`` for ``selection.cli.main.main`` (exit 2). The export is
JSON that ``import`` reads back (name, rationale, author, time, archived, settings per scenario).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from selection.data.criteria import CriteriaModel
from selection.data.dataset import Dataset
from selection.scenarios import resolve
from selection.scenarios.exchange import export_data, read_export
from selection.scenarios.query import WORD_RULES, parse_rule_text
from selection.scenarios.rules import describe
from selection.scenarios.settings import ScenarioError, ScenarioSettings, parse_settings
from selection.text.form_fields import clean_text, name_key

if TYPE_CHECKING:  # the scenario store (SQLAlchemy) loads when a scenario is read or written
    from sqlalchemy import Engine


def exclude_arg(text: str) -> str:
    """argparse type of ``--exclude``: a rule written as in links (checked against the data later)."""
    word = text.partition(":")[0]
    if word not in WORD_RULES or ":" not in text or len(text) > 500:
        raise argparse.ArgumentTypeError(
            f"'{text[:40]}' er ikke en regel; skriv fx listestatus:verified+inferred, minscore:need:40, "
            "minvaerdi:INDIKATOR:3, maxvaerdi:INDIKATOR:3 eller aktoer:SEKTOR:500."
        )
    return text


def add_rank_options(rank: argparse.ArgumentParser) -> None:
    rank.add_argument(
        "--scenario",
        metavar="NAVN|NR",
        help="brug et gemt scenarie (navn eller nummer) eller et udgangspunkt fra scenarios.json (nøgle "
        "eller navn): vægte, delvægte, afstand og udelukkelsesregler",
    )
    rank.add_argument(
        "--exclude",
        type=exclude_arg,
        action="append",
        default=[],
        metavar="REGEL",
        help="udeluk områder før rangeringen (kan gentages): listestatus:verified+inferred, "
        "minscore:KRITERIUM:40, minvaerdi:INDIKATOR:3, maxvaerdi:INDIKATOR:3, aktoer:SEKTOR:500",
    )


def add_scenario_command(sub: argparse._SubParsersAction) -> None:
    from selection.cli.main import OVERWRITE_HELP, _add_user, _file, _folder

    cmd = sub.add_parser("scenario", help="Gemte vægtningsscenarier: vis, eksportér og importér.")
    actions = cmd.add_subparsers(dest="action", required=True)
    show_all = actions.add_parser("list", help="Vis scenarierne (gemte og udgangspunkter fra datapakken).")
    show_all.add_argument("--all", action="store_true", help="medtag arkiverede scenarier")
    show = actions.add_parser("show", help="Vis ét scenarie med indstillinger og historik.")
    show.add_argument("scenario", metavar="NAVN|NR")
    export = actions.add_parser("export", help="Skriv scenarier som JSON (kan læses igen med import).")
    export.add_argument("scenarios", nargs="*", metavar="NAVN|NR", help="kun disse (standard: alle aktive)")
    export.add_argument("--all", action="store_true", help="medtag arkiverede scenarier")
    export.add_argument("--out", type=_file, help="JSON-fil (standard: skriv til stdout)")
    export.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    load = actions.add_parser("import", help="Indlæs scenarier fra en JSON-fil fra export (nye scenarier).")
    load.add_argument("file", type=_file)
    load.add_argument(
        "--author", default=None, help="forfatteren, der står på de importerede scenarier (standard: navnet fra --user)"
    )
    _add_user(load)
    for action in (show_all, show, export, load):
        action.add_argument(
            "--data", type=_folder, default=None, help="datamappe (standard: importen eller data/areas)"
        )


def _warn(problem: str) -> None:
    print(f"ADVARSEL: {problem}", file=sys.stderr)


def resolve_scenario(
    reference: str, engine: Engine | None, data_dir: Path, model: CriteriaModel
) -> tuple[dict[str, Any], ScenarioSettings]:
    """A stored scenario or a starting point, with warnings about ``scenarios.json`` on stderr."""
    return resolve.resolve_scenario(reference, engine, data_dir, model, _warn)


def rank_settings(args: argparse.Namespace, dataset: Dataset, weights: dict[str, float]) -> ScenarioSettings:
    """The settings ``rank`` uses: a scenario's, or --weights/--distance/--exclude."""
    model = dataset.model
    if args.scenario is not None:
        if args.weights or args.exclude or args.distance is not None:
            raise ScenarioError(
                "--scenario kan ikke bruges sammen med --weights, --distance eller --exclude: "
                "scenariet fastlægger dem selv."
            )
        from selection.storage.database import open_store, store_exists

        engine = open_store() if store_exists() else None
        try:
            _, settings = resolve.resolve(args.scenario, engine, Path(args.data), model, _warn)
        finally:
            if engine is not None:
                engine.dispose()
        return settings
    rules = [parse_rule_text(text, model).to_dict() for text in args.exclude]
    distance = float(model.actor_distance_m) if args.distance is None else args.distance
    return parse_settings({"weights": weights, "distance_m": distance, "rules": rules}, model)


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


def run_scenario_command(args: argparse.Namespace) -> int:
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
                print(f"{s.id}\t{s.name}{flag}\tversion {s.version}\t{s.author}\t{s.recorded_at:%Y-%m-%d %H:%M} UTC")
            for d in resolve.starting_points(data_dir, model, _warn):
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
                print(f"  version {h.version}: {h.recorded_at:%Y-%m-%d %H:%M} UTC, {h.author}{stored}{reason}")
            return 0
        if args.action == "export":
            chosen = (
                [find_scenario(engine, ref) for ref in args.scenarios]
                if args.scenarios
                else list_scenarios(engine, include_archived=args.all)
            )
            data = (json.dumps(export_data(chosen), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
            from selection.cli.main import _emit

            _emit(args, data, f"Skrev {len(chosen)} scenarier")  # --out or standard output, as every command
            return 0
        from selection.cli.main import cli_actor

        actor = cli_actor(args)  # a named local administrator (--user), recorded on every imported version
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
