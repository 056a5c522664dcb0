"""Issue 29, class 6: one configuration source. The command line reads the app's ``.streamlit/secrets.toml``
(as Streamlit does) when no secrets are handed over, before the environment; a read-only deployment or a
read-only SQLite file still reads (``mode=ro``) and never migrates or writes."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from selection import config
from selection.storage.database import StoreError, open_store
from tests.support.factory import REPO, make_package


@pytest.fixture
def no_secrets_hook():
    config.use_secrets(None)
    yield
    config.use_secrets(None)


def test_the_secrets_file_is_read_when_no_secrets_are_handed_over(tmp_path, monkeypatch, no_secrets_hook):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('SELECTION_DB_URL = "sqlite:////srv/vurderinger.sqlite"\nSELECTION_READ_ONLY = true\n')
    monkeypatch.setenv(config.SECRETS_FILES_ENV, str(secrets))
    monkeypatch.setenv("SELECTION_DB_URL", "sqlite:////fra/miljoeet.sqlite")
    monkeypatch.delenv("SELECTION_READ_ONLY", raising=False)
    assert config.database_url() == "sqlite:////srv/vurderinger.sqlite"  # the file wins, as in the app
    assert config.read_only() is True
    secrets.write_text("[auth]\nclient_id = 'x'\n")  # changed: read again
    assert config.database_url() == "sqlite:////fra/miljoeet.sqlite"
    assert config.read_only() is False


def test_streamlits_places_are_read_the_working_folder_last(tmp_path, monkeypatch, no_secrets_hook):
    monkeypatch.delenv(config.SECRETS_FILES_ENV, raising=False)
    home, work = tmp_path / "home", tmp_path / "work"
    for folder, user in ((home, "fra-hjemmet"), (work, "fra-mappen")):
        (folder / ".streamlit").mkdir(parents=True)
        (folder / ".streamlit" / "secrets.toml").write_text(f'SELECTION_USER = "{user}"\n')
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: home))
    monkeypatch.chdir(work)
    places = config.secrets_files()
    assert places[0] == home / ".streamlit" / "secrets.toml"
    assert REPO / ".streamlit" / "secrets.toml" in places
    assert places[-1] == work / ".streamlit" / "secrets.toml"
    if not (REPO / ".streamlit" / "secrets.toml").exists():
        assert config.cli_user() == "fra-mappen"


def test_a_broken_secrets_file_is_said_in_danish(tmp_path, monkeypatch, no_secrets_hook):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("SELECTION_DB_URL = \n")
    monkeypatch.setenv(config.SECRETS_FILES_ENV, str(secrets))
    with pytest.raises(config.ConfigError, match=r"Indstillingsfilen .* kan ikke læses"):
        config.database_url()


def cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("SELECTION_")}
    full.update(PYTHONPATH=str(REPO), **env)
    return subprocess.run(
        [sys.executable, "-m", "selection", *args], cwd=cwd, env=full, capture_output=True, text=True, check=False
    )


def test_the_command_line_writes_where_the_app_reads(tmp_path):
    """The app's settings sit in .streamlit/secrets.toml; the command line run from the same folder uses them
    (before: it wrote into <import dir>.sqlite, a database the app never reads)."""
    work = tmp_path / "work"
    (work / ".streamlit").mkdir(parents=True)
    app_db = tmp_path / "app.sqlite"
    (work / ".streamlit" / "secrets.toml").write_text(f'SELECTION_DB_URL = "sqlite:///{app_db}"\n')
    proc = cli(
        "roles", "assign", "pia@kk.test", "Planlægger", "--reason", "Ny", "--user", "Gis",
        cwd=work, SELECTION_IMPORT_DIR=str(tmp_path / "imports"), HOME=str(tmp_path / "home"),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert app_db.exists()
    assert not (tmp_path / "imports.sqlite").exists()
    (work / ".streamlit" / "secrets.toml").write_text(
        f'SELECTION_DB_URL = "sqlite:///{app_db}"\nSELECTION_READ_ONLY = "1"\n'
    )
    refused = cli(
        "roles", "assign", "bo@kk.test", "Læser", "--reason", "Ny", "--user", "Gis",
        cwd=work, SELECTION_IMPORT_DIR=str(tmp_path / "imports"), HOME=str(tmp_path / "home"),
    )  # fmt: skip
    assert refused.returncode != 0
    assert "skrivebeskyttet" in refused.stderr


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store(tmp_path) -> Path:
    """A store at the newest schema with one role, closed (no -wal/-shm left)."""
    path = tmp_path / "store" / "data.sqlite"
    proc = cli(
        "roles", "assign", "pia@kk.test", "Planlægger", "--reason", "Ny", "--user", "Gis",
        cwd=tmp_path, SELECTION_DB_URL=f"sqlite:///{path}", SELECTION_SECRETS_FILES="",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return path


def test_read_only_opens_the_file_for_reading_and_never_writes(store, monkeypatch, no_secrets_hook):
    monkeypatch.setenv("SELECTION_READ_ONLY", "1")
    before = digest(store)
    engine = open_store(f"sqlite:///{store}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM role_assignment")).scalar_one() == 1
        with pytest.raises(Exception, match="readonly"), engine.begin() as conn:
            conn.execute(text("DELETE FROM role_assignment"))
    finally:
        engine.dispose()
    assert digest(store) == before


def test_a_read_only_store_at_an_older_schema_is_not_migrated(store, monkeypatch, no_secrets_hook):
    with sqlite3.connect(store) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0007_rounds'")
    conn.close()
    before = digest(store)
    monkeypatch.setenv("SELECTION_READ_ONLY", "1")
    with pytest.raises(StoreError, match="kan ikke opdateres"):
        open_store(f"sqlite:///{store}")
    assert digest(store) == before


def as_other_user() -> list[str]:
    """Run as a user who may not write the file (root may write any file, so the tests drop to nobody)."""
    if os.getuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: a read-only file cannot be made")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]


@pytest.fixture
def shared(tmp_path) -> Iterator[Path]:
    """A folder another user can enter (pytest's own folders are the owner's only)."""
    folder = Path(tempfile.mkdtemp(prefix="selection-ro-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("folder_mode", [0o755, 0o777], ids=["folder-read-only", "folder-writable"])
@pytest.mark.parametrize("command", [["rank", "--top", "3"], ["assessments", "history"], ["roles", "list"]])
def test_a_read_only_sqlite_file_still_allows_reading(store, shared, command, folder_mode):
    """Before: 'Databasefilen … er skrivebeskyttet' for every command, reading ones too."""
    package = shutil.copytree(make_package(shared / "made"), shared / "pkg")
    (shared / "db").mkdir()
    (shared / "db").chmod(folder_mode)
    readonly = Path(shutil.copy(store, shared / "db" / "data.sqlite"))
    for path in (package, *package.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)
    readonly.chmod(0o444)
    before = digest(readonly)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELECTION_")}
    env.update(
        PYTHONPATH=str(REPO), HOME=str(shared), SELECTION_DB_URL=f"sqlite:///{readonly}",
        SELECTION_DATA=str(package), SELECTION_IMPORT_DIR=str(shared / "imports"), SELECTION_SECRETS_FILES="",
    )  # fmt: skip
    proc = subprocess.run(
        [*as_other_user(), sys.executable, "-m", "selection", *command],
        cwd=shared, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "skrivebeskyttet" not in proc.stderr
    assert digest(readonly) == before
