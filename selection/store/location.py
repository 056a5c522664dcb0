"""Where the assessment database is, without loading the database layer (SQLAlchemy, Alembic)."""

from __future__ import annotations

from pathlib import Path

DB_URL_ENV = "SELECTION_DB_URL"


def default_sqlite_path() -> Path:
    """The SQLite file beside (never inside) the import store: ``<import dir>.sqlite``."""
    from selection.importing.store import default_import_dir  # local import: the import store imports the data layer

    return Path(str(default_import_dir()) + ".sqlite")
