"""The access policy from settings (Streamlit secrets or the environment), and the roles file."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

from selection.access.model import ADMINISTRATOR, NO_ACCESS, PARTICIPANT, PLANNER, READER, AccessPolicy, principal_key
from selection.config import ConfigError, yes_no
from selection.errors import os_reason

ROLE_NAMES = {  # what a person may write in a setting or the roles file -> role id
    "deltager": PARTICIPANT,
    "participant": PARTICIPANT,
    "laeser": READER,
    "læser": READER,
    "reader": READER,
    "planlaegger": PLANNER,
    "planlægger": PLANNER,
    "planner": PLANNER,
    "administrator": ADMINISTRATOR,
    "admin": ADMINISTRATOR,
}


class PolicyError(ValueError):
    """A setting that cannot be used (Danish message)."""


def role_id(text: str, setting: str) -> str:
    """The role id for a name in a setting ('Planlægger', 'admin', ...); PolicyError otherwise."""
    key = str(text).strip().casefold()
    if key not in ROLE_NAMES:
        raise PolicyError(
            f"{setting}: ukendt rolle '{str(text)[:40]}'; brug Deltager, Læser, Planlægger eller Administrator."
        )
    return ROLE_NAMES[key]


def read_roles_file(path: Path) -> list[tuple[str, str]]:
    """A TOML file with a ``[roles]`` table: ``"navn@kk.dk" = "Administrator"`` (principal -> role)."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(f"Rollefilen {path} kan ikke læses ({os_reason(exc)}).") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PolicyError(f"Rollefilen {path} er ikke gyldig TOML ({exc}).") from None
    table = raw.get("roles")
    if not isinstance(table, dict):
        raise PolicyError(
            f'Rollefilen {path} skal have en tabel [roles] med linjer som "navn@kk.dk" = "Administrator".'
        )
    out = []
    for who, role in table.items():
        if not isinstance(role, str) or not str(who).strip():
            raise PolicyError(f"Rollefilen {path}: '{str(who)[:60]}' skal have en rolle som tekst.")
        out.append((principal_key(str(who)), role_id(role, f"Rollefilen {path}")))
    return out


def policy_from_settings(get: Callable[[str], str | None]) -> AccessPolicy:
    """Read SELECTION_READ_ONLY, SELECTION_LOCAL_ROLE, SELECTION_UNKNOWN_ROLE, SELECTION_ADMIN and
    SELECTION_ROLES_FILE through ``get`` (secrets, then environment); PolicyError (Danish) on a bad value."""
    try:
        read_only = yes_no("SELECTION_READ_ONLY", get("SELECTION_READ_ONLY"))
    except ConfigError as exc:
        raise PolicyError(str(exc)) from None
    local = role_id(get("SELECTION_LOCAL_ROLE") or ADMINISTRATOR, "SELECTION_LOCAL_ROLE")
    unknown_text = (get("SELECTION_UNKNOWN_ROLE") or READER).strip()
    unknown = None if unknown_text.casefold() == NO_ACCESS else role_id(unknown_text, "SELECTION_UNKNOWN_ROLE")
    seed: list[tuple[str, str]] = []
    for admin in filter(None, (a.strip() for a in (get("SELECTION_ADMIN") or "").split(","))):
        seed.append((principal_key(admin), ADMINISTRATOR))
    if roles_file := (get("SELECTION_ROLES_FILE") or "").strip():
        seed.extend(read_roles_file(Path(roles_file)))
    return AccessPolicy(read_only=read_only, local_role=local, unknown_role=unknown, seed=tuple(seed))
