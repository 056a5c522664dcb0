"""Saved scenarios in the store: every save, change, rename, duplicate or archive appends one version.

All writes go through ``append_version`` (one transaction, serialised against other writers, with a
version check so nothing another planner saved is overwritten). Every write takes ``actor=`` and checks
the actor's right to save scenarios inside that transaction (AccessDenied, Danish, nothing written);
each version records the identity that stored it beside the author as typed. Nothing is ever deleted: an archived
scenario is a new version with ``archived`` set and stays in the history.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from selection.access import SAVE_SCENARIO, Actor, authorize
from selection.access.model import stored_by_text
from selection.data.criteria import CriteriaModel
from selection.scenarios.settings import ScenarioError, ScenarioSettings, parse_settings
from selection.storage.database import read_connection, write_transaction
from selection.storage.database.tables import scenario_version as table
from selection.text.form_fields import clean_text, name_key

MAX_NAME = 120
MAX_AUTHOR = 120
MAX_TEXT = 8000


@dataclass(frozen=True)
class Scenario:
    """One stored version of a scenario (the newest version is the scenario as it stands)."""

    id: int
    version: int
    name: str
    rationale: str
    author: str
    recorded_at: datetime  # timezone-aware, UTC
    settings_data: dict[str, Any]  # JSON form (parse against the model in use with ``settings``)
    archived: bool
    change_reason: str
    actor_subject: str | None = None  # the identity that stored the version (None: before sign-in existed)
    actor_email: str | None = None
    actor_method: str | None = None

    @property
    def stored_by(self) -> str:
        """The identity that stored this version, in words ('' for versions from before sign-in)."""
        return stored_by_text(self.actor_subject, self.actor_email, self.actor_method)

    def settings(self, model: CriteriaModel) -> ScenarioSettings:
        """The settings checked against ``model``; ScenarioError if the data no longer fits them."""
        try:
            return parse_settings(self.settings_data, model)
        except ScenarioError as exc:
            raise ScenarioError(f"Scenariet '{self.name}' passer ikke til datasættet: {exc}") from None


def clean_name(name: object) -> str:
    """A scenario name: one line, 1–120 characters, not only digits (digits are ids)."""
    text = clean_text(name, "Navnet", MAX_NAME, required=True, multiline=False, error=ScenarioError)
    if text.isdigit():
        raise ScenarioError("Navnet må ikke kun bestå af cifre (tal bruges som scenarienumre).")
    return text


def _author(author: object) -> str:
    return clean_text(author, "Forfatteren", MAX_AUTHOR, required=True, multiline=False, error=ScenarioError)


def _row(row: Any) -> Scenario:
    return Scenario(
        id=int(row["scenario_id"]),
        version=int(row["version"]),
        name=row["name"],
        rationale=row["rationale"],
        author=row["author"],
        recorded_at=row["recorded_at"].replace(tzinfo=UTC),
        settings_data=json.loads(row["settings"]),
        archived=bool(row["archived"]),
        change_reason=row["change_reason"],
        actor_subject=row["actor_subject"],
        actor_email=row["actor_email"],
        actor_method=row["actor_method"],
    )


def _latest_rows(conn: Any) -> list[Any]:
    newest = (
        select(table.c.scenario_id, func.max(table.c.version).label("version")).group_by(table.c.scenario_id).subquery()
    )
    query = (
        select(table)
        .join(newest, (table.c.scenario_id == newest.c.scenario_id) & (table.c.version == newest.c.version))
        .order_by(table.c.scenario_id)
    )
    return list(conn.execute(query).mappings().all())


class ScenarioConflict(ScenarioError):
    """The scenario has a newer version than the one the planner opened; nothing was written."""

    def __init__(self, message: str, version: int):
        super().__init__(message)
        self.version = version  # the scenario's newest version now


def append_version(
    engine: Engine,
    model: CriteriaModel,
    *,
    actor: Actor,
    author: object,
    scenario_id: int | None,
    expected_version: int | None,
    name: object,
    rationale: object,
    settings: ScenarioSettings,
    archived: bool = False,
    change_reason: object = "",
) -> Scenario:
    """The one write path: append a version (``scenario_id`` None: a new scenario) and return it.

    ``actor`` must be allowed to save scenarios (checked in the write transaction, so a role taken away
    meanwhile counts; read-only mode refuses): otherwise AccessDenied and nothing is written. The row
    records the actor's identity; ``author`` is the name as typed (or the signed-in name).
    ``expected_version`` is the version the planner opened; if the scenario has moved on since, the
    save is refused (ScenarioError) and nothing is written. A change of an existing scenario needs a
    ``change_reason``. Active (not archived) scenarios have distinct names (ignoring case).
    """
    with write_transaction(engine, lock_table="scenario_version") as conn:
        authorize(conn, actor, SAVE_SCENARIO)
        scenario_id, version = _append(
            conn,
            model,
            actor,
            author,
            scenario_id,
            expected_version,
            name,
            rationale,
            settings,
            archived,
            change_reason,
        )
    return get_scenario(engine, scenario_id, version)


def _append(
    conn: Connection,
    model: CriteriaModel,
    actor: Actor,
    author: object,
    scenario_id: int | None,
    expected_version: int | None,
    name: object,
    rationale: object,
    settings: ScenarioSettings,
    archived: bool,
    change_reason: object,
) -> tuple[int, int]:
    """Check and insert one version inside the caller's write transaction; (scenario id, version)."""
    clean_author = _author(author)
    clean = clean_name(name)
    why = clean_text(rationale, "Begrundelsen", MAX_TEXT, required=True, multiline=True, error=ScenarioError)
    reason = clean_text(
        change_reason,
        "Årsagen til ændringen",
        MAX_TEXT,
        required=scenario_id is not None,
        multiline=True,
        error=ScenarioError,
    )
    frozen = json.dumps(parse_settings(settings.to_dict(), model).to_dict(), ensure_ascii=False, sort_keys=True)
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    latest = {int(r["scenario_id"]): r for r in _latest_rows(conn)}
    if scenario_id is None:
        scenario_id = max(latest, default=0) + 1
        version = 1
    else:
        if scenario_id not in latest:
            raise ScenarioError(f"Der er intet scenarie nr. {scenario_id}.")
        current = latest[scenario_id]
        if expected_version is not None and int(current["version"]) != int(expected_version):
            why = f": {current['change_reason']}" if current["change_reason"] else ""
            raise ScenarioConflict(
                f"Scenariet '{current['name']}' er ændret af {current['author']} "
                f"(version {current['version']}{why}), siden du åbnede version {expected_version}. Intet er gemt.",
                int(current["version"]),
            )
        version = int(current["version"]) + 1
    if not archived:
        for other_id, row in latest.items():
            if other_id != scenario_id and not row["archived"] and name_key(row["name"]) == name_key(clean):
                raise ScenarioError(
                    f"Der findes allerede et scenarie med navnet '{row['name']}' (nr. {other_id}). Vælg et andet navn."
                )
    conn.execute(
        table.insert().values(
            scenario_id=scenario_id,
            version=version,
            name=clean,
            name_key=name_key(clean),
            rationale=why,
            author=clean_author,
            recorded_at=now,
            settings=frozen,
            archived=archived,
            change_reason=reason,
            **actor.identity.columns(),
        )
    )
    return scenario_id, version


def save_new(
    engine: Engine,
    model: CriteriaModel,
    name: object,
    rationale: object,
    settings: ScenarioSettings,
    author: object,
    *,
    actor: Actor,
) -> Scenario:
    """'Gem som scenarie': a new scenario at version 1."""
    return append_version(
        engine,
        model,
        actor=actor,
        author=author,
        scenario_id=None,
        expected_version=None,
        name=name,
        rationale=rationale,
        settings=settings,
    )


def save_change(
    engine: Engine,
    model: CriteriaModel,
    scenario: Scenario,
    settings: ScenarioSettings,
    change_reason: object,
    author: object,
    rationale: object | None = None,
    *,
    actor: Actor,
) -> Scenario:
    """Save changed settings (and optionally a new rationale) as the next version of ``scenario``."""
    return append_version(
        engine,
        model,
        actor=actor,
        author=author,
        scenario_id=scenario.id,
        expected_version=scenario.version,
        name=scenario.name,
        rationale=scenario.rationale if rationale is None else rationale,
        settings=settings,
        archived=scenario.archived,
        change_reason=change_reason,
    )


def rename(
    engine: Engine, model: CriteriaModel, scenario: Scenario, new_name: object, author: object, *, actor: Actor
) -> Scenario:
    """A new version with another name (same settings)."""
    return append_version(
        engine,
        model,
        actor=actor,
        author=author,
        scenario_id=scenario.id,
        expected_version=scenario.version,
        name=new_name,
        rationale=scenario.rationale,
        settings=scenario.settings(model),
        archived=scenario.archived,
        change_reason=f"Omdøbt fra '{scenario.name}'",
    )


