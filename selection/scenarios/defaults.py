"""Starting-point scenarios from the data package (``scenarios.json`` beside ``criteria.json``), never from code.

The file is optional. Each entry has a ``key`` (letters first, e.g. ``behov-foerst``; used in links),
a name, a rationale and settings in the form of ``selection.scenarios.settings``. Entries that do not
fit the criteria model in use are left out and reported in Danish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from selection.config import BUNDLED_DATA_DIR
from selection.data.criteria import CriteriaModel
from selection.scenarios.settings import ScenarioError, ScenarioSettings, parse_settings
from selection.text import json_input
from selection.text.file_input import FileInputError, read_limited

SCENARIOS_FILE = "scenarios.json"
KEY_PATTERN = re.compile(r"[a-z][a-z0-9-]{0,59}")
MAX_DEFAULTS = 50
MAX_DEFAULTS_BYTES = 5 * 1024 * 1024  # scenarios.json: 50 starting points fit in a few kB


@dataclass(frozen=True)
class DefaultScenario:
    """A named starting point shipped with the data (read-only)."""

    key: str
    name: str
    rationale: str
    settings: ScenarioSettings


def _text(raw: object, what: str, where: str, limit: int) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ScenarioError(f"{where}: {what} skal være en ikke-tom tekst.")
    if len(raw) > limit:
        raise ScenarioError(f"{where}: {what} har for mange tegn ({len(raw)}); højst {limit} tegn.")
    return raw.strip()


def parse_defaults(raw: object, model: CriteriaModel) -> tuple[list[DefaultScenario], list[str]]:
    """The usable starting points and a Danish problem per entry left out (or for the whole file)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("scenarios"), list):
        return [], [f"{SCENARIOS_FILE}: filen skal være et JSON-objekt med en liste 'scenarios'."]
    found: list[DefaultScenario] = []
    problems: list[str] = []
    for k, entry in enumerate(raw["scenarios"][:MAX_DEFAULTS], start=1):
        where = f"{SCENARIOS_FILE}, scenarie {k}"
        try:
            if not isinstance(entry, dict):
                raise ScenarioError(f"{where}: skal være et JSON-objekt.")
            key = entry.get("key")
            if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
                raise ScenarioError(
                    f"{where}: 'key' skal være små bogstaver, tal og bindestreg og starte med et bogstav."
                )
            if any(d.key == key for d in found):
                raise ScenarioError(f"{where}: nøglen '{key}' bruges to gange.")
            name = _text(entry.get("name"), "navnet", where, 120)
            rationale = _text(entry.get("rationale"), "begrundelsen", where, 8000)
            try:
                settings = parse_settings(entry.get("settings", {}), model)
            except ScenarioError as exc:
                raise ScenarioError(f"{where} ('{name}'): {exc}") from None
            found.append(DefaultScenario(key, name, rationale, settings))
        except ScenarioError as exc:
            problems.append(str(exc))
    if len(raw["scenarios"]) > MAX_DEFAULTS:
        problems.append(f"{SCENARIOS_FILE}: kun de første {MAX_DEFAULTS} scenarier bruges.")
    return found, problems


def load_defaults(directory: Path, model: CriteriaModel) -> tuple[list[DefaultScenario], list[str]]:
    """Starting points from the package's ``scenarios.json`` (else the bundled package's), with problems."""
    path = Path(directory) / SCENARIOS_FILE
    if not path.is_file():
        path = BUNDLED_DATA_DIR / SCENARIOS_FILE
        if not path.is_file():
            return [], []
    try:
        raw = json_input.loads(read_limited(path, MAX_DEFAULTS_BYTES).decode("utf-8-sig"))
    except FileInputError as exc:
        return [], [f"{SCENARIOS_FILE}: {exc}"]
    except UnicodeDecodeError:
        return [], [f"{SCENARIOS_FILE} kan ikke læses (ikke UTF-8-tekst)."]
    except json_input.JsonError as exc:
        return [], [f"{SCENARIOS_FILE} kan ikke læses ({exc})."]
    return parse_defaults(raw, model)
