"""Settings: one module declares and reads them all (secrets first, then the environment, then the default)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from selection import config
from tests.support.factory import REPO


def test_default_import_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("SELECTION_IMPORT_DIR", raising=False)
    assert config.import_dir() == REPO / ".selection-data"  # the checkout's root, wherever the module lives
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "x"))
    assert config.import_dir() == tmp_path / "x"


def test_database_beside_the_import_folder_unless_named(monkeypatch, tmp_path):
    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "imports"))
    monkeypatch.delenv("SELECTION_DB_URL", raising=False)
    assert config.database_url() == f"sqlite:///{tmp_path / 'imports.sqlite'}"
    monkeypatch.setenv("SELECTION_DB_URL", "postgresql://db/x")
    assert config.database_url() == "postgresql://db/x"


def test_secrets_come_before_the_environment_and_the_default(monkeypatch):
    monkeypatch.setenv("SELECTION_USER", "fra-miljøet")
    secrets = {"SELECTION_USER": "  fra-hemmelighederne "}
    config.use_secrets(secrets.get)
    try:
        assert config.cli_user() == "fra-hemmelighederne"
        secrets.clear()
        assert config.cli_user() == "fra-miljøet"
        monkeypatch.delenv("SELECTION_USER")
        assert config.cli_user() is None
        assert config.value("SELECTION_READ_ONLY") == "0"  # the declared default
    finally:
        config.use_secrets(None)


def test_a_secrets_file_that_cannot_be_read_counts_as_none(monkeypatch):
    def broken(name: str) -> object:
        raise FileNotFoundError(name)

    monkeypatch.setenv("SELECTION_ADMIN", "a@kk.dk")
    config.use_secrets(broken)
    try:
        assert config.value("SELECTION_ADMIN") == "a@kk.dk"
    finally:
        config.use_secrets(None)


def test_an_undeclared_setting_cannot_be_read():
    with pytest.raises(KeyError):
        config.value("SELECTION_NOT_A_SETTING")


@pytest.mark.parametrize("text", ["1", "ja", "TRUE", " on "])
def test_yes_no_yes(text):
    assert config.yes_no("SELECTION_READ_ONLY", text) is True


def test_yes_no_refuses_other_words_in_danish():
    with pytest.raises(config.ConfigError, match="SELECTION_READ_ONLY skal være 1 eller 0"):
        config.yes_no("SELECTION_READ_ONLY", "måske")


def _environment_reads(path: Path) -> list[str]:
    """Places in a module that read the process environment (os.environ, os.getenv, os.environb)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"):
            found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def test_only_config_reads_the_environment():
    """Every setting is read through ``selection.config``, so the app and the command line agree on it."""
    files = [*sorted((REPO / "selection").rglob("*.py")), *sorted((REPO / "ui").rglob("*.py")), REPO / "app.py"]
    reads = [place for f in files if f != REPO / "selection" / "config.py" for place in _environment_reads(f)]
    assert reads == []


def test_every_declared_setting_is_named_in_the_docs():
    docs = (
        "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "docs").glob("*.md"))
        if (REPO / "docs").is_dir()
        else ""
    )
    missing = [name for name in config.SETTINGS if name not in docs]
    assert missing == [], f"settings without a word in docs/: {missing}"