def set_archived(
    engine: Engine, model: CriteriaModel, scenario: Scenario, archived: bool, author: object, *, actor: Actor
) -> Scenario:
    """Archive (or bring back) a scenario: a new version; nothing is deleted."""
    return append_version(
        engine,
        model,
        actor=actor,
        author=author,
        scenario_id=scenario.id,
        expected_version=scenario.version,
        name=scenario.name,
        rationale=scenario.rationale,
        settings=scenario.settings(model),
        archived=archived,
        change_reason="Arkiveret" if archived else "Taget frem fra arkivet",
    )


def duplicate(
    engine: Engine, model: CriteriaModel, scenario: Scenario, new_name: object, author: object, *, actor: Actor
) -> Scenario:
    """A new scenario with the same settings and rationale under another name."""
    return save_new(engine, model, new_name, scenario.rationale, scenario.settings(model), author, actor=actor)


def import_scenarios(
    engine: Engine,
    model: CriteriaModel,
    entries: Sequence[tuple[object, object, bool, ScenarioSettings]],
    author: object,
    *,
    actor: Actor,
) -> list[Scenario]:
    """Save (name, rationale, archived, settings) entries as new scenarios in ONE transaction: all or none.

    An archived entry is stored archived from its first version (archived names may repeat). A problem
    raises ScenarioError naming the entry (or AccessDenied); nothing is written then.
    """
    made = []
    with write_transaction(engine, lock_table="scenario_version") as conn:
        authorize(conn, actor, SAVE_SCENARIO)
        for k, (name, rationale, archived, settings) in enumerate(entries, start=1):
            try:
                made.append(_append(conn, model, actor, author, None, None, name, rationale, settings, archived, ""))
            except ScenarioError as exc:
                raise ScenarioError(f"Scenarie {k} ('{str(name)[:MAX_NAME]}'): {exc} Intet er importeret.") from None
    return [get_scenario(engine, scenario_id, version) for scenario_id, version in made]


def list_scenarios(engine: Engine, include_archived: bool = False) -> list[Scenario]:
    """The newest version of every scenario (archived ones only if asked), by number."""
    with read_connection(engine) as conn:
        rows = _latest_rows(conn)
    return [s for s in map(_row, rows) if include_archived or not s.archived]


def get_scenario(engine: Engine, scenario_id: int, version: int | None = None) -> Scenario:
    """One scenario (its newest version, or ``version``); ScenarioError (Danish) if there is none."""
    query = select(table).where(table.c.scenario_id == int(scenario_id))
    query = query.where(table.c.version == int(version)) if version is not None else query
    with read_connection(engine) as conn:
        row = conn.execute(query.order_by(table.c.version.desc()).limit(1)).mappings().first()
    if row is None:
        raise ScenarioError(f"Der er intet scenarie nr. {scenario_id}" + (f" i version {version}." if version else "."))
    return _row(row)


def history(engine: Engine, scenario_id: int) -> list[Scenario]:
    """Every version of a scenario, oldest first."""
    with read_connection(engine) as conn:
        rows = (
            conn.execute(select(table).where(table.c.scenario_id == int(scenario_id)).order_by(table.c.version))
            .mappings()
            .all()
        )
    if not rows:
        raise ScenarioError(f"Der er intet scenarie nr. {scenario_id}.")
    return [_row(r) for r in rows]


def find_scenario(engine: Engine, name_or_id: str) -> Scenario:
    """A scenario by number or by name (ignoring case; active ones first, then archived)."""
    text = str(name_or_id).strip()
    if text.isascii() and text.isdigit() and len(text) < 10:  # '²' is a digit to str.isdigit, not a number
        return get_scenario(engine, int(text))
    found = [s for s in list_scenarios(engine, include_archived=True) if name_key(s.name) == name_key(text)]
    found.sort(key=lambda s: (s.archived, -s.id))
    if not found:
        raise ScenarioError(f"Der er intet gemt scenarie med navnet '{text[:120]}'.")
    return found[0]
