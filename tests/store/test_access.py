"""Edit rights in the core: every write path x role, local and read-only modes, identities recorded.

Runs on SQLite and on PostgreSQL (the ``engine`` fixture). A refused write raises AccessDenied with a
Danish message and leaves the store (and the import folder) exactly as it was.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from selection.access import (
    ADMINISTRATOR,
    ASSESS,
    PLANNER,
    READER,
    AccessDenied,
    AccessPolicy,
    Actor,
    PolicyError,
    assign_role,
    authorize,
    change_history,
    cli_identity,
    current_assignments,
    local_identity,
    log_change,
    oidc_identity,
    policy_from_settings,
    role_of,
    seed_roles,
)
from selection.assessments import NewAssessment, history, record_assessment, record_assessments
from selection.data.dataset import load_dataset
from selection.decisions import NewDecision, Participant, list_decisions, record_decision
from selection.importing import validate_import
from selection.importing.apply import apply_import, reset_import, restore_import
from selection.scenarios import parse_settings
from selection.scenarios.saved import save_new
from selection.storage.database import open_store
from selection.storage.database.tables import assessment, change_log, decision, role_assignment, scenario_version
from selection.storage.packages import active_data_dir, has_stored_import
from tests.support.databases import AREA_IDS, MODEL
from tests.support.factory import ADMIN, make_package
from tests.support.sign_in import ISSUER, signed_in

DAY = date(2026, 11, 20)
SNAPSHOT = {"areas": [{"id": "a", "name": "Alfa"}], "dataset": {"version": "t1", "content_hash": "0" * 64}}
POLICY = AccessPolicy()
PEOPLE = {  # OIDC users and the role an administrator gives them (None: no assignment)
    "admin": ("sub-admin", "admin@kk.test", ADMINISTRATOR),
    "planner": ("sub-planner", "planner@kk.test", PLANNER),
    "reader": ("sub-reader", "reader@kk.test", READER),
    "unknown": ("sub-unknown", "unknown@kk.test", None),
}
# What each role may do, per write path (the roles' permissions are data; this is the expected outcome).
ALLOWED = {
    "admin": {"assess", "sheet", "scenario", "decision", "import", "reset", "restore", "roles"},
    "planner": {"assess", "sheet", "scenario"},
    "reader": set(),
    "unknown": set(),  # unknown users are Læser by default
}
PATHS = sorted(ALLOWED["admin"])


def person(key: str, policy: AccessPolicy = POLICY) -> Actor:
    subject, email, _ = PEOPLE[key]
    return Actor(signed_in(subject, email, key.title()), policy)


def give_roles(engine) -> None:
    for _, email, role in PEOPLE.values():
        if role is not None:
            assign_role(engine, ADMIN, email, role, "Test")


def new(value: float = 3.0, name: str = "Anna") -> NewAssessment:
    return NewAssessment("a", "t1", value, "Begrundelse", "", name, "SSP", DAY)


def form() -> NewDecision:
    return NewDecision(DAY, (Participant("Bo", "Formand"),), "Standardvægte", "a", "Fordi", "", "", "Bo")


def count(engine, table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.fixture
def packages(tmp_path: Path):
    """A data package, an import plan on it, and an empty import folder."""
    current = load_dataset(make_package(tmp_path / "pkg"))
    return current, tmp_path / "imports"


def state_of(engine, data_dir: Path) -> tuple:
    """Everything a write could change: each table's rows and the import in use."""
    tables = (assessment, decision, role_assignment, change_log, scenario_version)
    return (
        *(count(engine, t) for t in tables),
        has_stored_import(data_dir),
        str(active_data_dir(data_dir)) if has_stored_import(data_dir) else "",
    )


