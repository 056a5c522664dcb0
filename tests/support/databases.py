"""The databases of the storage tests: every one runs on SQLite and on a real PostgreSQL server started here
(never skipped in CI); the assessment model and areas they share."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from selection.data.criteria import parse_criteria
from selection.storage.database import open_store
from tests.support.factory import CRITERIA
from tests.support.postgres import PostgresServer, postgres_bindir

ANCHORS = {"1": "Meget lav", "3": "Middel", "5": "Meget høj"}


def assessment_criteria() -> dict:
    """The factory model with t1 and n1 as assessment indicators (with anchors)."""
    raw = {
        **CRITERIA,
        "criteria": [dict(c, indicators=[dict(i) for i in c["indicators"]]) for c in CRITERIA["criteria"]],
    }
    for crit in raw["criteria"]:
        for ind in crit["indicators"]:
            if ind["id"] in ("t1", "n1"):
                ind["assessment"] = True
                ind["anchors"] = ANCHORS
    return raw


MODEL = parse_criteria(assessment_criteria())
AREA_IDS = ["a", "b", "c"]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    bindir = postgres_bindir()
    if bindir is None:
        message = "PostgreSQL is missing: install Debian's postgresql (scripts/setup.sh --dev)."
        if os.environ.get("CI"):
            pytest.fail(message)  # the PostgreSQL storage tests must never be skipped in CI
        pytest.skip(message)
    server = PostgresServer(bindir)
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def engine(db_url: str):
    eng = open_store(db_url, busy_timeout_s=5)
    yield eng
    eng.dispose()
