"""Issue 29, class 3: ``scripts/run_app.sh`` listens on this machine only unless the operator names an address.

The script runs in a copy of the checkout's layout whose ``setup.sh`` and ``streamlit`` are stand-ins that
print what they were given, so the test checks the exact command line without starting a server."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.factory import REPO


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "run_app.sh", tmp_path / "scripts" / "run_app.sh")
    (tmp_path / "scripts" / "setup.sh").write_text("#!/usr/bin/env bash\nexit 0\n")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    fake = tmp_path / ".venv" / "bin" / "streamlit"
    fake.write_text('#!/usr/bin/env bash\nprintf "%s\\n" "$@"\n')
    fake.chmod(0o755)
    return tmp_path


def started_with(checkout: Path, *args: str, **env: str) -> list[str]:
    full = {k: v for k, v in os.environ.items() if k not in ("SELECTION_ADDRESS", "PORT")}
    proc = subprocess.run(
        ["bash", str(checkout / "scripts" / "run_app.sh"), *args],
        env={**full, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout.splitlines()


def addresses(argv: list[str]) -> list[str]:
    found = [argv[i + 1] for i, a in enumerate(argv) if a == "--server.address"]
    return found + [a.split("=", 1)[1] for a in argv if a.startswith("--server.address=")]


def test_by_default_it_listens_on_loopback_only(checkout: Path) -> None:
    argv = started_with(checkout)
    assert argv[:2] == ["run", "serve.py"]
    assert addresses(argv) == ["127.0.0.1"]


def test_the_operator_names_the_address_with_the_environment(checkout: Path) -> None:
    assert addresses(started_with(checkout, SELECTION_ADDRESS="0.0.0.0")) == ["0.0.0.0"]


@pytest.mark.parametrize("given", [["--server.address", "10.0.0.5"], ["--server.address=10.0.0.5"]])
def test_an_address_passed_to_the_script_is_the_only_one(checkout: Path, given: list[str]) -> None:
    assert addresses(started_with(checkout, *given, SELECTION_ADDRESS="0.0.0.0")) == ["10.0.0.5"]
    assert addresses(started_with(checkout, "--server.headless", "true")) == ["127.0.0.1"]