def attempt(path: str, engine, actor: Actor, current, data_dir: Path):
    plan = validate_import([("v.csv", b"area_id,t1\na,4\n")], current)
    if path == "assess":
        return record_assessment(engine, new(), MODEL, AREA_IDS, 0, actor=actor)
    if path == "sheet":
        return record_assessments(
            engine, [new(2.0), replace(new(4.0), area_id="b")], MODEL, AREA_IDS, [0, 0], actor=actor
        )
    if path == "scenario":
        return save_new(engine, MODEL, "Behov først", "Fordi.", parse_settings({}, MODEL), "Anna", actor=actor)
    if path == "decision":
        return record_decision(engine, form(), SNAPSHOT, actor=actor)
    if path == "import":
        return apply_import(plan, data_dir, actor=actor, engine=engine)
    if path == "reset":
        apply_import(plan, data_dir, actor=ADMIN, engine=engine)
        before = state_of(engine, data_dir)
        try:
            return reset_import(data_dir, actor=actor, engine=engine)
        except AccessDenied:
            assert state_of(engine, data_dir) == before
            raise
    if path == "restore":
        apply_import(plan, data_dir, actor=ADMIN, engine=engine)
        reset_import(data_dir, actor=ADMIN, engine=engine)
        before = state_of(engine, data_dir)
        try:
            return restore_import(data_dir, actor=actor, engine=engine)
        except AccessDenied:
            assert state_of(engine, data_dir) == before
            raise
    return assign_role(engine, actor, "ny@kk.test", PLANNER, "Ny kollega")


@pytest.mark.parametrize("who", sorted(ALLOWED))
@pytest.mark.parametrize("path", PATHS)
def test_every_write_path_checks_the_role_on_the_server(engine, packages, who, path):
    current, data_dir = packages
    give_roles(engine)
    actor = person(who)
    before = state_of(engine, data_dir)
    if path in ALLOWED[who]:
        attempt(path, engine, actor, current, data_dir)
        return
    with pytest.raises(AccessDenied) as refused:
        attempt(path, engine, actor, current, data_dir)
    message = str(refused.value)
    assert message.startswith(("Med rollen Læser må du ikke", "Med rollen Planlægger må du ikke"))
    assert message.endswith("Intet er ændret.")
    if path not in ("reset", "restore"):  # those set their own stage first and compare after it
        assert state_of(engine, data_dir) == before


def test_a_role_taken_away_counts_at_once_and_no_access_is_refused(engine, packages):
    give_roles(engine)
    planner = person("planner")
    record_assessment(engine, new(), MODEL, AREA_IDS, 0, actor=planner)
    assign_role(engine, ADMIN, "planner@kk.test", None, "Stopper")
    assert role_of(engine, planner) is None
    with pytest.raises(AccessDenied, match=re.escape("har ikke adgang og må ikke gemme vurderinger. Intet er ændret.")):
        record_assessment(engine, new(4.0), MODEL, AREA_IDS, 1, actor=planner)
    assert count(engine, assessment) == 1


def test_unknown_users_get_no_access_when_the_policy_says_so(engine):
    closed = policy_from_settings({"SELECTION_UNKNOWN_ROLE": "ingen"}.get)
    assert closed.unknown_role is None
    assert role_of(engine, person("unknown", closed)) is None
    assert role_of(engine, person("unknown")).id == READER
    with pytest.raises(AccessDenied):
        authorize(engine, person("unknown", closed), ASSESS)


def test_read_only_mode_refuses_every_write_even_for_administrators_and_the_command_line(engine, packages):
    current, data_dir = packages
    give_roles(engine)
    read_only = policy_from_settings({"SELECTION_READ_ONLY": "1"}.get)
    for actor in (
        person("admin", read_only),
        Actor(cli_identity("ops"), read_only),
        Actor(local_identity("Bo"), read_only),
    ):
        assert role_of(engine, actor).id == READER  # everyone sees everything as a Læser
        for path in PATHS:
            folder = data_dir / f"{actor.identity.method}-{path}"
            before = state_of(engine, folder)
            with pytest.raises(AccessDenied, match="skrivebeskyttet tilstand"):
                attempt(path, engine, actor, current, folder)
            if path not in ("reset", "restore"):
                assert state_of(engine, folder) == before


def test_local_mode_takes_the_configured_role_and_records_the_name_as_typed(engine):
    admin_local = Actor(local_identity("  Bo   Berg "), POLICY)
    assert role_of(engine, admin_local).id == ADMINISTRATOR  # the one person on their own machine
    saved = record_assessment(engine, new(name="Bo Berg"), MODEL, AREA_IDS, 0, actor=admin_local)
    assert (saved.actor_subject, saved.actor_email, saved.actor_method) == ("Bo Berg", "", "local")
    assert history(engine)[0].stored_by == "Bo Berg (lokal tilstand)"
    planner_local = Actor(local_identity("Eva"), policy_from_settings({"SELECTION_LOCAL_ROLE": "Planlægger"}.get))
    record_assessment(engine, new(2.0, "Eva"), MODEL, AREA_IDS, 1, actor=planner_local)
    with pytest.raises(AccessDenied, match="Med rollen Planlægger må du ikke registrere beslutninger"):
        record_decision(engine, form(), SNAPSHOT, actor=planner_local)


