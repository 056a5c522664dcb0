"""The registers in the store: every record, change or withdrawal of an initiative or an actor appends one version.

All writes take ``actor=`` (the identity acting) and check its right to edit the registers inside the write
transaction (``edit_registers``: Planlægger and Administrator; read-only mode refuses): AccessDenied otherwise,
nothing written. A record is checked against the vocabulary (``check_initiative`` / ``check_actor``); a change of
an existing record needs a reason and, with ``expected_version``, is refused if someone else changed the record
since (naming who, ``RegisterConflict``). A new record that repeats a current one (same name ignoring case, same
areas, same type or sector) is refused. Nothing is ever deleted: a withdrawn record is a new version with
``withdrawn`` set and stays in the history. Every problem is a Danish RegisterError and nothing is written.

Ids are 'i-000001' (initiatives) and 'a-000001' (actors), counted from the highest stored one.

The data package's own records (``registers.package``) are every record's version 0: pass them as ``base`` and
a change or withdrawal of one stores its version 1 (with a reason, as any change), a duplicate of one is refused,
and its history starts with the package's version. ``register_revision`` changes with every write.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine, Table, func, select

from selection.access import EDIT_REGISTERS, Actor, authorize
from selection.access.model import stored_by_text
from selection.registers.model import (
    MAX_TEXT,
    Entry,
    Initiative,
    RegisterError,
    check_actor,
    check_initiative,
    package_entry,
)
from selection.registers.model import Actor as ActorRecord
from selection.registers.vocabulary import Vocabulary
from selection.storage.database import read_connection, write_transaction
from selection.storage.database.tables import actor_version, initiative_version
from selection.text.form_fields import clean_text, name_key
from selection.text.literal import printable

R = TypeVar("R", Initiative, ActorRecord)
MAX_LISTED = 30  # problems of an import listed in the message; the rest are counted (all are in ``problems``)


class RegisterConflict(RegisterError):
    """The record has a newer version than the one the planner opened; nothing was written."""

    def __init__(self, message: str, version: int):
        super().__init__(message)
        self.version = version  # the record's newest version now


class RegisterImportError(RegisterError):
    """An import refused as a whole; ``problems`` names every problem by line (the message lists the first)."""

    def __init__(self, message: str, problems: Sequence[str]):
        super().__init__(message)
        self.problems = list(problems)


@dataclass(frozen=True)
class ImportRow:
    """One row of a file: its line, the id it names (None: a new record) and the plain values for the check."""

    line: int
    record_id: str | None
    raw: Mapping[str, object]


@dataclass
class ImportOutcome:
    """What an import did: (line, id, version) of each new record and each changed one; lines left unchanged."""

    added: list[tuple[int, str, int]] = field(default_factory=list)
    changed: list[tuple[int, str, int]] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)


# ---------------------------------------------------------------- the two kinds of record


def _json_list(items: Sequence[str]) -> str:
    return json.dumps(list(items), ensure_ascii=False)


def _initiative_columns(item: Initiative) -> dict[str, Any]:
    return {
        "area_ids": _json_list(item.area_ids),
        "name": item.name,
        "type": item.type,
        "operator": item.operator,
        "target_groups": _json_list(item.target_groups),
        "start_date": item.start,
        "end_date": item.end,
        "status": item.status,
        "relevance": item.relevance,
        "trust_evidence": item.trust_evidence,
        "evidence_text": item.evidence_text,
        "source": item.source,
        "verification": item.verification,
        "recorded_by": item.recorded_by,
        "reason": item.reason,
    }


def _initiative(row: Mapping[str, Any]) -> Initiative:
    return Initiative(
        id=row["record_id"],
        area_ids=tuple(json.loads(row["area_ids"])),
        name=row["name"],
        type=row["type"],
        operator=row["operator"],
        target_groups=tuple(json.loads(row["target_groups"])),
        start=row["start_date"],
        end=row["end_date"],
        status=row["status"],
        relevance=row["relevance"],
        trust_evidence=row["trust_evidence"],
        evidence_text=row["evidence_text"],
        source=row["source"],
        verification=row["verification"],
        recorded_by=row["recorded_by"],
        reason=row["reason"],
    )


def _actor_columns(item: ActorRecord) -> dict[str, Any]:
    return {
        "sector": item.sector,
        "name": item.name,
        "lon": item.lon,
        "lat": item.lat,
        "area_ids": _json_list(item.area_ids),
        "relation": item.relation,
        "motivation": item.motivation,
        "motivation_reason": item.motivation_reason,
        "learned_via": item.learned_via,
        "nsk_competence": bool(item.nsk_competence),
        "competence_text": item.competence_text,
        "extra": json.dumps(dict(item.extra), ensure_ascii=False, sort_keys=True),
        "source": item.source,
        "verification": item.verification,
        "recorded_by": item.recorded_by,
        "reason": item.reason,
    }


def _actor(row: Mapping[str, Any]) -> ActorRecord:
    return ActorRecord(
        id=row["record_id"],
        sector=row["sector"],
        name=row["name"],
        lon=None if row["lon"] is None else float(row["lon"]),
        lat=None if row["lat"] is None else float(row["lat"]),
        area_ids=tuple(json.loads(row["area_ids"])),
        relation=row["relation"],
        motivation=row["motivation"],
        motivation_reason=row["motivation_reason"],
        learned_via=row["learned_via"],
        nsk_competence=bool(row["nsk_competence"]),
        competence_text=row["competence_text"],
        source=row["source"],
        verification=row["verification"],
        recorded_by=row["recorded_by"],
        reason=row["reason"],
        extra=dict(json.loads(row["extra"] or "{}")),
    )


@dataclass(frozen=True)
class _Kind(Generic[R]):
    table: Table
    prefix: str  # 'i' or 'a'
    what: str  # 'Indsatsen' / 'Aktøren' (the subject of a sentence)
    noun: str  # 'indsats' / 'aktør'
    type_word: str  # what besides name and areas makes a duplicate
    columns: Callable[[R], dict[str, Any]]
    record: Callable[[Mapping[str, Any]], R]
    kind_of: Callable[[R], str]

    def duplicate_key(self, item: R) -> Hashable:
        place: tuple[object, ...] = tuple(sorted(item.area_ids))
        if not place and isinstance(item, ActorRecord):  # an actor placed only by its coordinates
            place = (round(item.lon or 0.0, 5), round(item.lat or 0.0, 5))
        return (name_key(item.name), place, self.kind_of(item))


INITIATIVES: _Kind[Initiative] = _Kind(
    initiative_version, "i", "Indsatsen", "indsats", "type", _initiative_columns, _initiative, lambda i: i.type
)
ACTORS: _Kind[ActorRecord] = _Kind(
    actor_version, "a", "Aktøren", "aktør", "sektor", _actor_columns, _actor, lambda a: a.sector
)


def _entry(kind: _Kind[R], row: Mapping[str, Any]) -> Entry[R]:
    return Entry(
        record=kind.record(row),
        version=int(row["version"]),
        withdrawn=bool(row["withdrawn"]),
        change_reason=row["change_reason"],
        recorded_at=row["recorded_at"].replace(tzinfo=UTC),
        actor_subject=row["actor_subject"],
        actor_email=row["actor_email"],
        actor_method=row["actor_method"],
    )


def _latest_rows(conn: Connection, table: Table) -> list[Mapping[str, Any]]:
    newest = select(table.c.record_id, func.max(table.c.version).label("version")).group_by(table.c.record_id)
    sub = newest.subquery()
    query = select(table).join(sub, (table.c.record_id == sub.c.record_id) & (table.c.version == sub.c.version))
    return [dict(r) for r in conn.execute(query.order_by(table.c.record_id)).mappings().all()]


def _shown(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- the one write path


class _Writer(Generic[R]):
    """Checks and appends versions inside one write transaction, knowing every record's newest version."""

    def __init__(self, conn: Connection, kind: _Kind[R], actor: Actor, base: Sequence[R] = ()):
        self.conn = conn
        self.kind: _Kind[R] = kind
        self.actor = actor
        self.latest: dict[str, Mapping[str, Any]] = {r["record_id"]: r for r in _latest_rows(conn, kind.table)}
        for item in base:  # the package's records: version 0 unless a version is stored
            self.latest.setdefault(item.id, _base_row(kind, item))
        self.current: dict[str, R] = {rid: kind.record(row) for rid, row in self.latest.items()}
        self.keys: dict[Hashable, str] = {
            kind.duplicate_key(item): rid for rid, item in self.current.items() if not self.latest[rid]["withdrawn"]
        }
        pattern = re.compile(rf"{kind.prefix}-(\d{{1,9}})")
        numbers = [int(m.group(1)) for rid in self.latest if (m := pattern.fullmatch(rid))]
        self.next_number = max(numbers, default=0) + 1

    def _existing(self, record_id: str, expected_version: int | None) -> Mapping[str, Any]:
        row = self.latest.get(record_id)
        if row is None:
            raise RegisterError(f"Der er ingen {self.kind.noun} med id '{_shown(record_id, 40)}'. Intet er gemt.")
        name = f"{self.kind.what} '{_shown(row['name'])}' ({record_id})"
        if expected_version is not None and int(row["version"]) != int(expected_version):
            who = stored_by_text(row["actor_subject"], row["actor_email"], row["actor_method"]) or row["recorded_by"]
            why = f": {_shown(row['change_reason'], 200)}" if row["change_reason"] else ""
            raise RegisterConflict(
                f"{name} er ændret af {who or 'en anden'} (version {row['version']}{why}), "
                f"siden du åbnede version {expected_version}. Intet er gemt.",
                int(row["version"]),
            )
        if row["withdrawn"]:
            raise RegisterError(f"{name} er trukket tilbage og kan ikke ændres. Intet er gemt.")
        return row

    def store(
        self,
        check: Callable[[str], R],
        record_id: str | None,
        expected_version: int | None,
        change_reason: object,
    ) -> tuple[str, int] | None:
        """Check and insert one version (None: the record is unchanged, nothing inserted)."""
        row = self._existing(record_id, expected_version) if record_id is not None else None
        reason = clean_text(
            change_reason,
            "Årsagen til ændringen",
            MAX_TEXT,
            required=record_id is not None,
            multiline=True,
            error=RegisterError,
        )
        new_id = record_id if record_id is not None else f"{self.kind.prefix}-{self.next_number:06d}"
        item = check(new_id)
        if record_id is not None and item == self.current[record_id]:
            return None
        key = self.kind.duplicate_key(item)
        other = self.keys.get(key)
        if other is not None and other != new_id:
            raise RegisterError(
                f"Der findes allerede en {self.kind.noun} med samme navn, {self.kind.type_word} og områder: "
                f"'{_shown(self.current[other].name)}' ({other}). Ret den i stedet, eller giv den nye et andet "
                "navn. Intet er gemt."
            )
        version = 1 if row is None else int(row["version"]) + 1
        self._insert(new_id, version, self.kind.columns(item), withdrawn=False, reason="" if row is None else reason)
        if row is not None:
            self.keys.pop(self.kind.duplicate_key(self.current[new_id]), None)
        else:
            self.next_number += 1
        self.current[new_id] = item
        self.keys[key] = new_id
        return new_id, version

    def withdraw(self, record_id: str, expected_version: int | None, change_reason: object) -> tuple[str, int]:
        row = self._existing(record_id, expected_version)
        reason = clean_text(
            change_reason, "Årsagen til tilbagetrækningen", MAX_TEXT, required=True, multiline=True, error=RegisterError
        )
        item = self.current[record_id]
        version = int(row["version"]) + 1
        self._insert(record_id, version, self.kind.columns(item), withdrawn=True, reason=reason)
        self.keys.pop(self.kind.duplicate_key(item), None)
        return record_id, version

    def _insert(self, record_id: str, version: int, columns: dict[str, Any], *, withdrawn: bool, reason: str) -> None:
        now = datetime.now(UTC).replace(tzinfo=None)
        values = {
            **columns,
            "record_id": record_id,
            "version": version,
            "withdrawn": withdrawn,
            "change_reason": reason,
            "recorded_at": now,
            **self.actor.identity.columns(),
        }
        self.conn.execute(self.kind.table.insert().values(**values))
        self.latest[record_id] = values


