"""Change the data package in use, with rights: apply an import, go back to the bundled data, restore an import.

Each change checks the actor's role and writes its change-log entry in one database transaction around the file
change (``selection.storage.packages`` does the file work under its lock): a refused or failed change writes
nothing, and a change is never stored without its entry.
"""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from selection.access import IMPORT_DATA, RESET_DATA, Actor
from selection.data.dataset import Dataset
from selection.errors import DataError
from selection.importing.plan import ImportPlan
from selection.storage.packages import import_folder_problem, package_dir, restore_newest, set_aside, write_import

if TYPE_CHECKING:  # the database layer loads only when a change is written
    from sqlalchemy import Engine


@contextlib.contextmanager
def _checked(actor: Actor, engine: Engine | None, permission: str, action: str) -> Iterator[dict[str, str]]:
    """Check the actor's role in the store and log the change (``note['detail']``) when the body succeeds.

    ``engine`` None opens the default store (``$SELECTION_DB_URL`` or the SQLite file) for the call.
    """
    from selection.access import authorize, log_change  # local imports: reading needs no database layer
    from selection.storage.database import open_store, write_transaction

    own = engine is None
    engine = open_store() if engine is None else engine
    try:
        with write_transaction(engine, lock_table="change_log") as conn:
            authorize(conn, actor, permission)
            note = {"detail": ""}
            yield note
            if note["detail"]:
                log_change(conn, actor, action, note["detail"])
    finally:
        if own:
            engine.dispose()


def apply_import(
    plan: ImportPlan, data_dir: Path | str | None = None, *, actor: Actor, engine: Engine | None = None
) -> Dataset:
    """Write the plan's candidate package as a new version and make it current; return the loaded result.

    Administrators only (AccessDenied otherwise, nothing changed); the import records who made it in the
    package's metadata and in the store's change log.
    """
    if not plan.ok:
        raise DataError(plan.report if plan.report.errors else "Der er intet at importere.")
    with _checked(actor, engine, IMPORT_DATA, "import") as note:
        loaded = write_import(_candidate_with_history(plan, actor), data_dir, planned_on=plan.current.version)
        note["detail"] = f"Version {loaded.version}: " + ", ".join(f.name for f in plan.files)
        return loaded


def _candidate_with_history(plan: ImportPlan, actor: Actor) -> Dataset:
    """The plan's data set with the import recorded in its metadata and a new, unique version."""
    meta = dict(plan.current.meta)
    imports = list(meta.get("imports") or [])
    by = actor.identity
    imports += [
        {
            "file": f.name,
            "kind": f.kind,
            "imported_at": plan.imported_at,
            "details": f.details,
            "imported_by": by.label,
            "imported_by_subject": by.subject,
            "imported_by_method": by.method,
        }
        for f in plan.files
    ]
    base = str(meta.get("version", "ukendt")).split("+import-")[0]
    stamp = plan.imported_at.replace(":", "").replace("-", "")
    meta["version"] = f"{base}+import-{stamp}-{uuid.uuid4().hex[:8]}"
    meta["imports"] = imports
    return dataclasses.replace(plan.candidate(), meta=meta)


def reset_import(data_dir: Path | str | None = None, *, actor: Actor, engine: Engine | None = None) -> Path | None:
    """Stop using the stored import: the bundled package is used again (administrators only).

    The import is not deleted: it is marked as set aside (``restore_import`` brings the newest
    back). Returns its folder, or None if no import was in use.
    """
    d = package_dir(data_dir)
    if problem := import_folder_problem(d):
        raise DataError(problem)
    with _checked(actor, engine, RESET_DATA, "reset") as note:
        package = set_aside(d)
        if package is not None:
            note["detail"] = f"Importen {package.name} er sat til side; det medleverede datasæt bruges."
        return package


def restore_import(data_dir: Path | str | None = None, *, actor: Actor, engine: Engine | None = None) -> Dataset:
    """Use the newest import set aside by ``reset_import`` again (administrators only); a copy that no
    longer loads is skipped."""
    with _checked(actor, engine, RESET_DATA, "restore") as note:
        package, restored = restore_newest(data_dir)
        note["detail"] = f"Importen {package.name} (version {restored.version}) bruges igen."
        return restored
