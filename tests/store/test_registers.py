"""The registers of initiatives and actors in the store (both databases): versions, conflicts, withdrawal,
duplicates, roles, hostile text; rows are never changed in place."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from selection.access import (
    PARTICIPANT,
    PLANNER,
    READER,
    AccessDenied,
    AccessPolicy,
    Actor,
    assign_role,
)
from selection.registers import store
from selection.registers.model import RegisterError
from selection.registers.vocabulary import load_vocabulary
from selection.storage.database.tables import actor_version, initiative_version
from tests.support.databases import AREA_IDS, MODEL
from tests.support.factory import ADMIN
from tests.support.sign_in import signed_in

VOCABULARY = load_vocabulary()
SECTORS = [s.id for s in MODEL.sectors]


def initiative(**changes: object) -> dict[str, object]:
    raw: dict[str, object] = {
        "area_ids": ["a"],
        "name": "Bydelsmødre i Alfa",
        "type": "Bydelsmødre",
        "operator": "civilsamfund",
        "target_groups": ["kvinder", "Forældre"],
        "start": date(2021, 3, 1),
        "end": None,
        "status": "aktiv",
        "relevance": "direct",
        "trust_evidence": "attendance",
        "evidence_text": "Fremmødelister 2023-24",
        "source": "Helhedsplanens årsrapport 2024",
        "verification": "verified",
        "recorded_by": "Anna",
        "reason": "Kendt fra møde",
    }
    raw.update(changes)
    return raw


def actor(**changes: object) -> dict[str, object]:
    raw: dict[str, object] = {
        "sector": "school",
        "name": "Alfa Skole",
        "lon": 12.5,
        "lat": 55.7,
        "area_ids": ["a"],
        "relation": "Distriktsskole",
        "motivation": "committed",
        "motivation_reason": "Skoleleder vil være med",
        "learned_via": "meeting",
        "nsk_competence": True,
        "competence_text": "Temadage 2024",
        "source": "Møde 3. maj",
        "verification": "unverified",
    }
    raw.update(changes)
    return raw


def new_initiative(engine, who: Actor = ADMIN, **changes: object):
    return store.record_initiative(engine, who, VOCABULARY, AREA_IDS, initiative(**changes))


def new_actor(engine, who: Actor = ADMIN, **changes: object):
    return store.record_actor(engine, who, VOCABULARY, SECTORS, AREA_IDS, actor(**changes))


def rows(engine, table=initiative_version) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def person(subject: str, email: str, policy: AccessPolicy | None = None) -> Actor:
    identity = signed_in(subject, email, email.split("@")[0].title())
    return Actor(identity, policy or AccessPolicy())


def test_an_initiative_is_recorded_changed_and_kept_in_every_version(engine):
    first = new_initiative(engine)
    assert (first.id, first.version, first.withdrawn, first.change_reason) == ("i-000001", 1, False, "")
    assert first.record.type == "bydelsmoedre"
    assert first.record.target_groups == ("kvinder", "foraeldre")
    assert first.record.start == date(2021, 3, 1)
    assert first.recorded_at.utcoffset() == timedelta(0)
    assert "tester@test-host" in first.stored_by
    second = store.record_initiative(
        engine,
        ADMIN,
        VOCABULARY,
        AREA_IDS,
        initiative(area_ids=["a", "b"], trust_evidence="independent", evidence_text="Evaluering 2025"),
        record_id=first.id,
        expected_version=1,
        change_reason="Evalueringen kom",
    )
    assert (second.id, second.version, second.change_reason) == ("i-000001", 2, "Evalueringen kom")
    assert second.record.area_ids == ("a", "b")
    history = store.initiative_history(engine, first.id)
    assert [h.version for h in history] == [1, 2]
    assert history[0].record == first.record  # the old version is kept as it was
    assert [e.version for e in store.current_initiatives(engine)] == [2]
    other = new_initiative(engine, name="Lektiecafé i Beta", type="lektiecafe", area_ids=["b"])
    assert other.id == "i-000002"
    assert [e.id for e in store.current_initiatives(engine)] == ["i-000001", "i-000002"]


def test_a_change_needs_a_reason_and_a_stale_version_is_refused_naming_who(engine):
    first = new_initiative(engine)
    with pytest.raises(RegisterError, match="Årsagen til ændringen skal udfyldes"):
        store.record_initiative(engine, ADMIN, VOCABULARY, AREA_IDS, initiative(name="Nyt navn"), record_id=first.id)
    bo = person("sub-bo", "bo@kk.test")
    assign_role(engine, ADMIN, "bo@kk.test", PLANNER, "Planlægger")
    store.record_initiative(
        engine,
        bo,
        VOCABULARY,
        AREA_IDS,
        initiative(status="afsluttet", end=date(2024, 6, 30)),
        record_id=first.id,
        expected_version=1,
        change_reason="Projektet sluttede",
    )
    with pytest.raises(store.RegisterConflict, match=r"ændret af bo@kk.test.*version 2: Projektet sluttede") as err:
        store.record_initiative(
            engine,
            ADMIN,
            VOCABULARY,
            AREA_IDS,
            initiative(name="Mit navn"),
            record_id=first.id,
            expected_version=1,
            change_reason="Ret navnet",
        )
    assert err.value.version == 2
    assert rows(engine) == 2
    with pytest.raises(RegisterError, match="uændret"):
        store.record_initiative(
            engine,
            ADMIN,
            VOCABULARY,
            AREA_IDS,
            initiative(status="afsluttet", end=date(2024, 6, 30)),
            record_id=first.id,
            change_reason="Ingenting",
        )
    with pytest.raises(RegisterError, match="ingen indsats med id 'i-000099'"):
        store.record_initiative(
            engine, ADMIN, VOCABULARY, AREA_IDS, initiative(), record_id="i-000099", change_reason="x"
        )
    assert rows(engine) == 2


def test_withdrawing_appends_a_version_and_the_record_leaves_the_current_list(engine):
    first = new_initiative(engine)
    with pytest.raises(RegisterError, match="Årsagen til tilbagetrækningen skal udfyldes"):
        store.withdraw_initiative(engine, ADMIN, first.id, change_reason=" ")
    gone = store.withdraw_initiative(engine, ADMIN, first.id, expected_version=1, change_reason="Lukket i 2025")
    assert (gone.version, gone.withdrawn, gone.change_reason) == (2, True, "Lukket i 2025")
    assert gone.record == first.record
    assert store.current_initiatives(engine) == []
    assert [e.withdrawn for e in store.current_initiatives(engine, include_withdrawn=True)] == [True]
    assert [h.version for h in store.initiative_history(engine, first.id)] == [1, 2]
    with pytest.raises(RegisterError, match="trukket tilbage"):
        store.withdraw_initiative(engine, ADMIN, first.id, change_reason="Igen")
    with pytest.raises(RegisterError, match="trukket tilbage"):
        store.record_initiative(
            engine, ADMIN, VOCABULARY, AREA_IDS, initiative(name="X"), record_id=first.id, change_reason="Ret"
        )
    again = new_initiative(engine)  # the same initiative may be recorded again once the old one is withdrawn
    assert again.id == "i-000002"
    assert rows(engine) == 3


def test_a_duplicate_is_refused_ignoring_case_and_spacing(engine):
    new_initiative(engine)
    for name in ("BYDELSMØDRE I ALFA", "Bydelsmødre  i Alfa"):
        with pytest.raises(RegisterError, match=r"findes allerede en indsats.*\(i-000001\)"):
            new_initiative(engine, name=name)
    assert new_initiative(engine, area_ids=["a", "b"]).id == "i-000002"  # other areas: another record
    assert new_initiative(engine, type="lektiecafe").id == "i-000003"  # another type
    with pytest.raises(RegisterError, match="findes allerede"):  # a change may not make it a duplicate either
        store.record_initiative(
            engine,
            ADMIN,
            VOCABULARY,
            AREA_IDS,
            initiative(area_ids=["a"]),
            record_id="i-000002",
            change_reason="Kun Alfa",
        )
    new_actor(engine)
    with pytest.raises(RegisterError, match=r"findes allerede en aktør.*\(a-000001\)"):
        new_actor(engine, name="alfa skole", relation="Noget andet")
    assert new_actor(engine, sector="club").id == "a-000002"
    assert rows(engine) == 3
    assert rows(engine, actor_version) == 2


def test_actors_are_versioned_withdrawn_and_refused_like_initiatives(engine):
    first = new_actor(engine)
    assert (first.id, first.record.sector, first.record.nsk_competence) == ("a-000001", "school", True)
    assert (first.record.lon, first.record.lat, first.record.learned_via) == (12.5, 55.7, "meeting")
    changed = store.record_actor(
        engine,
        ADMIN,
        VOCABULARY,
        SECTORS,
        AREA_IDS,
        actor(motivation="interested", lon=12.123456789012),
        record_id=first.id,
        expected_version=1,
        change_reason="Ny samtale",
    )
    assert changed.version == 2
    assert changed.record.lon == 12.123456789012  # floats are kept exactly
    with pytest.raises(store.RegisterConflict, match="Aktøren 'Alfa Skole' \\(a-000001\\) er ændret af"):
        store.record_actor(
            engine,
            ADMIN,
            VOCABULARY,
            SECTORS,
            AREA_IDS,
            actor(),
            record_id=first.id,
            expected_version=1,
            change_reason="x",
        )
    gone = store.withdraw_actor(engine, ADMIN, first.id, change_reason="Flyttet")
    assert gone.withdrawn
    assert store.current_actors(engine) == []
    assert [h.version for h in store.actor_history(engine, first.id)] == [1, 2, 3]
    with pytest.raises(RegisterError, match="ingen aktør med id"):
        store.actor_history(engine, "a-000009")


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"type": "bydelsmor"}, "Mente du 'Bydelsmødre'"),
        ({"start": date(2024, 1, 1), "end": date(2023, 1, 1), "status": "afsluttet"}, "ligger før start"),
        ({"area_ids": ["zz"]}, "zz findes ikke i datasættet"),
        ({"name": "Navn\u202e"}, "retningstegn"),
        ({"name": "A\x1b[31mB"}, "kontroltegn"),
        ({"name": "x" * 201}, "for mange tegn"),
        ({"source": "  "}, "Kilde skal udfyldes"),
    ],
)
def test_bad_or_hostile_input_is_refused_and_nothing_is_written(engine, changes, words):
    with pytest.raises(RegisterError, match=words):
        new_initiative(engine, **changes)
    assert rows(engine) == 0


def test_hostile_text_that_may_be_stored_comes_back_exactly(engine):
    hostile = "Robert'); DROP TABLE initiative_version;-- =SUM(1+1) <script>alert(1)</script> \U0001f600"
    saved = new_initiative(engine, name=hostile[:200], evidence_text='=HYPERLINK("http://x")\nlinje 2')
    [back] = store.current_initiatives(engine)
    assert back.record.name == saved.record.name == hostile[:200]
    assert back.record.evidence_text == '=HYPERLINK("http://x")\nlinje 2'
    assert rows(engine) == 1


def test_readers_participants_and_read_only_mode_may_not_edit_the_registers(engine):
    first = new_initiative(engine)
    planner = person("sub-p", "planner@kk.test")
    reader = person("sub-r", "reader@kk.test")
    member = person("sub-d", "deltager@kk.test")
    assign_role(engine, ADMIN, "planner@kk.test", PLANNER, "Planlægger")
    assign_role(engine, ADMIN, "reader@kk.test", READER, "Læser")
    assign_role(engine, ADMIN, "deltager@kk.test", PARTICIPANT, "Styregruppe")
    for who, words in ((reader, "Med rollen Læser må du ikke redigere registrene"), (member, "Med rollen Deltager")):
        with pytest.raises(AccessDenied, match=words):
            new_initiative(engine, who, name="Andet")
        with pytest.raises(AccessDenied, match="redigere registrene"):
            new_actor(engine, who)
        with pytest.raises(AccessDenied, match="redigere registrene"):
            store.withdraw_initiative(engine, who, first.id, change_reason="Nej")
        with pytest.raises(AccessDenied, match="redigere registrene"):
            store.import_initiatives(engine, who, VOCABULARY, AREA_IDS, [], change_reason="x")
    locked = Actor(ADMIN.identity, AccessPolicy(read_only=True))
    with pytest.raises(AccessDenied, match="skrivebeskyttet"):
        new_initiative(engine, locked, name="Andet")
    assert (rows(engine), rows(engine, actor_version)) == (1, 0)
    made = new_initiative(engine, planner, name="Planlæggerens indsats")
    assert made.actor_email == "planner@kk.test"
    assert new_actor(engine, planner).version == 1


def test_an_import_is_all_or_none_and_lists_every_problem_by_line(engine):
    first = new_initiative(engine)
    good = store.ImportRow(2, None, initiative(name="Ny klub", type="ungeklub"))
    bad_type = store.ImportRow(3, None, initiative(name="Forkert", type="ukendt type"))
    dup = store.ImportRow(4, None, initiative())
    same_id = store.ImportRow(5, first.id, initiative())
    again = store.ImportRow(6, first.id, initiative(name="Igen"))
    with pytest.raises(store.RegisterImportError) as err:
        store.import_initiatives(
            engine,
            ADMIN,
            VOCABULARY,
            AREA_IDS,
            [good, bad_type, dup, same_id, again],
            change_reason="Fil",
            problems=["Linje 7: datoen kan ikke læses."],
        )
    problems = err.value.problems
    assert problems[0].startswith("Linje 7")
    assert [p.split(":")[0] for p in problems[1:]] == ["Linje 3", "Linje 4", "Linje 6"]
    assert "Intet er gemt." in str(err.value)
    assert rows(engine) == 1
    outcome = store.import_initiatives(
        engine,
        ADMIN,
        VOCABULARY,
        AREA_IDS,
        [good, same_id, store.ImportRow(4, None, initiative(name="Endnu en", area_ids=["c"]))],
        change_reason="Fil",
    )
    assert outcome.added == [(2, "i-000002", 1), (4, "i-000003", 1)]
    assert outcome.unchanged == [5]
    assert rows(engine) == 3


def test_register_rows_cannot_be_changed_deleted_or_replaced_in_the_database(engine):
    new_initiative(engine)
    new_actor(engine)
    for table, words in (("initiative_version", "Indsatser kan ikke"), ("actor_version", "Aktører kan ikke")):
        for statement in (f"UPDATE {table} SET name = 'B'", f"DELETE FROM {table}"):
            with pytest.raises(DBAPIError, match=words), engine.begin() as conn:
                conn.execute(text(statement))
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            row = dict(conn.execute(select(initiative_version)).mappings().one())
        with pytest.raises(DBAPIError, match="Indsatser kan ikke"), engine.begin() as conn:
            conn.execute(initiative_version.insert().prefix_with("OR REPLACE").values(**row))
    else:
        with pytest.raises(DBAPIError, match="Indsatser kan ikke"), engine.begin() as conn:
            conn.execute(text("TRUNCATE initiative_version"))
    assert (rows(engine), rows(engine, actor_version)) == (1, 1)
    assert [e.record.name for e in store.current_initiatives(engine)] == ["Bydelsmødre i Alfa"]


# ---------------------------------------------------------------- the package's records as version 0


def package_initiative(**changes: object):
    from selection.registers.model import check_initiative

    raw = initiative(name="Helhedsplan Alfa", type="helhedsplan", operator="helhedsplan", **changes)
    return check_initiative(raw, VOCABULARY, AREA_IDS, record_id="alfa-helhedsplan")


def test_a_package_record_is_version_0_and_a_change_stores_version_1_with_a_reason(engine):
    base = (package_initiative(),)
    listed = store.current_initiatives(engine, base=base)
    assert [(e.id, e.version, e.from_package, e.stored_by) for e in listed] == [
        ("alfa-helhedsplan", 0, True, "datapakken")
    ]
    raw = initiative(name="Helhedsplan Alfa", type="helhedsplan", operator="helhedsplan", trust_evidence="independent")
    with pytest.raises(RegisterError, match="Årsagen"):  # a change of a package record needs a reason too
        store.record_initiative(engine, ADMIN, VOCABULARY, AREA_IDS, raw, record_id="alfa-helhedsplan", base=base)
    assert rows(engine) == 0
    stale = dict(raw, name="Helhedsplan Alfa 2")
    changed = store.record_initiative(
        engine,
        ADMIN,
        VOCABULARY,
        AREA_IDS,
        raw,
        record_id="alfa-helhedsplan",
        expected_version=0,
        change_reason="Evalueringen er fundet",
        base=base,
    )
    assert (changed.version, changed.record.trust_evidence, changed.from_package) == (1, "independent", False)
    with pytest.raises(store.RegisterConflict):  # opened at version 0, but version 1 is stored now
        store.record_initiative(
            engine,
            ADMIN,
            VOCABULARY,
            AREA_IDS,
            stale,
            record_id="alfa-helhedsplan",
            expected_version=0,
            change_reason="x",
            base=base,
        )
    listed = store.current_initiatives(engine, base=base)
    assert [(e.id, e.version) for e in listed] == [("alfa-helhedsplan", 1)]
    history = store.initiative_history(engine, "alfa-helhedsplan", base=base)
    assert [(h.version, h.recorded_at is None) for h in history] == [(0, True), (1, False)]
    assert history[0].record == base[0]  # the package's version stays as it was


def test_a_package_record_can_be_withdrawn_and_a_new_record_may_not_repeat_it(engine):
    base = (package_initiative(),)
    with pytest.raises(RegisterError, match="findes allerede"):
        store.record_initiative(
            engine,
            ADMIN,
            VOCABULARY,
            AREA_IDS,
            initiative(name="helhedsplan  alfa", type="helhedsplan", operator="helhedsplan"),
            base=base,
        )
    assert rows(engine) == 0
    gone = store.withdraw_initiative(engine, ADMIN, "alfa-helhedsplan", change_reason="Lukket i 2025", base=base)
    assert (gone.version, gone.withdrawn) == (1, True)
    assert store.current_initiatives(engine, base=base) == []
    assert [e.version for e in store.current_initiatives(engine, base=base, include_withdrawn=True)] == [1]
    again = store.record_initiative(
        engine,
        ADMIN,
        VOCABULARY,
        AREA_IDS,
        initiative(name="Helhedsplan Alfa", type="helhedsplan", operator="helhedsplan"),
        base=base,
    )
    assert again.id.startswith("i-")
    assert again.version == 1


def test_a_reader_may_not_change_a_package_record_and_nothing_is_written(engine):
    base = (package_initiative(),)
    reader = person("reader-1", "reader@example.org")
    assign_role(engine, ADMIN, "reader@example.org", READER, "Læser")
    with pytest.raises(AccessDenied, match="redigere registrene"):
        store.withdraw_initiative(engine, reader, "alfa-helhedsplan", change_reason="nej", base=base)
    assert rows(engine) == 0


def test_the_register_revision_changes_with_every_stored_version(engine):
    first = store.register_revision(engine)
    new_initiative(engine)
    second = store.register_revision(engine)
    new_actor(engine)
    third = store.register_revision(engine)
    assert first < second < third


# ---------------------------------------------------------------- reading only what changed


def test_a_refresh_equals_a_full_read_and_recomputes_only_the_touched_areas(engine):
    """The app applies an edit to the registers it holds (rows stored since, rules again for the touched areas);
    the result must equal reading and computing everything again, for records added, changed (moved to another
    area), withdrawn, for package records and for actors."""
    import json
    from types import SimpleNamespace

    from selection.registers.in_force import Computed, Registers, recompute, refresh
    from selection.registers.package import PackageRecords
    from selection.registers.rules import evaluate, parse_rule
    from tests.support.factory import REPO

    criteria = json.loads((REPO / "data" / "areas" / "criteria.json").read_text(encoding="utf-8"))
    rules = {
        ind["id"]: parse_rule(ind["register_rule"], vocabulary=VOCABULARY, where=ind["id"])
        for crit in criteria["criteria"]
        for ind in crit["indicators"]
        if "register_rule" in ind
    }
    dataset = SimpleNamespace(area_ids=AREA_IDS, model=MODEL)
    today = date(2026, 12, 7)
    base = (package_initiative(),)
    package = PackageRecords(base, ())

    def full() -> tuple[Registers, dict[str, Computed]]:
        seen = store.last_row_ids(engine)
        registers = Registers(
            VOCABULARY,
            tuple(store.current_initiatives(engine, base=base)),
            tuple(store.current_actors(engine)),
            today,
            package,
            seen,
        )
        computed = {
            iid: Computed(
                iid,
                rule,
                evaluate(
                    rule,
                    AREA_IDS,
                    VOCABULARY,
                    today=today,
                    initiatives=registers.initiative_records(),
                    actors=registers.actor_records(),
                    sector_labels={s.id: s.label for s in MODEL.sectors},
                ),
            )
            for iid, rule in rules.items()
        }
        return registers, computed

    held, computed = full()
    assert refresh(held, engine) == (held, frozenset())  # nothing new: nothing to do
    first = new_initiative(engine, name="Lektiecafé Beta", area_ids=["b"])
    new_actor(engine)
    store.record_initiative(
        engine,
        ADMIN,
        VOCABULARY,
        AREA_IDS,
        initiative(name="Helhedsplan Alfa", type="helhedsplan", operator="helhedsplan", area_ids=["c"]),
        record_id="alfa-helhedsplan",
        expected_version=0,
        change_reason="Flyttet til Gamma",
        base=base,
    )
    store.withdraw_initiative(engine, ADMIN, first.id, change_reason="Lukket")
    held, touched = refresh(held, engine)
    assert touched == frozenset({"a", "b", "c"})
    computed = recompute(dataset, held, computed, touched)  # type: ignore[arg-type]
    expected, expected_computed = full()
    assert held == expected
    assert computed == expected_computed
    again = new_initiative(engine, name="Forældrecafé Alfa", type="foraeldrecafe")
    held, touched = refresh(held, engine)
    assert touched == frozenset({"a"})
    computed = recompute(dataset, held, computed, touched)  # type: ignore[arg-type]
    assert held.entry(again.id) is not None
    assert (held, computed) == full()
