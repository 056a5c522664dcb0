"""Versioned schema: Alembic migrations shipped in ``migrations/``, run from code (no alembic.ini)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from selection.storage.database.engine import read_connection, write_transaction
from selection.storage.database.errors import StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
PG_MIGRATION_LOCK = 0x5E1EC7  # advisory lock key: one migrating process at a time


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the shipped migrations (and at ``connection`` if given)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest schema revision this program knows."""
    head = _scripts().get_current_head()
    assert head is not None
    return head


def known_revisions() -> list[str]:
    """All revisions this program knows, oldest first."""
    return [s.revision for s in reversed(list(_scripts().walk_revisions()))]


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision (None for an empty database)."""
    with read_connection(engine) as conn:
        return _current(conn)


def _current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _check_known(revision: str | None) -> None:
    if revision is not None and revision not in known_revisions():
        raise StoreError(
            f"Databasen har skemaversionen '{revision}', som dette program ikke kender; den er sandsynligvis "
            "lavet af en nyere version af programmet. Opdatér programmet. Intet er ændret."
        )


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: newest); refuse one from a newer program.

    A database already at the newest revision is only read, so a read-only file still opens.
    """
    found = current_revision(engine)
    _check_known(found)
    if revision == "head" and found == head_revision():
        return
    with write_transaction(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
        _check_known(_current(conn))  # another process may have migrated meanwhile
        command.upgrade(alembic_config(conn), revision)