def _base_row(kind: _Kind[R], item: R) -> dict[str, Any]:
    """A package record as the newest row of its record: version 0, stored by nobody."""
    return {
        **kind.columns(item),
        "record_id": item.id,
        "version": 0,
        "withdrawn": False,
        "change_reason": "",
        "recorded_at": None,
        "actor_subject": "",
        "actor_email": "",
        "actor_method": "",
    }


def _write(
    engine: Engine,
    kind: _Kind[R],
    actor: Actor,
    work: Callable[[_Writer[R]], tuple[str, int] | None],
    base: Sequence[R] = (),
) -> tuple[str, int] | None:
    with write_transaction(engine, lock_table=kind.table.name) as conn:
        authorize(conn, actor, EDIT_REGISTERS)
        return work(_Writer(conn, kind, actor, base))


def _unchanged(kind: _Kind[R], record_id: str) -> RegisterError:
    return RegisterError(f"{kind.what} ({record_id}) er uændret; der er intet at gemme.")


def _initiative_check(
    vocabulary: Vocabulary, area_ids: Collection[str], raw: Mapping[str, object]
) -> Callable[[str], Initiative]:
    return lambda record_id: check_initiative(raw, vocabulary, area_ids, record_id=record_id)


def _actor_check(
    vocabulary: Vocabulary, sectors: Collection[str], area_ids: Collection[str], raw: Mapping[str, object]
) -> Callable[[str], ActorRecord]:
    return lambda record_id: check_actor(raw, vocabulary, sectors, area_ids, record_id=record_id)


