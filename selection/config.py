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
    """One setting: its name, what it is for, its default value (None: unset) and that default as people read it."""

    name: str
    about: str
    default: str | None = None
    default_text: str = "–"


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("SELECTION_DATA", "the data package folder used when no import is stored", None, "`data/areas`"),
        Setting("SELECTION_IMPORT_DIR", "where imported data packages are stored", None, "`.selection-data/`"),
        Setting(
            "SELECTION_DB_URL",
            "the database of assessments, scenarios, decisions and roles (SQLite or PostgreSQL); may hold a password",
            None,
            "SQLite `<import dir>.sqlite`",
        ),
        Setting("SELECTION_USER", "the name the command line records changes under", None, "the OS user"),
        Setting("SELECTION_READ_ONLY", "`1`: every write is refused (a meeting-room screen)", "0", "`0`"),
        Setting("SELECTION_LOCAL_ROLE", "the role of the one person in local mode (no sign-in)", None, "Administrator"),
        Setting(
            "SELECTION_UNKNOWN_ROLE",
            "the role of signed-in users without an assignment; `ingen` = no access",
            None,
            "Læser",
        ),
        Setting("SELECTION_ADMIN", "e-mails (comma-separated) seeded as Administrator if they have no role yet"),
        Setting("SELECTION_ROLES_FILE", 'a roles file (`[roles] "navn@kk.dk" = "Planlægger"`), seeded the same way'),
        Setting("SELECTION_AUTH_PROVIDER", "which `[auth.<name>]` provider to sign in with (when there are several)"),
        Setting("SELECTION_TILE_URL", 'the default address for "Egen kortserver" (an XYZ tile template)', ""),
        Setting("DATAFORSYNINGEN_TOKEN", "the token that offers Dataforsyningen's skærmkort as a background map"),
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


def yes_no(name: str, text: str | None) -> bool:
    """A yes/no setting's text (1/0, true/false, ja/nej, yes/no, on/off; empty: no); ConfigError (Danish) otherwise."""
    word = (text or "").strip().casefold()
    if word not in TRUE | FALSE:
        raise ConfigError(f"{name} skal være 1 eller 0 (fik '{word[:20]}').")
    return word in TRUE


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
