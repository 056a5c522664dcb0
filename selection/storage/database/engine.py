"""Open the assessment database: SQLite (default, beside the import store) or PostgreSQL.

SQLite connections get WAL, ``busy_timeout``, ``foreign_keys=ON`` and ``synchronous=FULL`` on
every connect; pysqlite's own transaction handling is switched off (``isolation_level=None``)
so SQLAlchemy emits ``BEGIN`` itself, and ``BEGIN IMMEDIATE`` for write transactions (the
recipe in SQLAlchemy's pysqlite documentation, "Serializable isolation / Savepoints").
PostgreSQL is reached through psycopg 3 (``postgresql+psycopg://``).
"""

from __future__ import annotations

import os
import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry

from selection import config
from selection.errors import os_reason
from selection.storage.database.errors import StoreError, store_errors

DEFAULT_BUSY_TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 10  # PostgreSQL: seconds to wait for the server (the URL's own ?connect_timeout= wins)
WRITE_OPTION = "selection_write"  # execution option: this transaction reads then writes
_BUSY_TIMEOUTS: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()
_READ_ONLY: weakref.WeakSet[Engine] = weakref.WeakSet()  # SQLite engines opened with mode=ro


DB_URL_ENV = "SELECTION_DB_URL"  # named in messages: the setting a person changes (``selection.config``)


BAD_URL = f"{DB_URL_ENV} er ikke en gyldig database-adresse"


def parse_url(url: str) -> URL:
    """The parsed database address; StoreError (Danish) for one SQLAlchemy cannot read (e.g. a port that is
    not a number). The address itself is not repeated: it may hold a password."""
    try:
        return make_url(url)
    except (ArgumentError, ValueError, TypeError):
        raise StoreError(f"{BAD_URL}. Intet er ændret.") from None


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases or in-memory SQLite); StoreError for a bad URL."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    database = parsed.database
    if parsed.query.get("uri") == "true":  # sqlite:///file:/path?mode=ro&uri=true names /path
        if "mode=memory" in str(parsed) or database.startswith("file::memory:"):
            return None
        database = database.removeprefix("file:")
    return Path(database)


def open_engine(url: str | None = None, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S) -> Engine:
    """Create an engine for ``url`` (default ``config.database_url()``); raise StoreError for a bad URL."""
    url = url or config.database_url()
    parsed = parse_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, busy_timeout_s)
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        with store_errors(busy_timeout_s):
            timeout = {} if "connect_timeout" in parsed.query else {"connect_timeout": CONNECT_TIMEOUT_S}
            engine = _create(parsed, pool_pre_ping=True, connect_args=timeout)
        _BUSY_TIMEOUTS[engine] = busy_timeout_s
        return engine
    raise StoreError(f"Databasetypen '{backend}' understøttes ikke; brug SQLite eller PostgreSQL.")


def _create(url: str | URL, **options: Any) -> Engine:
    """``create_engine`` with the driver loaded and the URL's options read now, so that a driver that is not
    installed (e.g. ``postgresql+psycopg2://``) or an option the driver cannot read (``?timeout=abc``) gives a
    Danish StoreError here instead of a traceback at the first connection."""
    try:
        engine = create_engine(url, **options)
        engine.dialect.create_connect_args(engine.url)
    except ImportError:
        raise StoreError(
            f"{DB_URL_ENV} nævner en databasedriver, der ikke er installeret; brug sqlite:///… eller "
            "postgresql://… (psycopg 3). Intet er ændret."
        ) from None
    except (ArgumentError, ValueError, TypeError):
        raise StoreError(f"{BAD_URL}: en af dens indstillinger kan ikke bruges. Intet er ændret.") from None
    return engine


def _sqlite_engine(url: str, busy_timeout_s: float) -> Engine:
    path = sqlite_file(url)
    if path is None:  # in memory: one empty database per thread, everything gone at restart
        raise StoreError(
            f"{DB_URL_ENV} peger på en SQLite-database i hukommelsen, så gemte vurderinger og "
            "beslutninger ville forsvinde. Angiv en databasefil, fx sqlite:////sti/til/vurderinger.sqlite."
        )
    try:
        deployment_read_only = config.read_only()
    except config.ConfigError as exc:
        raise StoreError(str(exc)) from None
    try:
        if not deployment_read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        exists = path.exists()
    except OSError as exc:  # e.g. a name too long for the file system, or a file where a folder should be
        raise StoreError(
            f"Databasefilen {str(path)[:200]} eller dens mappe kan ikke oprettes ({os_reason(exc)}). Intet er ændret."
        ) from None
    # SELECTION_READ_ONLY or a file that may not be written: opened for reading only (SQLite's mode=ro), so reads
    # work and every write is refused by SQLite itself; a missing file is not created.
    read_only = deployment_read_only or (exists and not os.access(path, os.W_OK))
    if read_only and not exists:
        raise StoreError(
            f"Databasefilen {str(path)[:200]} findes ikke, og appen kører i skrivebeskyttet tilstand "
            "(SELECTION_READ_ONLY=1), så den oprettes ikke. Intet er ændret."
        )
    if not read_only and not os.access(path.parent, os.W_OK):  # WAL needs its -wal and -shm files beside it
        raise StoreError(f"Mappen {path.parent} er skrivebeskyttet, så databasen kan ikke bruges. Intet er ændret.")
    target: str | URL = url
    if read_only:
        query = {"mode": "ro", "uri": "true"}
        wal_files = [Path(f"{path}-wal"), Path(f"{path}-shm")]
        if not os.access(path.parent, os.W_OK) and not any(f.exists() for f in wal_files):
            # A WAL database needs its -shm file even to read; in a folder nobody may write, with no -wal (so
            # every change is in the file itself), SQLite reads the file as it is (immutable).
            query["immutable"] = "1"
        target = URL.create("sqlite", database="file:" + quote(str(path)), query=query)
    engine = _create(target, connect_args={"timeout": busy_timeout_s})
    if read_only:
        _READ_ONLY.add(engine)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see below)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if not read_only:  # changing the journal mode writes the file
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN")

    _BUSY_TIMEOUTS[engine] = busy_timeout_s
    return engine


def is_read_only(engine: Engine) -> bool:
    """Whether the engine was opened for reading only (SELECTION_READ_ONLY, or a SQLite file that may not be
    written): nothing may migrate or write through it."""
    return engine in _READ_ONLY


def busy_timeout(engine: Engine) -> float:
    """Seconds a statement waits for another writer before giving up."""
    return _BUSY_TIMEOUTS.get(engine, DEFAULT_BUSY_TIMEOUT_S)


@contextmanager
def write_transaction(engine: Engine, lock_table: str | None = None) -> Iterator[Connection]:
    """A transaction that may read and then write, serialised against other writers.

    SQLite: ``BEGIN IMMEDIATE`` (the write lock is taken before the first read). PostgreSQL:
    ``lock_table`` is locked in SHARE ROW EXCLUSIVE mode (writers queue, readers go on).
    Driver errors become ``StoreError``; the transaction is rolled back on any error.
    """
    with store_errors(busy_timeout(engine)), engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(text(f"SET LOCAL lock_timeout = '{int(busy_timeout(engine) * 1000)}ms'"))
                if lock_table:
                    conn.execute(text(f"LOCK TABLE {lock_table} IN SHARE ROW EXCLUSIVE MODE"))
            yield conn


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A read-only use of the database; driver errors become ``StoreError``."""
    with store_errors(busy_timeout(engine)), engine.connect() as conn:
        yield conn
