"""The assessment database: engine (SQLite/PostgreSQL), tables, versioned schema, errors.

``open_store()`` is the one call the app and the command line use: it opens the database
named by ``SELECTION_DB_URL`` (default: a SQLite file beside the import store) and brings its
schema up to date.
"""

from __future__ import annotations

from sqlalchemy import Engine

from .engine import DEFAULT_BUSY_TIMEOUT_S, database_url, open_engine, read_connection, sqlite_file, write_transaction
from .errors import StoreError
from .schema import current_revision, head_revision, upgrade

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
    path = sqlite_file(url or database_url())
    return path is None or path.exists()


def open_store(url: str | None = None, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S) -> Engine:
    """Open the database and migrate it to the newest schema; raise StoreError (Danish) on failure."""
    engine = open_engine(url, busy_timeout_s)
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine
