"""``python -m selection round list|new|invite|import|result|reveal|close``: the steering group's weighting rounds.

The same store the app uses ($SELECTION_DB_URL or the SQLite file). The command line acts as a named local
administrator (``--user``), who may run rounds; a round is named by its number or its name. Errors are Danish
``RoundError``/``ScenarioError``/``AccessDenied``/``StoreError`` for ``selection.cli.main.main`` (exit 2).
Every text that came from data or from a participant is printed through ``text.literal.printable``, so no
control character reaches the terminal raw, and an anonymous round never prints a participant's name.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from selection.cli import arguments
from selection.cli.files import OutputFormats, emit, warn
from selection.text.formatting import moment_text
from selection.text.literal import printable

if TYPE_CHECKING:  # SQLAlchemy and the rounds (which load it) are imported when an action runs
    from sqlalchemy import Engine

    from selection.rounds.model import Round
    from selection.workspace import Workspace

OUTPUT_FORMATS: OutputFormats = {("round", "result"): (["excel-da", "xlsx"], "excel-da")}
DEFAULT_BASE_URL = "http://localhost:8501/"
INVITE_PARAMETER = "deltag"
METHODS = ("mean", "median")
DATA_HELP = "datamappe (standard: importen eller data/areas)"
ROUND_HELP = "rundens nummer eller navn"
# How long an invitation link is valid: as ``rounds.store`` has them (not imported here: it loads SQLAlchemy,
# which building the parser for ``rank`` must not; a test holds the two equal).
DEFAULT_VALID_DAYS, MAX_VALID_DAYS = 30, 365


def add_parser(sub: argparse._SubParsersAction, command: str) -> None:
    """Add ``round list|new|invite|import|result|reveal|close``."""
    cmd = sub.add_parser(command, help="Vægtningsrunder: styregruppens medlemmer vægter, gruppen ser resultatet.")
    actions = cmd.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="Vis runderne: nummer, navn, status, anonym, svar/inviterede, oprettet.")

    new = actions.add_parser("new", help="Åbn en ny runde på et gemt scenarie eller datapakkens standardvægte.")
    new.add_argument("--name", required=True, metavar="NAVN", help="rundens navn (fx 'Styregruppemøde 3. marts')")
    new.add_argument(
        "--scenario",
        metavar="NAVN|NR",
        default=None,
        help="gemt scenarie, hvis indstillinger runden bygger på (standard: datapakkens standardindstillinger)",
    )
    new.add_argument("--anonymous", action="store_true", help="anonym runde: deltagerne vises kun som 'Deltager n'")
    new.add_argument("--sub-indicators", action="store_true", help="deltagerne må også vægte underindikatorerne")
    new.add_argument("--data", type=arguments.folder, default=None, help=DATA_HELP)

    invite = actions.add_parser("invite", help="Invitér en deltager og vis invitationslinket (vises kun én gang).")
    invite.add_argument("round", metavar="RUNDE", help=ROUND_HELP)
    invite.add_argument(
        "--name", default=None, metavar="NAVN", help="deltagerens navn (kan udelades i en anonym runde)"
    )
    invite.add_argument(
        "--email", default=None, metavar="E-MAIL", help="deltagerens e-mail, hvis de også kan logge ind"
    )
    invite.add_argument(
        "--days",
        type=lambda t: arguments.whole(t, "--days", 1, MAX_VALID_DAYS),
        default=DEFAULT_VALID_DAYS,
        metavar="DAGE",
        help=f"antal dage, linket gælder (standard {DEFAULT_VALID_DAYS}, højst {MAX_VALID_DAYS})",
    )
    invite.add_argument(
        "--base-url",
        type=base_url,
        default=DEFAULT_BASE_URL,
        metavar="ADRESSE",
        help=f"appens adresse, som linket peger på (standard {DEFAULT_BASE_URL})",
    )

    load = actions.add_parser("import", help="Indlæs svar indsamlet på papir (CSV eller XLSX, én række pr. deltager).")
    load.add_argument("round", metavar="RUNDE", help=ROUND_HELP)
    load.add_argument(
        "file",
        type=arguments.file,
        metavar="FIL",
        help="kolonnerne Navn, ét kriterium hver (id eller navn) og evt. Begrundelse",
    )
    load.add_argument("--data", type=arguments.folder, default=None, help=DATA_HELP)

    result = actions.add_parser("result", help="Skriv gruppens resultat (CSV til dansk Excel eller XLSX).")
    result.add_argument("round", metavar="RUNDE", help=ROUND_HELP)
    result.add_argument("--out", type=arguments.file, required=True, help="filen, der skrives")
    result.add_argument(
        "--format",
        choices=["excel-da", "xlsx"],
        default=None,
        help="filens format (standard: efter --out's filendelse, ellers excel-da)",
    )
    result.add_argument("--overwrite", action="store_true", help=arguments.OVERWRITE_HELP)
    result.add_argument(
        "--method",
        choices=METHODS,
        default="mean",
        help="gruppens vægte: gennemsnit (mean, standard) eller median af deltagernes vægte",
    )
    result.add_argument("--data", type=arguments.folder, default=None, help=DATA_HELP)

    reveal = actions.add_parser("reveal", help="Vis resultatet for gruppen (svar kan stadig ændres).")
    reveal.add_argument("round", metavar="RUNDE", help=ROUND_HELP)
    close = actions.add_parser("close", help="Luk runden: ingen flere svar, alle links holder op med at virke.")
    close.add_argument("round", metavar="RUNDE", help=ROUND_HELP)
    for action in (new, invite, load, result, reveal, close):
        arguments.add_user(action)


def base_url(text: str) -> str:
    """An http(s) address without a fragment (the invitation code is added as ``?deltag=``)."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
        raise argparse.ArgumentTypeError(
            f"'{printable(text)[:80]}' er ikke en adresse som http://localhost:8501/ eller https://app.eksempel.dk/."
        )
    return text.strip()


