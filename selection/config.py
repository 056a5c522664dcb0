"""Every setting of the app and the command line: its name, its default and what a bad value says (Danish).

One configuration source for the app and the command line. A setting is read, first found wins:

1. the secrets: in the app Streamlit's ``st.secrets`` (handed over with ``use_secrets``); everywhere else (the
   command line, scripts) the same files read here as Streamlit reads them (``secrets_files``:
   ``~/.streamlit/secrets.toml``, then the checkout's and the working folder's ``.streamlit/secrets.toml``, a
   later file's key winning), so the command line writes where the app reads;
2. the process environment;
3. the setting's default.

Nothing else in the code reads ``os.environ``: a setting that is not declared here cannot be read (``KeyError``),
so this module is the list of them all. Values are read at each call (the secrets files again when they changed),
so a test or an operator can change them between calls.
"""

from __future__ import annotations

import os
import tomllib
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

# ``SELECTION_SECRETS_FILES``: the secrets files the command line reads instead of Streamlit's places (paths
# separated by os.pathsep; empty: none, e.g. in the tests). Read here only: it says where settings come from.
SECRETS_FILES_ENV = "SELECTION_SECRETS_FILES"

_secrets: Callable[[str], object] | None = None
_file_cache: dict[tuple[tuple[str, int, int], ...], dict[str, object]] = {}


class ConfigError(ValueError):
    """A setting whose value cannot be used (Danish message that names the setting)."""


def use_secrets(get: Callable[[str], object] | None) -> None:
    """Read settings from ``get`` (e.g. Streamlit's secrets) before the environment; None: the environment only."""
    global _secrets
    _secrets = get


def secrets_files() -> list[Path]:
    """Where Streamlit reads ``secrets.toml`` (its default ``secrets.files``), in order, a later file winning:
    the user's ``~/.streamlit``, the checkout's (``scripts/run_app.sh`` starts the app there) and the working
    folder's ``.streamlit`` (``streamlit run`` from there). ``$SELECTION_SECRETS_FILES`` replaces the list."""
    if (given := os.environ.get(SECRETS_FILES_ENV)) is not None:
        return [Path(p) for p in given.split(os.pathsep) if p.strip()]
    places = [Path.home() / ".streamlit" / "secrets.toml", REPO / ".streamlit" / "secrets.toml"]
    places.append(Path.cwd() / ".streamlit" / "secrets.toml")
    unique: list[Path] = []
    for place in places:
        if place not in unique:
            unique.append(place)
    return unique


def file_secrets() -> dict[str, object]:
    """The root-level keys of the secrets files (``secrets_files``), read again only when a file changed.

    A file that is missing counts as empty; one that cannot be read or parsed raises ConfigError (Danish): the
    command line must not write into another database than the app's because its settings were skipped."""
    stats = []
    for path in secrets_files():
        try:
            st = path.stat()
        except OSError:
            continue
        stats.append((str(path), st.st_mtime_ns, st.st_size))
    key = tuple(stats)
    if key not in _file_cache:
        merged: dict[str, object] = {}
        for path_text, _, _ in key:
            try:
                merged.update(tomllib.loads(Path(path_text).read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(
                    f"Indstillingsfilen {path_text} kan ikke læses ({type(exc).__name__}: {str(exc)[:120]}); "
                    "ret den, så appen og kommandolinjen bruger de samme indstillinger."
                ) from None
        _file_cache.clear()  # one entry: the files as they are now
        _file_cache[key] = merged
    return _file_cache[key]


def value(name: str) -> str | None:
    """The setting's text: from the secrets, else the environment, else its default; stripped, None when empty.

    The secrets are the app's (``use_secrets``) or, when none are handed over, the secrets files themselves."""
    setting = SETTINGS[name]  # KeyError: every setting is declared above
    found: object = None
    if _secrets is not None:
        try:
            found = _secrets(name)
        except Exception:  # a secrets file that cannot be read counts as no secrets (Streamlit raises on access)
            found = None
    else:
        found = file_secrets().get(name)
        if isinstance(found, bool):  # SELECTION_READ_ONLY = true in TOML
            found = "1" if found else "0"
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


def read_only() -> bool:
    """$SELECTION_READ_ONLY: every write is refused and the database is opened for reading only."""
    return yes_no("SELECTION_READ_ONLY", value("SELECTION_READ_ONLY"))


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
