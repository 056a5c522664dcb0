"""Where the store lives and how URLs are read."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from selection.assessments import history
from selection.storage.database import StoreError, database_url, open_store, store_exists
from selection.storage.database.engine import sqlite_file
from selection.storage.database.errors import describe


def test_the_default_sqlite_file_lies_beside_the_import_folder_not_in_it(monkeypatch, tmp_path):
    monkeypatch.delenv("SELECTION_DB_URL", raising=False)
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "imports"))
    assert database_url() == f"sqlite:///{tmp_path / 'imports.sqlite'}"
    assert sqlite_file(database_url()) == tmp_path / "imports.sqlite"
    assert not store_exists()
    open_store().dispose()
    assert store_exists()
    assert (tmp_path / "imports.sqlite").is_file()
    assert not (tmp_path / "imports").exists()  # the import folder itself is not touched


def test_selection_db_url_wins(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'elsewhere.sqlite'}"
    monkeypatch.setenv("SELECTION_DB_URL", url)
    assert database_url() == url


def test_a_plain_postgresql_url_uses_psycopg_3(postgres):
    url = postgres.new_database().replace("postgresql+psycopg://", "postgresql://")
    engine = open_store(url)
    try:
        assert engine.dialect.driver == "psycopg"
        assert history(engine) == []
        assert store_exists(url)
        assert sqlite_file(url) is None
    finally:
        engine.dispose()


def test_a_missing_folder_for_the_sqlite_file_is_created(tmp_path):
    path: Path = tmp_path / "new" / "folder" / "store.sqlite"
    open_store(f"sqlite:///{path}").dispose()
    assert path.is_file()


def test_a_sqlite_uri_url_names_its_file_and_creates_no_folder_called_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "data" / "store.sqlite"
    assert sqlite_file(f"sqlite:///file:{path}?mode=ro&uri=true") == path
    assert sqlite_file("sqlite:///file::memory:?uri=true") is None
    assert sqlite_file(f"sqlite:///{path}") == path
    assert not (tmp_path / "file:").exists()


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        "sqlite:///",
        "sqlite:///:memory:",
        "sqlite:///file::memory:?uri=true",
        "sqlite:///file:x?mode=memory&uri=true",
    ],
)
def test_an_in_memory_sqlite_database_is_refused_so_no_save_vanishes(url, monkeypatch):
    """Each thread would get its own empty database and everything saved would be gone at restart."""
    monkeypatch.setenv("SELECTION_DB_URL", url)
    with pytest.raises(StoreError, match="hukommelsen"):
        open_store()


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgresql://planner:pw@[::1/selection", "ikke en gyldig database-adresse"),  # an unclosed IPv6 bracket
        ("postgresql://planner@127.0.0.1:port/selection", "ikke en gyldig database-adresse"),
        ("postgresql+psycopg2://planner@127.0.0.1:1/selection", "ikke er installeret"),  # another driver
        ("sqlite+pysqlcipher:///{tmp}/s.sqlite", "ikke er installeret"),
        ("sqlite:///{tmp}/s.sqlite?timeout=lang", "indstillinger kan ikke bruges"),  # an option of the driver
        ("sqlite:///{tmp}/s.sqlite?check_same_thread=maaske", "indstillinger kan ikke bruges"),
        ("sqlite:///{tmp}/" + "n" * 300 + ".sqlite", "kan ikke oprettes"),  # a name too long for the file system
        ("postgresql://planner@no-such-host.invalid/selection", "kan ikke slås op"),
    ],
)
def test_every_unusable_database_address_gets_a_danish_message(url, words, tmp_path, monkeypatch):
    """Not only addresses SQLAlchemy refuses to parse: a port that is not a number, a driver that is not
    installed, a driver option it cannot read, a file name the file system refuses, a host without a name."""
    monkeypatch.setenv("SELECTION_DB_URL", url.replace("{tmp}", str(tmp_path)))
    store_exists()  # answers without a traceback (True for an address it cannot read: opening it says why)
    with pytest.raises(StoreError, match=words) as refused:
        open_store(busy_timeout_s=2)
    assert "pw" not in str(refused.value)
    assert list(tmp_path.iterdir()) == []  # nothing was created


def test_database_server_refusals_are_told_apart_in_danish(postgres):
    """A database or user the server does not know gets its own sentence, not the driver's English text."""
    base = make_url(postgres.new_database())
    for url, words in (
        (base.set(database="findes_ikke"), "findes ikke på databaseserveren"),
        (base.set(username="ukendt_bruger"), "afviser brugernavnet eller adgangskoden"),
    ):
        with pytest.raises(StoreError, match=words):
            open_store(url.render_as_string(hide_password=False), busy_timeout_s=2)


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (sqlite3.OperationalError("database or disk is full"), "ikke mere plads på disken"),
        (sqlite3.OperationalError("too many SQL variables in xyz"), "uventet fejl"),  # one no rule knows
    ],
)
def test_driver_errors_are_told_in_danish_never_in_the_drivers_english(error, words):
    """The last resort showed the driver's English text ('Databasefejl: database or disk is full.')."""
    said = describe(error)
    assert words in said
    assert str(error) not in said
    assert "Intet er ændret" in said