def invitation_link(base: str, code: str) -> str:
    """``base`` with ``?deltag=CODE`` (other query parameters of ``base`` are kept)."""
    parts = urlsplit(base)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != INVITE_PARAMETER]
    path = parts.path or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode([*query, (INVITE_PARAMETER, code)]), ""))


def say(text: object = "") -> None:
    """Print one line of output with every control character made visible (see ``printable``)."""
    print(printable(text))


def run(args: argparse.Namespace) -> int:
    """Run a ``round`` action; a Danish error (with any control characters made visible) propagates to
    ``cli.main`` (exit 2)."""
    from selection.rounds.model import RoundError
    from selection.storage.database import open_store

    engine = open_store()
    try:
        return _ACTIONS[args.action](engine, args)
    except ValueError as exc:  # RoundError, ScenarioError, AccessDenied, UsageError: the message may quote data
        clean = printable(str(exc))
        if clean != str(exc):
            raise RoundError(clean) from None
        raise
    finally:
        engine.dispose()


def _workspace(engine: Engine, args: argparse.Namespace) -> Workspace:
    from selection.data.dataset import load_dataset
    from selection.storage.packages import active_data_dir
    from selection.workspace import workspace_of

    package = load_dataset(args.data if args.data is not None else active_data_dir())
    return workspace_of(package, engine)


def _state(item: Round) -> str:
    from selection.rounds.model import STATE_TEXT

    return STATE_TEXT.get(item.state, item.state)


def _list(engine: Engine, args: argparse.Namespace) -> int:
    from selection.rounds.store import list_rounds, progress

    found = list_rounds(engine)
    if not found:
        say("Der er ingen vægtningsrunder endnu. Åbn en med 'round new --name NAVN'.")
        return 0
    for item in found:
        count = progress(engine, item.id)
        fields = (
            str(item.id),
            item.name,
            _state(item),
            "anonym" if item.anonymous else "med navne",
            f"{count.answered}/{count.invited} har svaret",
            f"oprettet {moment_text(item.created_at)} af {item.created_by}",
        )
        print("\t".join(printable(f) for f in fields))  # the tabs separate the columns; no field holds one raw
    return 0


def _scenario_ref(ref: str) -> str:
    from selection.scenarios.settings import ScenarioError

    text = ref.strip()
    if text.isdigit() and not text.isascii():  # '²' is a digit to Python, but no scenario number
        raise ScenarioError(f"'{text[:40]}' er ikke et scenarienummer; skriv et helt tal som 3 eller et navn.")
    return text