def test_every_stored_change_records_the_identity(engine, packages):
    current, data_dir = packages
    give_roles(engine)
    admin = person("admin")
    saved = record_assessment(engine, new(), MODEL, AREA_IDS, 0, actor=admin)
    assert history(engine)[0].stored_by == "admin@kk.test (logget ind, id sub-admin)"
    assert saved.actor_subject == "sub-admin"
    record_decision(engine, form(), SNAPSHOT, actor=admin)
    stored = list_decisions(engine)[0]
    assert (stored.actor_subject, stored.actor_email, stored.actor_method) == ("sub-admin", "admin@kk.test", "oidc")
    loaded = apply_import(
        validate_import([("v.csv", b"area_id,t1\na,4\n")], current), data_dir, actor=admin, engine=engine
    )
    assert loaded.meta["imports"][-1]["imported_by"] == "Admin <admin@kk.test>"
    assert loaded.meta["imports"][-1]["imported_by_subject"] == "sub-admin"
    reset_import(data_dir, actor=Actor(cli_identity("ops")), engine=engine)
    log = change_history(engine)
    assert [(e["action"], e["method"]) for e in log] == [("reset", "cli"), ("import", "oidc")]
    assert log[0]["by"] == "ops"
    assert log[0]["subject"].startswith("ops@")
    assign_role(engine, admin, "ny@kk.test", PLANNER, "Ny kollega")
    newest = current_assignments(engine)
    assert [(a.principal, a.role_id, a.assigned_by) for a in newest if a.principal == "ny@kk.test"] == [
        ("ny@kk.test", PLANNER, "Admin <admin@kk.test>")
    ]


def test_role_changes_are_append_only_and_checked(engine):
    give_roles(engine)
    with pytest.raises(ValueError, match="hverken en e-mailadresse"):
        assign_role(engine, ADMIN, "ikke en adresse", PLANNER, "x")
    with pytest.raises(ValueError, match="Begrundelsen skal udfyldes"):
        assign_role(engine, ADMIN, "a@kk.test", PLANNER, "  ")
    with pytest.raises(ValueError, match="Ukendt rolle"):
        assign_role(engine, ADMIN, "a@kk.test", "chef", "x")
    with pytest.raises(ValueError, match="eneste administrator"):
        assign_role(engine, ADMIN, "ADMIN@kk.test", PLANNER, "x")
    assign_role(engine, ADMIN, "sub:sub-planner", ADMINISTRATOR, "Forfremmet")  # by subject, newest wins
    assert role_of(engine, person("planner")).id == ADMINISTRATOR
    with engine.begin() as conn:
        log_change(conn, ADMIN, "import", "Version x")
    rows = count(engine, role_assignment)
    # The database's own refusal (the append-only triggers).
    with pytest.raises(DBAPIError, match="Rolletildelinger kan ikke ændres eller slettes"), engine.begin() as conn:
        conn.execute(text("DELETE FROM role_assignment"))
    with pytest.raises(DBAPIError, match="Ændringsloggen kan ikke ændres eller slettes"), engine.begin() as conn:
        conn.execute(text("UPDATE change_log SET detail = 'x'"))
    assert count(engine, role_assignment) == rows
    assert change_history(engine)[0]["detail"] == "Version x"


def test_the_last_administrator_keeps_the_role_under_each_of_their_keys(engine):
    """A signed-in person is found by e-mail or subject, and the newest assignment naming either wins: giving the
    only administrator's other key a lesser role would leave nobody who may assign roles."""
    assign_role(engine, ADMIN, "admin@kk.test", ADMINISTRATOR, "Første")
    admin = person("admin")
    for role in (READER, None):  # by themselves
        with pytest.raises(ValueError, match="eneste administrator"):
            assign_role(engine, admin, "sub:sub-admin", role, "Ved en fejl")
    assert [a.principal for a in current_assignments(engine)] == ["admin@kk.test"]
    assign_role(engine, admin, "planner@kk.test", PLANNER, "Ny planlægger")  # the store has seen both their keys
    with pytest.raises(ValueError, match="eneste administrator"):  # so the command line is refused too
        assign_role(engine, ADMIN, "sub:sub-admin", PLANNER, "Ved en fejl")
    assert role_of(engine, admin).id == ADMINISTRATOR
    assign_role(engine, admin, "planner@kk.test", ADMINISTRATOR, "Anden administrator")  # now there are two
    assign_role(engine, admin, "sub:sub-admin", READER, "Træder tilbage")
    assert role_of(engine, admin).id == READER
    assert role_of(engine, person("planner")).id == ADMINISTRATOR


