"""A scenario named on the command line: a stored scenario (number or name) or a starting point (key or name).

Stored scenarios are looked up first by number or name, starting points from the data package's
``scenarios.json`` by key before and by name after them. Problems with ``scenarios.json`` go to ``warn``
(the caller shows them); an unknown reference is a Danish ``ScenarioError``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from selection.data.criteria import CriteriaModel
from selection.scenarios.defaults import DefaultScenario, load_defaults
from selection.scenarios.settings import ScenarioError, ScenarioSettings
from selection.text.form_fields import name_key

if TYPE_CHECKING:  # the scenario store (SQLAlchemy) loads when a stored scenario is looked up
    from sqlalchemy import Engine


def scenario_record(
    name: str | None,
    scenario_id: int | None = None,
    version: int | None = None,
    key: str | None = None,
    rationale: str | None = None,
) -> dict[str, Any]:
    """How a snapshot names its scenario: a stored one (id, version), a starting point (key) or none (unsaved)."""
    return {"name": name, "id": scenario_id, "version": version, "key": key, "rationale": rationale}


def starting_points(data_dir: Path, model: CriteriaModel, warn: Callable[[str], None]) -> list[DefaultScenario]:
    """The data package's starting points; each problem with ``scenarios.json`` is passed to ``warn``."""
    found, problems = load_defaults(data_dir, model)
    for problem in problems:
        warn(problem)
    return found


def resolve(
    reference: str, engine: Engine | None, data_dir: Path, model: CriteriaModel, warn: Callable[[str], None]
) -> tuple[str, ScenarioSettings]:
    """(name, settings) of a stored scenario (number or name) or a starting point (key or name)."""
    found, settings = resolve_scenario(reference, engine, data_dir, model, warn)
    return found["name"], settings


def resolve_scenario(
    reference: str, engine: Engine | None, data_dir: Path, model: CriteriaModel, warn: Callable[[str], None]
) -> tuple[dict[str, Any], ScenarioSettings]:
    """Like ``resolve``, with what identifies the scenario (``scenario_record``)."""
    text = reference.strip()
    defaults = starting_points(data_dir, model, warn)
    for d in defaults:
        if d.key == text:
            return scenario_record(d.name, key=d.key, rationale=d.rationale), d.settings
    if engine is not None:
        from selection.scenarios.saved import find_scenario

        try:
            found = find_scenario(engine, text)
            return scenario_record(found.name, found.id, found.version, rationale=found.rationale), found.settings(
                model
            )
        except ScenarioError:
            if text.isdigit():
                raise
    for d in defaults:
        if name_key(d.name) == name_key(text):
            return scenario_record(d.name, key=d.key, rationale=d.rationale), d.settings
    raise ScenarioError(f"Der er intet scenarie '{text[:120]}' (hverken gemt eller i datapakkens scenarios.json).")
