"""Save a decision as a new row with its snapshot; list and fetch decisions."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, func, select

from selection.access import RECORD_DECISION, Actor, authorize
from selection.decisions.model import (
    MAX_NAME,
    MAX_PARTICIPANTS,
    MAX_ROLE,
    MAX_TEXT,
    Decision,
    DecisionError,
    NewDecision,
    Participant,
)
from selection.rounds.model import RoundError
from selection.rounds.store import get_round
from selection.storage.database import read_connection, write_transaction
from selection.storage.database.tables import decision
from selection.text.form_fields import clean_text

LOCAL_ZONE = ZoneInfo("Europe/Copenhagen")
EARLIEST_DATE = date(2000, 1, 1)
LIST_COLUMNS = [c for c in decision.c if c.name != "snapshot"]


def _clean(text: object, field: str, limit: int, *, required: bool, multiline: bool) -> str:
    return clean_text(text, field, limit, required=required, multiline=multiline, error=DecisionError)


def _check_ranked(area_id: str, name: str, snapshot: dict[str, Any]) -> None:
    """Refuse a chosen area that has no rank in the decision's own snapshot (excluded by its rules, or unranked)."""
    row = next((r for r in snapshot.get("ranking", []) if r.get("area_id") == area_id), None)
    if row is None or row.get("rank") is not None:
        return
    if row.get("excluded"):
        raise DecisionError(
            f"{name} er udelukket af udelukkelsesreglerne ({row['excluded']}), så det kan ikke vælges. "
            "Fjern eller lemp reglen, eller vælg et rangeret område. Intet er gemt."
        )
    raise DecisionError(f"{name} er ikke rangeret med de viste vægte, så det kan ikke vælges. Intet er gemt.")


def _check_round(round_id: object, snapshot: dict[str, Any]) -> None:
    """The round a decision cites must be the one whose summary its snapshot carries (and none means none)."""
    if round_id is not None and (isinstance(round_id, bool) or not isinstance(round_id, int)):
        raise DecisionError("Vægtningsrunden skal angives med sit nummer.")
    part = snapshot.get("round")
    carried = part.get("id") if isinstance(part, dict) else None
    if round_id != carried:
        if round_id is None:
            raise DecisionError(
                f"Øjebliksbilledet bygger på vægtningsrunde nr. {carried}, men beslutningen angiver ingen runde."
            )
        raise DecisionError(
            f"Øjebliksbilledet indeholder ikke vægtningsrunde nr. {round_id}, som beslutningen bygger på. "
            "Intet er gemt."
        )


def validate_decision(new: NewDecision, snapshot: dict[str, Any]) -> NewDecision:
    """Return the cleaned decision or raise DecisionError (Danish)."""
    on = new.decided_on
    if isinstance(on, datetime) or not isinstance(on, date):
        raise DecisionError("Mødedatoen skal være en dato (fx 2026-11-29).")
    if on > datetime.now(LOCAL_ZONE).date():
        raise DecisionError(f"Mødedatoen {on.isoformat()} ligger i fremtiden.")
    if on < EARLIEST_DATE:
        raise DecisionError(f"Mødedatoen {on.isoformat()} er for gammel (tidligst {EARLIEST_DATE.isoformat()}).")
    people = []
    for k, person in enumerate(new.participants, start=1):
        name = _clean(person.name, f"Deltager {k}: navnet", MAX_NAME, required=False, multiline=False)
        role = _clean(person.role, f"Deltager {k}: rollen", MAX_ROLE, required=False, multiline=False)
        if role and not name:
            raise DecisionError(f"Deltager {k} har en rolle, men intet navn.")
        if name:
            people.append(Participant(name, role))
    if not people:
        raise DecisionError("Angiv mindst én deltager (navn og gerne rolle).")
    if len(people) > MAX_PARTICIPANTS:
        raise DecisionError(f"Højst {MAX_PARTICIPANTS} deltagere.")
    areas = {a["id"]: a["name"] for a in snapshot.get("areas", [])}
    if new.chosen_area_id not in areas:
        raise DecisionError("Vælg et af områderne i rangeringen.")
    _check_ranked(new.chosen_area_id, areas[new.chosen_area_id], snapshot)
    if new.corrects_id is not None and (isinstance(new.corrects_id, bool) or not isinstance(new.corrects_id, int)):
        raise DecisionError("Rettelsen skal henvise til et beslutningsnummer.")
    _check_round(new.round_id, snapshot)
    return replace(
        new,
        participants=tuple(people),
        scenario=_clean(new.scenario, "Scenarie/vægte", MAX_TEXT, required=True, multiline=True),
        reasons=_clean(new.reasons, "Begrundelsen", MAX_TEXT, required=True, multiline=True),
        dissent=_clean(new.dissent, "Afvigende synspunkter", MAX_TEXT, required=False, multiline=True),
        conditions=_clean(new.conditions, "Betingelser og næste skridt", MAX_TEXT, required=False, multiline=True),
        recorded_by=_clean(new.recorded_by, "Registreret af", MAX_NAME, required=True, multiline=False),
    )