def test_an_email_address_the_provider_has_not_verified_gives_no_role(engine):
    """Roles are given by e-mail: a provider that lets people type their own address (self-registration,
    ``email_verified`` false) must not make anyone who types an administrator's address an administrator."""
    assign_role(engine, ADMIN, "admin@kk.test", ADMINISTRATOR, "Første")
    for flag in (False, "false"):
        claims = {"sub": "selv-registreret", "email": "admin@kk.test", "email_verified": flag, "name": "Mallory"}
        claimed = Actor(oidc_identity({**claims, "iss": ISSUER}, issuer=ISSUER), POLICY)
        assert role_of(engine, claimed).id == READER  # an unknown user (the policy's default role)
        with pytest.raises(AccessDenied, match="Læser"):
            authorize(engine, claimed, ASSESS)
    verified = signed_in("sub-admin", "admin@kk.test")
    assert role_of(engine, Actor(verified, POLICY)).id == ADMINISTRATOR


def test_the_first_administrator_is_seeded_once_and_never_overrides_a_later_assignment(engine, tmp_path):
    roles_file = tmp_path / "roller.toml"
    roles_file.write_text('[roles]\n"Pia@KK.test" = "Planlægger"\n', encoding="utf-8")
    policy = policy_from_settings({"SELECTION_ADMIN": "Admin@kk.test", "SELECTION_ROLES_FILE": str(roles_file)}.get)
    assert policy.seed == (("admin@kk.test", ADMINISTRATOR), ("pia@kk.test", PLANNER))
    assert seed_roles(engine, policy) == 2
    assert seed_roles(engine, policy) == 0
    assert role_of(engine, person("admin", policy)).id == ADMINISTRATOR
    assign_role(engine, person("admin", policy), "pia@kk.test", READER, "Kun læse")
    assert seed_roles(engine, policy) == 0
    pia = Actor(signed_in("p", "pia@kk.test"), policy)
    assert role_of(engine, pia).id == READER
    seeded = [a for a in current_assignments(engine) if a.principal == "admin@kk.test"]
    assert seeded[0].assigned_by_method == "seed"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"SELECTION_READ_ONLY": "måske"}, "SELECTION_READ_ONLY skal være 1 eller 0"),
        ({"SELECTION_LOCAL_ROLE": "chef"}, "SELECTION_LOCAL_ROLE: ukendt rolle 'chef'"),
        ({"SELECTION_UNKNOWN_ROLE": "gæst"}, "SELECTION_UNKNOWN_ROLE: ukendt rolle"),
        ({"SELECTION_ROLES_FILE": "/findes/ikke.toml"}, "Rollefilen /findes/ikke.toml kan ikke læses"),
    ],
)
def test_bad_settings_get_a_danish_message(settings, message):
    with pytest.raises(PolicyError, match=message):
        policy_from_settings(settings.get)


def test_bad_roles_files_get_a_danish_message(tmp_path):
    for content, message in (
        ("roles = [", "ikke gyldig TOML"),
        ("[andet]\nx = 1\n", "skal have en tabel"),
        ('[roles]\n"a@kk.test" = "Chef"\n', "ukendt rolle 'Chef'"),
    ):
        path = tmp_path / "roller.toml"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(PolicyError, match=message):
            policy_from_settings({"SELECTION_ROLES_FILE": str(path)}.get)


def test_an_identity_without_a_subject_is_refused():
    with pytest.raises(AccessDenied, match="intet bruger-id"):
        oidc_identity({"email": "x@kk.test"})
    entra = oidc_identity(
        {"sub": "abc", "preferred_username": "bo@kk.dk", "name": "Bo", "iss": ISSUER}, issuer=ISSUER
    )  # preferred_username is typed, never verified: shown at most, never a key to a role (issue 29)
    assert (entra.email, entra.name, entra.principals()) == ("", "Bo", ["sub:abc"])


def test_the_decision_snapshot_json_is_untouched_by_the_identity_columns(engine):
    record_decision(engine, form(), SNAPSHOT, actor=ADMIN)
    with engine.connect() as conn:
        frozen = conn.execute(select(decision.c.snapshot)).scalar_one()
    assert json.loads(frozen) == SNAPSHOT


