"""The assessment database: engine (SQLite/PostgreSQL), tables, versioned schema, errors.

``open_store()`` is the one call the app and the command line use: it opens the database
named by ``SELECTION_DB_URL`` (default: a SQLite file beside the import store) and brings its
schema up to date.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from selection import config
from selection.config import database_url
from selection.storage.database.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from selection.storage.database.engine import open_engine, read_connection, write_transaction
    from selection.storage.database.schema import current_revision, head_revision, upgrade

# Loaded on first use, so that reading a data package (e.g. ``python -m selection rank``) does not
# import SQLAlchemy and Alembic when there is no database to read.
_LAZY = {
    "DEFAULT_BUSY_TIMEOUT_S": "engine",
    "open_engine": "engine",
    "read_connection": "engine",
    "sqlite_file": "engine",
    "write_transaction": "engine",
    "current_revision": "schema",
    "head_revision": "schema",
    "upgrade": "schema",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "StoreError",
    "current_revision",
    "database_url",
    "head_revision",
    "open_engine",
    "open_store",
    "read_connection",
    "store_exists",
    "upgrade",
    "write_transaction",
]


def store_exists(url: str | None = None) -> bool:
    """False only for a SQLite file that does not exist yet (other databases: True)."""
    url = url or config.database_url_setting()
    if not url:  # the default SQLite file: no URL to parse, so no database layer to load
        return config.default_sqlite_path().exists()
    from selection.storage.database.engine import sqlite_file

    try:
        path = sqlite_file(url)
        return path is None or path.exists()
    except (StoreError, OSError):  # an address that cannot be used: opening it says why (StoreError)
        return True


def open_store(url: str | None = None, busy_timeout_s: float | None = None) -> Engine:
    """Open the database and migrate it to the newest schema; raise StoreError (Danish) on failure.

    A database already at ``revision.HEAD_REVISION`` is only read (Alembic is not imported).

    ``busy_timeout_s`` None: ``engine.DEFAULT_BUSY_TIMEOUT_S``.
    """
    from selection.storage.database.engine import DEFAULT_BUSY_TIMEOUT_S, is_read_only, open_engine
    from selection.storage.database.revision import at_head

    engine = open_engine(url, DEFAULT_BUSY_TIMEOUT_S if busy_timeout_s is None else busy_timeout_s)
    try:
        if not at_head(engine):  # at the newest schema (every start but the first): no Alembic import
            if is_read_only(engine) or config.read_only():  # reading never migrates (a write)
                raise StoreError(
                    "Databasen har ikke dette programs skemaversion og kan ikke opdateres, fordi den er "
                    "skrivebeskyttet (SELECTION_READ_ONLY eller filens rettigheder). Åbn den én gang med "
                    "skriveadgang, så opdateres den. Intet er ændret."
                )
            from selection.storage.database.schema import upgrade

            upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine
