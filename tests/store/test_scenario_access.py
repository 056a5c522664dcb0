"""Edit rights on scenarios (both databases): every scenario write path x role, read-only mode, the identity
recorded on each version, and a database from before sign-in upgraded with every scenario row kept."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from selection.access import (
    ADMINISTRATOR,
    PLANNER,
    READER,
    AccessDenied,
    AccessPolicy,
    Actor,
    assign_role,
    cli_identity,
    local_identity,
    policy_from_settings,
)
from selection.scenarios import parse_settings
from selection.scenarios import saved as scenarios
from selection.storage.database.tables import scenario_version
from tests.support.databases import MODEL
from tests.support.factory import ADMIN
from tests.support.sign_in import signed_in

PEOPLE = {"admin": ADMINISTRATOR, "planner": PLANNER, "reader": READER}
READ_ONLY = policy_from_settings({"SELECTION_READ_ONLY": "1"}.get)
DEFAULT_POLICY = AccessPolicy()
PATHS = ("save_new", "save_change", "rename", "set_archived", "duplicate")


def person(key: str, policy: AccessPolicy = DEFAULT_POLICY) -> Actor:
    return Actor(signed_in(f"sub-{key}", f"{key}@kk.test", key.title()), policy)


def settings(**raw):
    return parse_settings(raw, MODEL)


def all_rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(scenario_version).order_by(scenario_version.c.id))]


@pytest.fixture
def stage(engine):
    """Roles given by the administrator, and one scenario saved by the command line's administrator."""
    for key, role in PEOPLE.items():
        assign_role(engine, ADMIN, f"{key}@kk.test", role, "Test")
    first = scenarios.save_new(
        engine, MODEL, "Behov først", "Behov vejer tungest.", settings(weights={"need": 2}), "Anna", actor=ADMIN
    )
    return engine, first


def write(path: str, engine, first, actor: Actor):
    if path == "save_new":
        return scenarios.save_new(engine, MODEL, "Nyt", "Fordi.", settings(weights={"trust": 3}), "Bo", actor=actor)
    if path == "save_change":
        return scenarios.save_change(
            engine, MODEL, first, settings(weights={"need": 4}), "Mere behov", "Bo", actor=actor
        )
    if path == "rename":
        return scenarios.rename(engine, MODEL, first, "Behov og tillid", "Bo", actor=actor)
    if path == "set_archived":
        return scenarios.set_archived(engine, MODEL, first, True, "Bo", actor=actor)
    return scenarios.duplicate(engine, MODEL, first, "Kopi", "Bo", actor=actor)


@pytest.mark.parametrize("who", ["admin", "planner"])
@pytest.mark.parametrize("path", PATHS)
def test_planners_and_administrators_may_write_and_their_identity_is_recorded(stage, who, path):
    engine, first = stage
    made = write(path, engine, first, person(who))
    assert (made.actor_subject, made.actor_email, made.actor_method) == (f"sub-{who}", f"{who}@kk.test", "oidc")
    assert made.author == "Bo"  # the name as typed/signed in stays beside the identity
    assert made.stored_by == f"{who}@kk.test (logget ind, id sub-{who})"
    assert scenarios.history(engine, made.id)[-1].stored_by == made.stored_by


@pytest.mark.parametrize("path", PATHS)
def test_a_reader_is_refused_in_danish_and_nothing_is_written(stage, path):
    engine, first = stage
    before = all_rows(engine)
    with pytest.raises(AccessDenied, match=r"^Med rollen Læser må du ikke gemme scenarier\. Intet er ændret\.$"):
        write(path, engine, first, person("reader"))
    assert all_rows(engine) == before


@pytest.mark.parametrize("path", PATHS)
def test_read_only_mode_refuses_every_scenario_write_even_for_administrators(stage, path):
    engine, first = stage
    before = all_rows(engine)
    for actor in (
        person("admin", READ_ONLY),
        person("planner", READ_ONLY),
        Actor(cli_identity("ops"), READ_ONLY),
        Actor(local_identity("Bo"), READ_ONLY),
    ):
        with pytest.raises(AccessDenied, match="skrivebeskyttet tilstand"):
            write(path, engine, first, actor)
    assert all_rows(engine) == before


def test_a_role_taken_away_counts_at_once(stage):
    engine, first = stage
    planner = person("planner")
    changed = write("save_change", engine, first, planner)
    assign_role(engine, ADMIN, "planner@kk.test", READER, "Skifter opgave")
    before = all_rows(engine)
    with pytest.raises(AccessDenied, match="Med rollen Læser"):
        scenarios.set_archived(engine, MODEL, changed, True, "Bo", actor=planner)
    assert all_rows(engine) == before


def test_local_mode_records_the_typed_name_and_follows_the_local_role(engine):
    local_admin = Actor(local_identity("  Bo   Berg "))
    made = scenarios.save_new(engine, MODEL, "A", "Fordi.", settings(), "Bo Berg", actor=local_admin)
    assert (made.actor_subject, made.actor_email, made.actor_method) == ("Bo Berg", "", "local")
    assert made.stored_by == "Bo Berg (lokal tilstand)"
    local_reader = Actor(local_identity("Eva"), policy_from_settings({"SELECTION_LOCAL_ROLE": "Læser"}.get))
    with pytest.raises(AccessDenied, match="Med rollen Læser må du ikke gemme scenarier"):
        scenarios.rename(engine, MODEL, made, "B", "Eva", actor=local_reader)
    cli = scenarios.rename(engine, MODEL, made, "B", "Ops", actor=Actor(cli_identity("ops")))
    assert cli.actor_method == "cli"
    assert cli.stored_by.startswith("ops@")
    assert cli.stored_by.endswith("(kommandolinjen)")


def test_a_database_at_0004_with_scenarios_upgrades_keeping_every_row(db_url):
    """0004_scenario -> head: every scenario version stays as it was (no identity), and new writes record one."""
    from selection.storage.database import current_revision, head_revision, open_engine, open_store, upgrade

    old = open_engine(db_url)
    upgrade(old, "0004_scenario")
    versions = [
        (1, 1, "Behov først", "Anna", "2025-01-02 10:00:00", False, ""),
        (1, 2, "Behov først", "Bo", "2025-01-03 10:00:00", False, "Mere behov"),
        (2, 1, "Gammel", "Carl", "2025-01-04 10:00:00", False, ""),
        (2, 2, "Gammel", "Carl", "2025-01-05 10:00:00", True, "Arkiveret"),
    ]
    frozen = settings(weights={"need": 2}).to_dict()
    with old.begin() as conn:
        for sid, version, name, author, at, archived, reason in versions:
            conn.execute(
                text(
                    "INSERT INTO scenario_version (scenario_id, version, name, name_key, rationale, author, "
                    "recorded_at, settings, archived, change_reason) "
                    "VALUES (:sid, :v, :name, :key, 'Fordi.', :author, :at, :settings, :archived, :reason)"
                ),
                {
                    "sid": sid,
                    "v": version,
                    "name": name,
                    "key": name.casefold(),
                    "author": author,
                    "at": at,
                    "settings": json.dumps(frozen),
                    "archived": archived,
                    "reason": reason,
                },
            )
    old.dispose()
    engine = open_store(db_url)
    try:
        assert current_revision(engine) == head_revision()
        kept = scenarios.history(engine, 1) + scenarios.history(engine, 2)
        assert [
            (s.id, s.version, s.name, s.author, f"{s.recorded_at:%Y-%m-%d %H:%M:%S}", s.archived, s.change_reason)
            for s in kept
        ] == list(versions)
        identities = [(s.actor_subject, s.actor_email, s.actor_method, s.stored_by) for s in kept]
        assert identities == [(None, None, None, "")] * 4
        assert kept[0].settings_data == frozen
        made = scenarios.save_change(
            engine, MODEL, kept[1], settings(weights={"need": 3}), "Endnu mere", "Bo", actor=ADMIN
        )
        assert made.version == 3
        assert made.stored_by == "tester@test-host (kommandolinjen)"
        # still append-only
        with pytest.raises(DBAPIError, match="Scenarier kan ikke ændres eller slettes"), engine.begin() as conn:
            conn.execute(text("DELETE FROM scenario_version"))
        assert len(all_rows(engine)) == 5
    finally:
        engine.dispose()