def _record(
    engine: Engine,
    kind: _Kind[R],
    actor: Actor,
    check: Callable[[str], R],
    record_id: str | None,
    expected_version: int | None,
    change_reason: object,
    base: Sequence[R],
) -> Entry[R]:
    done = _write(engine, kind, actor, lambda w: w.store(check, record_id, expected_version, change_reason), base)
    if done is None:
        raise _unchanged(kind, str(record_id))
    return _get(engine, kind, *done)


def record_initiative(
    engine: Engine,
    actor: Actor,
    vocabulary: Vocabulary,
    area_ids: Collection[str],
    raw: Mapping[str, object],
    *,
    record_id: str | None = None,
    expected_version: int | None = None,
    change_reason: object = "",
    base: Sequence[Initiative] = (),
) -> Entry[Initiative]:
    """Record a new initiative (``record_id`` None: a new id 'i-000123') or a new version of one; the stored entry.

    ``raw`` holds plain values (ids or labels, dates as ``date``; see ``check_initiative``). A change needs a
    ``change_reason``; with ``expected_version`` a record changed since is refused (RegisterConflict). An
    unchanged record is refused too (nothing to store). ``base``: the package's records (module docstring)."""
    check = _initiative_check(vocabulary, area_ids, raw)
    return _record(engine, INITIATIVES, actor, check, record_id, expected_version, change_reason, base)