def test_a_database_from_before_sign_in_keeps_every_row_and_gains_roles(db_url):
    """Upgrade 0003 -> 0005: assessments and decisions stay as typed (no identity), roles arrive as data."""
    from selection.storage.database import current_revision, head_revision, open_engine, open_store, upgrade

    old = open_engine(db_url)
    upgrade(old, "0003_decision")
    with old.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO assessment (area_id, indicator_id, value, reason, assessor_name, assessed_on, "
                "recorded_at, value_version, assessor_key) "
                "VALUES ('a', 't1', 4, 'gammel', 'Anna', '2025-01-02', '2025-01-02 10:00:00', 1, 'anna')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO decision (decided_on, participants, scenario, chosen_area_id, reasons, dissent, "
                "conditions, recorded_by, recorded_at, data_version, content_hash, snapshot) "
                "VALUES ('2025-01-03', '[]', 's', 'a', 'r', '', '', 'Bo som skrevet', '2025-01-03 10:00:00', "
                "'v', 'h', '{}')"
            )
        )
    old.dispose()
    engine = open_store(db_url)
    try:
        assert current_revision(engine) == head_revision()
        (entry,) = history(engine)
        assert (entry.assessor_name, entry.value, entry.reason, entry.stored_by) == ("Anna", 4.0, "gammel", "")
        (kept,) = list_decisions(engine)
        assert (kept.recorded_by, kept.actor_method) == ("Bo som skrevet", "")
        assert role_of(engine, person("planner")).id == READER  # roles table seeded by the migration
        record_assessment(engine, new(5.0, "Bo"), MODEL, AREA_IDS, 1, actor=ADMIN)
        assert [e.stored_by for e in history(engine)] == ["", "tester@test-host (kommandolinjen)"]
    finally:
        engine.dispose()


def test_a_database_password_never_appears_in_the_message():
    """A server that cannot be reached: the Danish message names the problem, not the URL or its password."""
    from selection.storage.database import StoreError, open_store
    from tests.support.server import free_port

    password = "hemmeligt-Kodeord-9f2c"
    with pytest.raises(StoreError) as failed:
        open_store(f"postgresql://planner:{password}@127.0.0.1:{free_port()}/selection", busy_timeout_s=2)
    assert password not in str(failed.value)
    assert "planner:" not in str(failed.value)
    assert "Intet er ændret" in str(failed.value)


def test_the_decision_report_names_the_identity_that_stored_it(engine):
    give_roles(engine)
    record_decision(engine, form(), SNAPSHOT, actor=person("admin"))
    (stored,) = list_decisions(engine)
    assert stored.report_fields()["stored_by"] == "admin@kk.test (logget ind, id sub-admin)"


@pytest.mark.parametrize(
    ("path", "table"),
    [
        ("assess", assessment),
        ("decision", decision),
        ("scenario", scenario_version),
        ("roles", role_assignment),
        ("import", change_log),
    ],
)
def test_insert_or_replace_cannot_rewrite_a_stored_row(tmp_path, packages, path, table):
    """SQLite carries out REPLACE by deleting the old row without firing its DELETE trigger, so another SQL
    client could rewrite history in place with ``INSERT OR REPLACE`` (or ``REPLACE INTO``) of a stored row."""
    engine = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    current, data_dir = packages
    try:
        attempt(path, engine, ADMIN, current, data_dir)
        with engine.connect() as conn:
            before = [tuple(r) for r in conn.execute(select(table).order_by(table.c.id))]
    finally:
        engine.dispose()
    client = sqlite3.connect(tmp_path / "s.sqlite")  # another program, without this app's connection settings
    columns = [c.name for c in table.c]
    text_column = next(
        c.name for c in table.c if c.name not in ("id",) and isinstance(before[0][columns.index(c.name)], str)
    )
    rewritten = [v + " (omskrevet)" if name == text_column else v for name, v in zip(columns, before[0], strict=True)]
    for verb in ("INSERT OR REPLACE INTO", "REPLACE INTO"):
        with pytest.raises(sqlite3.IntegrityError, match="kan ikke ændres eller slettes"):
            client.execute(
                f"{verb} {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [str(v) if hasattr(v, "isoformat") else v for v in rewritten],  # dates as SQLite stores them
            )
    client.close()
    engine = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    try:
        with engine.connect() as conn:
            assert [tuple(r) for r in conn.execute(select(table).order_by(table.c.id))] == before
    finally:
        engine.dispose()
