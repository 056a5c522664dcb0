"""Versioned schema and database trouble: migrations, newer schema, read-only, locked, corrupt files."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DBAPIError

from selection.assessments import NewAssessment, history, record_assessment, value_version
from selection.storage.database import StoreError, current_revision, head_revision, open_engine, open_store, upgrade
from selection.storage.database.revision import HEAD_REVISION, at_head, stored_revisions
from selection.storage.database.schema import known_revisions
from tests.support.databases import AREA_IDS, MODEL
from tests.support.factory import ADMIN, REPO

FIRST = "0001_assessment"


def new(value, name="Anna", area="a", indicator="t1"):
    return NewAssessment(area, indicator, value, "Begrundelse", "", name, "", date(2026, 11, 2))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_empty_database_is_migrated_to_the_newest_schema(db_url):
    engine = open_store(db_url)
    try:
        assert current_revision(engine) == head_revision() == known_revisions()[-1]
        assert len(known_revisions()) >= 2
        columns = {c["name"] for c in inspect(engine).get_columns("assessment")}
        assert {"assessor_role", "evidence", "value_version", "assessor_key"} <= columns
        upgrade(engine)  # a second run changes nothing
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_a_database_made_by_the_first_schema_is_upgraded_with_its_rows(db_url):
    engine = open_engine(db_url)
    upgrade(engine, FIRST)
    assert current_revision(engine) == FIRST
    assert "value_version" not in {c["name"] for c in inspect(engine).get_columns("assessment")}
    rows = [("a", "t1", 2.0, "Anna"), ("a", "t1", 4.0, "Bo"), ("b", "n1", 3.0, "Anna"), ("a", "t1", 5.0, "ANNA")]
    with engine.begin() as conn:
        for area, ind, value, name in rows:
            conn.execute(
                text(
                    "INSERT INTO assessment "
                    "(area_id, indicator_id, value, reason, assessor_name, assessed_on, recorded_at) "
                    "VALUES (:a, :i, :v, 'gammel', :n, '2025-01-02', '2025-01-02 10:00:00')"
                ),
                {"a": area, "i": ind, "v": value, "n": name},
            )
    engine.dispose()

    engine = open_store(db_url)
    try:
        assert current_revision(engine) == head_revision()
        entries = history(engine)
        assert [(e.area_id, e.version, e.previous_value, e.value) for e in entries] == [
            ("a", 1, None, 2.0),
            ("a", 2, None, 4.0),
            ("b", 1, None, 3.0),
            ("a", 3, 2.0, 5.0),
        ]
        assert value_version(engine, "a", "t1") == 3
        saved = record_assessment(engine, new(1, "Carl"), MODEL, AREA_IDS, 3, actor=ADMIN)
        assert saved.version == 4
        # the triggers survived the migration
        with pytest.raises(DBAPIError, match="kan ikke ændres"), engine.begin() as conn:
            conn.execute(text("UPDATE assessment SET value = 1"))
    finally:
        engine.dispose()


def test_a_database_from_a_newer_program_is_refused_unchanged(db_url):
    engine = open_store(db_url)
    record_assessment(engine, new(3), MODEL, AREA_IDS, 0, actor=ADMIN)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()
    with pytest.raises(StoreError, match=r"nyere version af programmet.*Intet er ændret"):
        open_store(db_url)
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0099_future"
        assert conn.execute(text("SELECT COUNT(*) FROM assessment")).scalar_one() == 1
    engine.dispose()


def test_a_value_locked_for_long_gives_a_danish_message_and_writes_nothing(db_url):
    engine = open_store(db_url, busy_timeout_s=0.3)
    blocker = create_engine(db_url)
    try:
        with blocker.connect() as held:
            if engine.dialect.name == "sqlite":
                held.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                held.execute(text("BEGIN"))
                held.execute(text("LOCK TABLE assessment IN ACCESS EXCLUSIVE MODE"))
            with pytest.raises(StoreError, match=r"optaget af en anden proces.*Intet er ændret"):
                record_assessment(engine, new(3), MODEL, AREA_IDS, 0, actor=ADMIN)
            held.rollback()
        assert history(engine) == []
        assert record_assessment(engine, new(3), MODEL, AREA_IDS, 0, actor=ADMIN).version == 1  # free again
    finally:
        blocker.dispose()
        engine.dispose()


def _sqlite_store(tmp_path: Path) -> Path:
    path = tmp_path / "store.sqlite"
    engine = open_store(f"sqlite:///{path}")
    record_assessment(engine, new(3), MODEL, AREA_IDS, 0, actor=ADMIN)
    engine.dispose()
    return path


def test_a_read_only_sqlite_database_refuses_writes_with_a_danish_message(tmp_path):
    path = _sqlite_store(tmp_path)
    before = digest(path)
    engine = open_store(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        assert len(history(engine)) == 1  # reading still works
        with pytest.raises(StoreError, match=r"skrivebeskyttet.*Intet er ændret"):
            record_assessment(engine, new(4, "Bo"), MODEL, AREA_IDS, 1, actor=ADMIN)
    finally:
        engine.dispose()
    assert digest(path) == before


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder every user may enter (pytest's tmp_path lives under a root-only folder)."""
    folder = Path(tempfile.mkdtemp(prefix="selection-ro-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def test_a_read_only_database_file_is_read_by_the_command_line(open_folder):
    """A file the user may not write (0444) is opened for reading only (issue 29): reads work, nothing is written.
    As root, the command runs without the capabilities that let root ignore file permissions (so it works
    wherever the checkout is, even in a folder only root may enter)."""
    path = _sqlite_store(open_folder)
    path.chmod(0o444)
    before = digest(path)
    command = [sys.executable, "-m", "selection", "assessments", "history", "--data", str(REPO / "data" / "areas")]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    env = {**os.environ, "SELECTION_DB_URL": f"sqlite:///{path}", "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "skrivebeskyttet" not in proc.stderr
    assert "Traceback" not in proc.stderr
    assert digest(path) == before


def _open_and_read(url: str) -> list:
    """Open the store and read its history (either step may be the one that finds the damage)."""
    engine = open_store(url)
    try:
        return history(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("damage", ["not-a-database", "damaged-pages"])
def test_a_corrupt_sqlite_file_gives_a_danish_message_and_stays_as_it_was(tmp_path, damage):
    path = tmp_path / "store.sqlite"
    if damage == "not-a-database":
        path.write_bytes(b"Dette er ikke en database\n" * 200)
    else:
        path = _sqlite_store(tmp_path)
        data = bytearray(path.read_bytes())
        assert len(data) > 8192
        data[100:] = b"\xff" * (len(data) - 100)  # keep only the 100-byte header
        path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(StoreError, match=r"beskadiget.*Intet er ændret"):
        _open_and_read(f"sqlite:///{path}")
    assert digest(path) == before


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ikke en adresse", "ikke en gyldig database-adresse"),
        ("mysql://localhost/x", "understøttes ikke"),
        ("postgresql+psycopg://postgres@127.0.0.1:1/x", "forbindelse"),
    ],
)
def test_a_bad_database_url_gives_a_danish_message(url, message):
    with pytest.raises(StoreError, match=message):
        open_store(url)


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 's.sqlite'}", busy_timeout_s=7)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 7000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
    assert sqlite3.connect(tmp_path / "s.sqlite").execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_the_newest_migration_matches_the_tables_the_code_uses(engine):
    """Alembic autogenerate finds no difference between the migrated database and the tables the code uses
    (selection/storage/database/tables.py)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from selection.storage.database.tables import metadata

    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [
        d
        for d in differences
        if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version")
    ] == []


def test_the_head_revision_constant_is_the_newest_shipped_migration():
    assert HEAD_REVISION == head_revision() == known_revisions()[-1]


def test_the_stored_revision_is_read_without_alembic_for_each_schema_state(db_url):
    engine = open_engine(db_url)
    try:
        assert stored_revisions(engine) == []  # empty database: no version table
        assert not at_head(engine)
        upgrade(engine, FIRST)
        assert stored_revisions(engine) == [FIRST]  # an older schema
        assert not at_head(engine)
        upgrade(engine)
        assert stored_revisions(engine) == [current_revision(engine)] == [HEAD_REVISION]
        assert at_head(engine)
    finally:
        engine.dispose()


OPEN_AND_LIST_MODULES = (
    "import sys; from selection.storage.database import open_store; "
    "from selection.storage.database.revision import stored_revisions; "
    "engine = open_store(sys.argv[1]); print('alembic' in sys.modules); print(*stored_revisions(engine))"
)


def _open_in_new_process(url: str) -> tuple[bool, str]:
    """open_store in a fresh interpreter: whether it imported Alembic, and the schema revision after."""
    done = subprocess.run(
        [sys.executable, "-c", OPEN_AND_LIST_MODULES, url], cwd=REPO, capture_output=True, text=True, check=True
    )
    imported, revision = done.stdout.split()
    return imported == "True", revision


def test_a_new_sqlite_file_is_migrated_and_the_next_start_skips_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    assert _open_in_new_process(url) == (True, HEAD_REVISION)  # empty new file: Alembic creates the schema
    assert _open_in_new_process(url) == (False, HEAD_REVISION)  # already at head: read only, no Alembic


def test_an_older_sqlite_schema_is_still_migrated_by_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = open_engine(url)
    upgrade(engine, FIRST)
    engine.dispose()
    assert _open_in_new_process(url) == (True, HEAD_REVISION)
