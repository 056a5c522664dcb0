"""Every setting of the app and the command line: its name, its default and what a bad value says (Danish).

A setting is read from the secrets the app hands over (``use_secrets``: Streamlit's ``.streamlit/secrets.toml``),
else from the process environment, else it takes its default. Nothing else in the code reads ``os.environ``:
a setting that is not declared here cannot be read (``KeyError``), so this module is the list of them all.
Values are read at each call (never cached), so a test or an operator can change them between calls.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUNDLED_DATA_DIR = REPO / "data" / "areas"
DEFAULT_IMPORT_DIR = REPO / ".selection-data"


@dataclass(frozen=True)
class Setting:
    """One setting: its name, its default (None: unset) and what it is for."""

    name: str
    default: str | None
    about: str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("SELECTION_DATA", None, "the data package folder used when no import is stored (default data/areas)"),
        Setting("SELECTION_IMPORT_DIR", None, "where imported data packages are stored (default .selection-data)"),
        Setting("SELECTION_DB_URL", None, "the database (default: a SQLite file beside the import folder)"),
        Setting("SELECTION_USER", None, "the name the command line records changes under (default: the OS user)"),
        Setting("SELECTION_READ_ONLY", "0", "1: nobody changes anything (a meeting-room screen)"),
        Setting("SELECTION_LOCAL_ROLE", None, "the role of the one person in local mode (default Administrator)"),
        Setting("SELECTION_UNKNOWN_ROLE", None, "the role of signed-in users without an assignment (default Læser)"),
        Setting("SELECTION_ADMIN", None, "comma-separated e-mails seeded as administrators"),
        Setting("SELECTION_ROLES_FILE", None, "a TOML file with a [roles] table seeding further roles"),
        Setting("SELECTION_AUTH_PROVIDER", None, "the [auth.<name>] provider to sign in with"),
        Setting("SELECTION_TILE_URL", "", "a background map's tile address (XYZ template) offered in the sidebar"),
        Setting("DATAFORSYNINGEN_TOKEN", None, "the token for Dataforsyningen's background maps (skærmkort)"),
    )
}
TRUE = frozenset({"1", "true", "ja", "yes", "on"})
FALSE = frozenset({"", "0", "false", "nej", "no", "off"})

_secrets: Callable[[str], object] | None = None


class ConfigError(ValueError):
    """A setting whose value cannot be used (Danish message that names the setting)."""


def use_secrets(get: Callable[[str], object] | None) -> None:
    """Read settings from ``get`` (e.g. Streamlit's secrets) before the environment; None: the environment only."""
    global _secrets
    _secrets = get


def value(name: str) -> str | None:
    """The setting's text: from the secrets, else the environment, else its default; stripped, None when empty."""
    setting = SETTINGS[name]  # KeyError: every setting is declared above
    found: object = None
    if _secrets is not None:
        try:
            found = _secrets(name)
        except Exception:  # a secrets file that cannot be read counts as no secrets (Streamlit raises on access)
            found = None
    if found is None or found == "":
        found = os.environ.get(name)
    if found is None or found == "":
        found = setting.default
    text = str(found).strip() if found is not None else ""
    return text or None


def flag(name: str) -> bool:
    """A yes/no setting (1/0, true/false, ja/nej, yes/no, on/off); ConfigError (Danish) otherwise."""
    text = (value(name) or "").casefold()
    if text not in TRUE | FALSE:
        raise ConfigError(f"{name} skal være 1 eller 0 (fik '{text[:20]}').")
    return text in TRUE


def data_dir() -> Path:
    """The data package used when no import is stored: $SELECTION_DATA, else the bundled ``data/areas``."""
    return Path(value("SELECTION_DATA") or BUNDLED_DATA_DIR)


def import_dir() -> Path:
    """Where imported data is stored: $SELECTION_IMPORT_DIR, else ``<repo>/.selection-data``."""
    return Path(value("SELECTION_IMPORT_DIR") or DEFAULT_IMPORT_DIR)


def database_url_setting() -> str | None:
    """$SELECTION_DB_URL as given (None: the default SQLite file). It may hold a password: never show it."""
    return value("SELECTION_DB_URL")


def default_sqlite_path() -> Path:
    """The SQLite file beside (never inside) the import folder: ``<import dir>.sqlite``."""
    return Path(str(import_dir()) + ".sqlite")


def database_url() -> str:
    """``$SELECTION_DB_URL`` if set, else the default SQLite file."""
    return database_url_setting() or f"sqlite:///{default_sqlite_path()}"


def cli_user() -> str | None:
    """The name the command line records changes under when no ``--user`` is given ($SELECTION_USER)."""
    return value("SELECTION_USER")