def record_actor(
    engine: Engine,
    actor: Actor,
    vocabulary: Vocabulary,
    sectors: Collection[str],
    area_ids: Collection[str],
    raw: Mapping[str, object],
    *,
    record_id: str | None = None,
    expected_version: int | None = None,
    change_reason: object = "",
    base: Sequence[ActorRecord] = (),
) -> Entry[ActorRecord]:
    """Record a new actor ('a-000123') or a new version of one, as ``record_initiative``; ``sectors`` are the
    sector ids of criteria.json."""
    check = _actor_check(vocabulary, sectors, area_ids, raw)
    return _record(engine, ACTORS, actor, check, record_id, expected_version, change_reason, base)


def _withdraw(
    engine: Engine,
    kind: _Kind[R],
    actor: Actor,
    record_id: str,
    expected_version: int | None,
    reason: object,
    base: Sequence[R],
) -> Entry[R]:
    done = _write(engine, kind, actor, lambda w: w.withdraw(record_id, expected_version, reason), base)
    assert done is not None  # a withdrawal always writes a version
    return _get(engine, kind, *done)


def withdraw_initiative(
    engine: Engine,
    actor: Actor,
    record_id: str,
    *,
    expected_version: int | None = None,
    change_reason: object,
    base: Sequence[Initiative] = (),
) -> Entry[Initiative]:
    """Withdraw an initiative: a new version with ``withdrawn`` set and the reason; nothing is deleted."""
    return _withdraw(engine, INITIATIVES, actor, record_id, expected_version, change_reason, base)


