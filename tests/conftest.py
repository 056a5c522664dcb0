"""Shared fixtures: hypothesis profile, the environment every test runs in, a Streamlit server and Debian's
Chromium for the browser tests, and the databases (SQLite and a throw-away PostgreSQL) for the storage tests."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.support.databases import db_url, engine, postgres  # noqa: F401 (fixtures, used by name)
from tests.support.server import CHROMIUM, CHROMIUM_ARGS, StreamlitServer

# Imports are stored outside the checkout while tests run (never in the user's .selection-data).
os.environ["SELECTION_IMPORT_DIR"] = tempfile.mkdtemp(prefix="selection-import-")
# ... and so is the assessment database (SQLite beside that folder), never a database named by the user.
os.environ.pop("SELECTION_DB_URL", None)
# ... and no settings from a developer's .streamlit/secrets.toml reach the command line the tests run.
os.environ["SELECTION_SECRETS_FILES"] = ""

settings.register_profile("project", deadline=None, max_examples=60)
settings.load_profile("project")


# Test files whose browser timing (key presses a person makes in quick succession) is unsteady while other
# workers load the machine: scripts/test.sh runs them on their own after the parallel run.
SERIAL_FILES = frozenset({"test_keyboard.py"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in SERIAL_FILES:
            item.add_marker(pytest.mark.serial)


@pytest.fixture(scope="session", autouse=True)
def delete_output_dir() -> None:
    """pytest-playwright's fixture of this name deletes test-results/ when a session starts: under parallel
    workers one worker's start deleted another's screenshots and axe reports mid-run, and the folder holds
    artefacts the tests keep for a person to look at. Nothing is deleted here; each test writes its own files."""


def _require_chromium() -> None:
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    message = f"{CHROMIUM} is missing: install Debian's chromium (scripts/setup.sh --browser)."
    if os.environ.get("CI"):
        pytest.fail(message)  # browser tests must never be skipped in CI
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    _require_chromium()
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def app_server() -> Iterator[StreamlitServer]:
    """The app on the bundled data."""
    server = StreamlitServer()
    yield server
    server.stop()
