"""The schema revision without Alembic: the newest revision id and the database's, read with SQLAlchemy.

Opening a database that is already at the newest schema (every app start after the first) then needs no
Alembic import (with Mako and Pygments, a noticeable part of a new server's first page). A unit test
checks that ``HEAD_REVISION`` equals the head of the shipped migrations, so the two cannot drift.
"""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from selection.storage.database.engine import read_connection

# the newest file in migrations/versions (checked by tests/store/test_schema.py)
HEAD_REVISION = "0010_assessment_on_behalf"
VERSION_TABLE = "alembic_version"  # Alembic's default version table (migrations/env.py keeps the default)


def stored_revisions(engine: Engine) -> list[str]:
    """The revision ids in the database's version table (empty for a database without one)."""
    with read_connection(engine) as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return []
        return sorted(str(row[0]) for row in conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")))


def at_head(engine: Engine) -> bool:
    """True when the database's schema is exactly the newest one this program knows."""
    return stored_revisions(engine) == [HEAD_REVISION]