def withdraw_actor(
    engine: Engine,
    actor: Actor,
    record_id: str,
    *,
    expected_version: int | None = None,
    change_reason: object,
    base: Sequence[ActorRecord] = (),
) -> Entry[ActorRecord]:
    """Withdraw an actor: a new version with ``withdrawn`` set and the reason; nothing is deleted."""
    return _withdraw(engine, ACTORS, actor, record_id, expected_version, change_reason, base)


# ---------------------------------------------------------------- imports: all or none


def _import(
    engine: Engine,
    kind: _Kind[R],
    actor: Actor,
    rows: Sequence[ImportRow],
    checks: Callable[[Mapping[str, object]], Callable[[str], R]],
    change_reason: object,
    problems: Sequence[str],
    base: Sequence[R] = (),
) -> ImportOutcome:
    found = list(problems)
    outcome = ImportOutcome()
    with write_transaction(engine, lock_table=kind.table.name) as conn:
        authorize(conn, actor, EDIT_REGISTERS)
        writer = _Writer(conn, kind, actor, base)
        seen: dict[str, int] = {}
        for row in rows:
            if row.record_id is not None:
                if row.record_id in seen:
                    found.append(f"Linje {row.line}: id '{row.record_id}' står også på linje {seen[row.record_id]}.")
                    continue
                seen[row.record_id] = row.line
            done: tuple[str, int] | None
            try:
                done = writer.store(checks(row.raw), row.record_id, None, change_reason)
            except RegisterError as exc:
                found.append(printable(f"Linje {row.line}: {str(exc).removesuffix(' Intet er gemt.')}"))
                continue
            if done is None:
                outcome.unchanged.append(row.line)
                continue
            stored_id, version = done
            (outcome.added if row.record_id is None else outcome.changed).append((row.line, stored_id, version))
        if found:
            shown = found[:MAX_LISTED]
            if len(found) > MAX_LISTED:
                shown.append(f"… og {len(found) - MAX_LISTED} problemer mere.")
            raise RegisterImportError(
                f"Filen kan ikke indlæses ({len(found)} problem{'er' if len(found) != 1 else ''}): "
                + " ".join(shown)
                + " Intet er gemt.",
                found,
            )
    return outcome


def import_initiatives(
    engine: Engine,
    actor: Actor,
    vocabulary: Vocabulary,
    area_ids: Collection[str],
    rows: Sequence[ImportRow],
    *,
    change_reason: object,
    problems: Sequence[str] = (),
    base: Sequence[Initiative] = (),
) -> ImportOutcome:
    """Store rows read from a file in ONE transaction: all or none. A row without id is a new initiative; a row
    with one changes it (``change_reason``) unless nothing changed. ``problems`` found while reading the file
    are reported together with the rows' own (RegisterImportError, every problem by line)."""
    return _import(
        engine,
        INITIATIVES,
        actor,
        rows,
        lambda raw: _initiative_check(vocabulary, area_ids, raw),
        change_reason,
        problems,
        base,
    )


def import_actors(
    engine: Engine,
    actor: Actor,
    vocabulary: Vocabulary,
    sectors: Collection[str],
    area_ids: Collection[str],
    rows: Sequence[ImportRow],
    *,
    change_reason: object,
    problems: Sequence[str] = (),
    base: Sequence[ActorRecord] = (),
) -> ImportOutcome:
    """As ``import_initiatives``, for actors."""
    return _import(
        engine,
        ACTORS,
        actor,
        rows,
        lambda raw: _actor_check(vocabulary, sectors, area_ids, raw),
        change_reason,
        problems,
        base,
    )


# ---------------------------------------------------------------- reading


def _get(engine: Engine, kind: _Kind[R], record_id: str, version: int) -> Entry[R]:
    table = kind.table
    query = select(table).where((table.c.record_id == record_id) & (table.c.version == int(version)))
    with read_connection(engine) as conn:
        row = dict(conn.execute(query).mappings().one())
    return _entry(kind, row)


def _current(engine: Engine | None, kind: _Kind[R], include_withdrawn: bool, base: Sequence[R]) -> list[Entry[R]]:
    rows: list[Mapping[str, Any]] = []
    if engine is not None:
        with read_connection(engine) as conn:
            rows = _latest_rows(conn, kind.table)
    entries = {r["record_id"]: _entry(kind, r) for r in rows if include_withdrawn or not r["withdrawn"]}
    stored = {r["record_id"] for r in rows}
    entries.update({item.id: package_entry(item) for item in base if item.id not in stored})
    return [entries[k] for k in sorted(entries)]


