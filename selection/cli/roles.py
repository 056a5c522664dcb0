"""``python -m selection roles list|assign|log``: roles in the store, from the command line."""

from __future__ import annotations

import argparse

from selection.access.policy import role_id
from selection.cli import arguments
from selection.text.formatting import moment_text

NO_ACCESS_WORDS = ("ingen", "none")


def add_parser(sub: argparse._SubParsersAction, command: str) -> None:
    """Add ``roles list|assign|log``."""
    cmd = sub.add_parser(command, help="Roller: vis, tildel (som lokal administrator), vis ændringsloggen.")
    actions = cmd.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="Vis hvem der har hvilken rolle.")
    assign = actions.add_parser("assign", help="Giv en bruger en rolle (Læser, Planlægger, Administrator eller ingen).")
    assign.add_argument("principal", help="brugerens e-mail (eller sub:<udbyderens bruger-id>)")
    assign.add_argument("role", help="Læser, Planlægger, Administrator eller 'ingen' (ingen adgang)")
    assign.add_argument("--reason", required=True, help="hvorfor (gemmes i historikken)")
    arguments.add_user(assign)
    actions.add_parser("log", help="Vis ændringsloggen: importer, nulstillinger og gendannelser.")


def run(args: argparse.Namespace) -> int:
    """Run a ``roles`` action as the command line's actor; errors propagate to ``cli.main`` (Danish, exit 2)."""
    from selection.access import assign_role, change_history, current_assignments, roles, seed_roles
    from selection.storage.database import open_store  # local imports: the database layer loads only for this command

    actor = arguments.cli_actor(args)
    engine = open_store()
    try:
        seed_roles(engine, actor.policy)
        if args.action == "assign":
            wanted = None if args.role.strip().casefold() in NO_ACCESS_WORDS else role_id(args.role, "rollen")
            saved = assign_role(engine, actor, args.principal, wanted, args.reason)
            label = roles(engine)[wanted].label if wanted else "ingen adgang"
            print(f"{saved.principal} har nu rollen {label} (registreret af {saved.assigned_by}).")
            return 0
        if args.action == "log":
            log = change_history(engine)
            for change in log:
                print(
                    f"{moment_text(change['at'])} · {change['action']} · {change['by']} "
                    f"({change['method']}) · {change['detail']}"
                )
            if not log:
                print("Ændringsloggen er tom.")
            return 0
        labels = {r.id: r.label for r in roles(engine).values()}
        entries = current_assignments(engine)
        for e in entries:
            print(
                f"{e.principal}: {labels.get(e.role_id, 'ingen adgang') if e.role_id else 'ingen adgang'} "
                f"(tildelt af {e.assigned_by}, {moment_text(e.assigned_at)}: {e.reason})"
            )
        if not entries:
            print(
                "Ingen roller er tildelt endnu (ukendte brugere får rollen fra SELECTION_UNKNOWN_ROLE, standard Læser)."
            )
        return 0
    finally:
        engine.dispose()