def _new(engine: Engine, args: argparse.Namespace) -> int:
    from selection.rounds.store import open_round
    from selection.scenarios.saved import find_scenario
    from selection.scenarios.settings import default_settings

    dataset = _workspace(engine, args).dataset
    model = dataset.model
    actor = arguments.cli_actor(args)
    if args.scenario is not None:
        scenario = find_scenario(engine, _scenario_ref(args.scenario))
        item = open_round(
            engine,
            actor,
            model,
            name=args.name,
            settings=scenario.settings(model),
            data_version=dataset.version,
            anonymous=args.anonymous,
            scenario_id=scenario.id,
            scenario_version=scenario.version,
            scenario_name=scenario.name,
            sub_indicators=args.sub_indicators,
        )
        basis = f"scenariet '{scenario.name}' (nr. {scenario.id}, version {scenario.version})"
    else:
        item = open_round(
            engine,
            actor,
            model,
            name=args.name,
            settings=default_settings(model),
            data_version=dataset.version,
            anonymous=args.anonymous,
            sub_indicators=args.sub_indicators,
        )
        basis = "datapakkens standardindstillinger"
    say(f"Åbnede vægtningsrunde nr. {item.id}: {item.name}" + (" (anonym)" if item.anonymous else ""))
    say(f"Indstillinger: {basis}; data version {item.data_version}.")
    say(f"Invitér deltagere med: python -m selection round invite {item.id} --name NAVN")
    return 0


def _invite(engine: Engine, args: argparse.Namespace) -> int:
    from selection.rounds.store import find_round, invite

    item = find_round(engine, args.round)
    made = invite(
        engine,
        arguments.cli_actor(args),
        item.id,
        name=args.name,
        principal=args.email or None,
        with_code=True,
        valid_days=args.days,
    )
    who = made.participant.label(item.anonymous)
    say(f"Inviterede {who} til runde nr. {item.id}: {item.name}.")
    if args.email:
        say("Deltageren kan også svare ved at logge ind med den e-mail.")
    if made.code:
        say(f"Invitationslink (gælder {args.days} dage; vises kun denne ene gang):")
        say(invitation_link(args.base_url, made.code))
    return 0


def _import(engine: Engine, args: argparse.Namespace) -> int:
    from selection.rounds.exchange import read_answers
    from selection.rounds.store import find_round, import_answers, labels

    model = _workspace(engine, args).dataset.model
    item = find_round(engine, args.round)
    answers = read_answers(args.file, model)  # every problem found before anything is written
    saved = import_answers(engine, arguments.cli_actor(args), model, item.id, answers)
    say(f"Indlæste {len(saved)} svar i runde nr. {item.id}: {item.name}.")
    shown = labels(engine, item)  # 'Deltager 3' in an anonymous round
    for s in saved:
        say(f"  {shown.get(s.number, s.number)}: svar version {s.version}")
    return 0


def _result(engine: Engine, args: argparse.Namespace) -> int:
    from selection.data.performance import build_performance
    from selection.rounds.exchange import result_file
    from selection.rounds.result import group_result
    from selection.rounds.store import (
        check_may_see_result,
        find_round,
        labels,
        round_settings,
        submissions,
    )

    dataset = _workspace(engine, args).dataset
    item = find_round(engine, args.round)
    check_may_see_result(engine, arguments.cli_actor(args), item)
    settings = round_settings(item, dataset.model)
    if item.data_version and item.data_version != dataset.version:
        warn(
            printable(
                f"Runden blev åbnet på dataversion {item.data_version}; resultatet beregnes på data i brug nu "
                f"(version {dataset.version})."
            )
        )
    perf = build_performance(dataset, settings.distance_m)
    result = group_result(dataset, perf, settings, submissions(engine, item.id), labels(engine, item), args.method)
    data = result_file(result, item, dataset, perf, args.format)
    emit(args, data, printable(f"Skrev resultatet af runde nr. {item.id} ({result.size} svar)"))
    say(result.sentence)
    if not item.revealed:
        print("Bemærk: Resultatet er endnu ikke vist for gruppen (brug 'round reveal').", file=sys.stderr)
    return 0


def _reveal(engine: Engine, args: argparse.Namespace) -> int:
    from selection.rounds.store import find_round, reveal

    before = find_round(engine, args.round)
    item = reveal(engine, arguments.cli_actor(args), before.id)
    if before.revealed:
        say(f"Resultatet af runde nr. {item.id} ({item.name}) var allerede vist for gruppen.")
    else:
        say(f"Resultatet af runde nr. {item.id} ({item.name}) er nu vist for gruppen; svar kan stadig ændres.")
    return 0


def _close(engine: Engine, args: argparse.Namespace) -> int:
    from selection.rounds.store import close, find_round

    item = close(engine, arguments.cli_actor(args), find_round(engine, args.round).id)
    say(f"Runde nr. {item.id} ({item.name}) er lukket: ingen flere svar, og invitationslinkene virker ikke længere.")
    return 0


_ACTIONS = {
    "list": _list,
    "new": _new,
    "invite": _invite,
    "import": _import,
    "result": _result,
    "reveal": _reveal,
    "close": _close,
}