def _history(engine: Engine | None, kind: _Kind[R], record_id: str, base: Sequence[R]) -> list[Entry[R]]:
    table = kind.table
    rows: Sequence[Mapping[str, Any]] = ()
    if engine is not None:
        query = select(table).where(table.c.record_id == str(record_id)).order_by(table.c.version)
        with read_connection(engine) as conn:
            rows = [dict(r) for r in conn.execute(query).mappings().all()]
    first = [package_entry(item) for item in base if item.id == str(record_id)][:1]
    if not rows and not first:
        raise RegisterError(f"Der er ingen {kind.noun} med id '{_shown(str(record_id), 40)}'.")
    return first + [_entry(kind, dict(r)) for r in rows]


def current_initiatives(
    engine: Engine | None, *, include_withdrawn: bool = False, base: Sequence[Initiative] = ()
) -> list[Entry[Initiative]]:
    """The newest version of every initiative (withdrawn ones only if asked), by id; the package's records
    (``base``) that nobody has changed as their version 0. ``engine`` None: the package's records only."""
    return _current(engine, INITIATIVES, include_withdrawn, base)


def current_actors(
    engine: Engine | None, *, include_withdrawn: bool = False, base: Sequence[ActorRecord] = ()
) -> list[Entry[ActorRecord]]:
    """The newest version of every actor, as ``current_initiatives``."""
    return _current(engine, ACTORS, include_withdrawn, base)


def initiative_history(
    engine: Engine | None, record_id: str, base: Sequence[Initiative] = ()
) -> list[Entry[Initiative]]:
    """Every version of an initiative, oldest first (the package's version 0 first, if it has one);
    RegisterError (Danish) if there is none."""
    return _history(engine, INITIATIVES, record_id, base)


def actor_history(engine: Engine | None, record_id: str, base: Sequence[ActorRecord] = ()) -> list[Entry[ActorRecord]]:
    """Every version of an actor, oldest first, as ``initiative_history``."""
    return _history(engine, ACTORS, record_id, base)


def register_revision(engine: Engine) -> int:
    """Changes with every stored version of either register (the sum of the newest row ids; cheap to read)."""
    with read_connection(engine) as conn:
        return sum(
            int(conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one())
            for t in (initiative_version, actor_version)
        )


@dataclass(frozen=True)
class RegisterChanges:
    """The newest stored version of every record changed after the given row ids (withdrawals included), and the
    newest row id of each register that was read (pass them back to read only what is newer next time)."""

    initiatives: list[Entry[Initiative]]
    actors: list[Entry[ActorRecord]]
    seen: tuple[int, int]


def last_row_ids(engine: Engine) -> tuple[int, int]:
    """The newest row id of the initiative and the actor register (0: empty)."""
    with read_connection(engine) as conn:
        ids = [
            int(conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one())
            for t in (initiative_version, actor_version)
        ]
    return ids[0], ids[1]


def _newest_after(conn: Connection, table: Table, after: int) -> list[Mapping[str, Any]]:
    """The newest row per record among the rows with id > ``after`` (a short scan of the id index)."""
    rows = conn.execute(select(table).where(table.c.id > after).order_by(table.c.id)).mappings().all()
    newest: dict[str, Mapping[str, Any]] = {}
    for row in rows:
        newest[row["record_id"]] = dict(row)
    return list(newest.values())


def changes_since(engine: Engine, seen: tuple[int, int]) -> RegisterChanges:
    """What was stored after the row ids ``seen`` (as returned by ``last_row_ids`` before the last full read)."""
    with read_connection(engine) as conn:
        last = tuple(
            int(conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one())
            for t in (initiative_version, actor_version)
        )
        initiatives = [_entry(INITIATIVES, r) for r in _newest_after(conn, initiative_version, seen[0])]
        actors = [_entry(ACTORS, r) for r in _newest_after(conn, actor_version, seen[1])]
    return RegisterChanges(initiatives, actors, (max(last[0], seen[0]), max(last[1], seen[1])))