def record_decision(
    engine: Engine, new: NewDecision, snapshot: dict[str, Any], *, actor: Actor, submission: str | None = None
) -> Decision:
    """Validate ``new`` and append it with ``snapshot`` (from ``selection.report.take_snapshot``).

    ``submission`` is the form's one-time token: if a decision was already stored with it (a second click, a
    rerun), that decision is returned and nothing new is stored (``Decision.repeated`` is True).

    Raises AccessDenied (the actor's role may not record decisions), DecisionError (bad input, unknown
    corrected decision) or StoreError; nothing is written then. The row records the actor's identity.
    """
    clean = validate_decision(new, snapshot)
    if clean.round_id is not None:
        try:
            cited = get_round(engine, clean.round_id)
        except RoundError as exc:
            raise DecisionError(f"{exc} Intet er gemt.") from None
        if not cited.revealed:
            raise DecisionError(
                f"Resultatet af vægtningsrunde nr. {cited.id} er ikke vist endnu; en beslutning kan kun bygge på en "
                "runde, hvis resultat er vist. Intet er gemt."
            )
    try:
        frozen = json.dumps(snapshot, ensure_ascii=False, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError):
        raise DecisionError("Øjebliksbilledet af data kan ikke gemmes (ikke rene data).") from None
    now = datetime.now(UTC).replace(microsecond=0)
    dataset = snapshot.get("dataset", {})
    token = _submission(submission)
    with write_transaction(engine, lock_table="decision") as conn:
        authorize(conn, actor, RECORD_DECISION)
        stored = None
        if token is not None:
            stored = conn.execute(select(decision.c.id).where(decision.c.submission_id == token)).first()
        if stored is not None:
            new_id = int(stored[0])
        else:
            if clean.corrects_id is not None:
                found = conn.execute(select(decision.c.id).where(decision.c.id == clean.corrects_id)).first()
                if found is None:
                    raise DecisionError(f"Beslutning nr. {clean.corrects_id} findes ikke, så den kan ikke rettes.")
            new_id = conn.execute(
                decision.insert()
                .values(
                    decided_on=clean.decided_on,
                    participants=json.dumps(
                        [{"name": p.name, "role": p.role} for p in clean.participants], ensure_ascii=False
                    ),
                    scenario=clean.scenario,
                    chosen_area_id=clean.chosen_area_id,
                    reasons=clean.reasons,
                    dissent=clean.dissent,
                    conditions=clean.conditions,
                    recorded_by=clean.recorded_by,
                    recorded_at=now.replace(tzinfo=None),
                    corrects_id=clean.corrects_id,
                    data_version=str(dataset.get("version", ""))[:200],
                    content_hash=str(dataset.get("content_hash", ""))[:64],
                    snapshot=frozen,
                    submission_id=token,
                    **actor.identity.columns(),
                )
                .returning(decision.c.id)
            ).scalar_one()
    saved = get_decision(engine, int(new_id))
    return replace(saved, repeated=True) if stored is not None else saved


def _submission(token: str | None) -> str | None:
    """The form's token as stored (None: none); DecisionError for one that is not a short printable token."""
    if token is None:
        return None
    text = str(token).strip()
    if not text or len(text) > 64 or not all(c.isalnum() or c in "-_" for c in text):
        raise DecisionError("Formularens engangsnøgle er ugyldig; genindlæs siden. Intet er gemt.")
    return text


def _decision(row: Any, corrected_by: tuple[int, ...] = (), snapshot: dict[str, Any] | None = None) -> Decision:
    return Decision(
        id=int(row["id"]),
        decided_on=row["decided_on"],
        participants=tuple(Participant(p.get("name", ""), p.get("role", "")) for p in json.loads(row["participants"])),
        scenario=row["scenario"],
        chosen_area_id=row["chosen_area_id"],
        reasons=row["reasons"],
        dissent=row["dissent"],
        conditions=row["conditions"],
        recorded_by=row["recorded_by"],
        recorded_at=row["recorded_at"].replace(tzinfo=UTC),
        corrects_id=row["corrects_id"],
        data_version=row["data_version"],
        content_hash=row["content_hash"],
        snapshot=snapshot,
        corrected_by=corrected_by,
        actor_subject=row.get("actor_subject") or "",
        actor_email=row.get("actor_email") or "",
        actor_method=row.get("actor_method") or "",
    )


def _corrections(conn: Connection) -> dict[int, tuple[int, ...]]:
    out: dict[int, list[int]] = {}
    for new_id, old_id in conn.execute(
        select(decision.c.id, decision.c.corrects_id).where(decision.c.corrects_id.is_not(None)).order_by(decision.c.id)
    ):
        out.setdefault(int(old_id), []).append(int(new_id))
    return {k: tuple(v) for k, v in out.items()}


def list_decisions(engine: Engine) -> list[Decision]:
    """All decisions, newest first, without their snapshots (cheap)."""
    with read_connection(engine) as conn:
        corrections = _corrections(conn)
        rows = conn.execute(select(*LIST_COLUMNS).order_by(decision.c.id.desc())).mappings().all()
    return [_decision(r, corrections.get(int(r["id"]), ())) for r in rows]


def get_decision(engine: Engine, decision_id: int) -> Decision:
    """One decision with its frozen snapshot; DecisionError (Danish) if there is none with that number."""
    with read_connection(engine) as conn:
        row = conn.execute(select(decision).where(decision.c.id == int(decision_id))).mappings().first()
        corrections = _corrections(conn)
    if row is None:
        raise DecisionError(f"Der er ingen beslutning nr. {decision_id}.")
    return _decision(row, corrections.get(int(row["id"]), ()), json.loads(row["snapshot"]))


def decision_count(engine: Engine) -> int:
    with read_connection(engine) as conn:
        return int(conn.execute(select(func.count()).select_from(decision)).scalar_one())
