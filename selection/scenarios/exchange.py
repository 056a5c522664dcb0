"""The JSON export of saved scenarios, and reading it back (name, rationale, author, time, archived, settings).

``export_data`` builds the document; ``read_export`` checks a file against the format and the criteria model
in use and raises a Danish ``ScenarioError`` if any scenario in it is unusable (nothing is saved here).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from selection.data.criteria import CriteriaModel
from selection.scenarios.settings import ScenarioError, ScenarioSettings, parse_settings
from selection.text import json_input
from selection.text.file_input import FileInputError, read_limited

if TYPE_CHECKING:  # the scenario store (SQLAlchemy) loads when a scenario is read or written
    from selection.scenarios.saved import Scenario

EXPORT_FORMAT = "selection-scenarios"
EXPORT_VERSION = 1
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_SCENARIOS = 500


def export_data(scenarios: list[Scenario]) -> dict[str, Any]:
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "scenarios": [
            {
                "name": s.name,
                "rationale": s.rationale,
                "author": s.author,
                "recorded_at": s.recorded_at.isoformat(),
                "archived": s.archived,
                "settings": s.settings_data,
            }
            for s in scenarios
        ],
    }


def read_export(path: Path, model: CriteriaModel) -> list[tuple[object, object, bool, ScenarioSettings]]:
    """(name, rationale, archived, settings) per scenario of an export file; ScenarioError if any is unusable.

    Name and rationale are as the file has them (any JSON value): they are checked when saved."""
    try:  # regular files only, at most MAX_IMPORT_BYTES read (a pipe, /dev/zero or a huge file is refused)
        raw = json_input.loads(read_limited(path, MAX_IMPORT_BYTES).decode("utf-8-sig"))
    except FileInputError as exc:
        raise ScenarioError(f"Filen {path}: {exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"Filen {path} er ikke UTF-8-tekst, så den kan ikke være en scenarieeksport.") from None
    except json_input.JsonError as exc:
        raise ScenarioError(f"Filen {path} er ikke gyldig JSON ({str(exc)[:200]}).") from None
    if not isinstance(raw, dict) or raw.get("format") != EXPORT_FORMAT or not isinstance(raw.get("scenarios"), list):
        raise ScenarioError(f'Filen {path} er ikke en scenarieeksport (mangler "format": "{EXPORT_FORMAT}").')
    if raw.get("version") != EXPORT_VERSION:
        raise ScenarioError(
            f"Eksportens version {str(raw.get('version'))[:20]} kendes ikke (forventet {EXPORT_VERSION})."
        )
    if len(raw["scenarios"]) > MAX_IMPORT_SCENARIOS:
        raise ScenarioError(f"Højst {MAX_IMPORT_SCENARIOS} scenarier pr. import.")
    out = []
    for k, entry in enumerate(raw["scenarios"], start=1):
        if not isinstance(entry, dict):
            raise ScenarioError(f"Scenarie {k} i filen er ikke et JSON-objekt.")
        try:
            settings = parse_settings(entry.get("settings", {}), model)
        except ScenarioError as exc:
            raise ScenarioError(f"Scenarie {k} ('{str(entry.get('name'))[:120]}'): {exc}") from None
        out.append((entry.get("name"), entry.get("rationale"), entry.get("archived") is True, settings))
    return out
