"""Rounds in the database: open, invite, answer, reveal, close; everything appended, nothing rewritten.

Who may do what:
* ``run_rounds`` (Planlægger, Administrator): open a round, invite, issue a new code, reveal, close, import
  answers collected on paper. Checked inside each write transaction (``authorize``).
* a participant answers only as themselves in their own round: by the invitation code (no sign-in needed;
  the code is valid for that one round and participant, until the round closes or the code expires or is
  replaced), or signed in as the invited e-mail/subject with a role that may ``submit_weights``.
* read-only mode refuses every write.

Anonymous rounds keep no name: only the participant's number, and salted SHA-256 hashes of the name (to refuse
a name twice) and of the sign-in (to recognise the invitee). Answers are stored as 'Deltager 3'.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from selection.access import INVITATION, OIDC, RUN_ROUNDS, SUBMIT_WEIGHTS, AccessDenied, Actor, Identity, authorize
from selection.access.model import METHOD_TEXT
from selection.access.roles import actor_row, clean_principal, role_of
from selection.data.criteria import CriteriaModel
from selection.rounds.model import (
    CLOSED,
    IMPORTED,
    OPEN,
    REVEALED,
    SHARES,
    SWING,
    Participant,
    Round,
    RoundError,
    Submission,
    participant_label,
)
from selection.rounds.weights import ALL_ZERO, normalise
from selection.scenarios.settings import ScenarioError, ScenarioSettings, parse_settings
from selection.storage.database import read_connection, write_transaction
from selection.storage.database.tables import (
    round_event,
    round_invitation,
    round_participant,
    round_submission,
    weighting_round,
)
from selection.text.form_fields import clean_text, name_key

MAX_NAME = 120
MAX_REASON = 2000
MAX_PARTICIPANTS = 250  # a steering group is 5–30 people; the table of ranks stays readable and bounded
CODE_BYTES = 24  # 192 random bits: 32 URL-safe characters
CODE_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,64}")
DEFAULT_VALID_DAYS = 30
MAX_VALID_DAYS = 365
LOCK = "round_submission"  # every round write queues on this table (PostgreSQL)
METHODS = (SHARES, SWING, IMPORTED)


def _now() -> datetime:
    return datetime.now(UTC)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(tzinfo=UTC)


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def _salted(round_id: int, kind: str, text: str) -> str:
    """A per-round salted hash: the same person cannot be followed from one anonymous round to the next."""
    return "h:" + hashlib.sha256(f"{round_id}:{kind}:{text}".encode()).hexdigest()


def clean_round_name(name: object) -> str:
    text = clean_text(name, "Rundens navn", MAX_NAME, required=True, multiline=False, error=RoundError)
    if text.isdigit():
        raise RoundError("Rundens navn må ikke kun bestå af cifre (tal bruges som rundenumre).")
    return text


def clean_participant_name(name: object) -> str:
    return clean_text(name, "Deltagerens navn", MAX_NAME, required=True, multiline=False, error=RoundError)


# ---------------------------------------------------------------- reading


def _round(row: Any, events: Sequence[Any]) -> Round:
    revealed = next((e["recorded_at"] for e in events if e["action"] == "reveal"), None)
    closed = next((e["recorded_at"] for e in events if e["action"] == "close"), None)
    state = CLOSED if closed is not None else REVEALED if revealed is not None else OPEN
    return Round(
        id=int(row["id"]),
        name=row["name"],
        anonymous=bool(row["anonymous"]),
        settings_data=json.loads(row["settings"]),
        scenario_id=row["scenario_id"],
        scenario_version=row["scenario_version"],
        scenario_name=row["scenario_name"],
        data_version=row["data_version"],
        sub_indicators=bool(row["sub_indicators"]),
        created_at=row["created_at"].replace(tzinfo=UTC),
        created_by=row["created_by_name"],
        state=state,
        revealed_at=_aware(revealed),
        closed_at=_aware(closed),
    )


def _rounds(conn: Connection, round_id: int | None = None) -> list[Round]:
    query = select(weighting_round).order_by(weighting_round.c.id)
    events_query = select(round_event).order_by(round_event.c.id)
    if round_id is not None:
        query = query.where(weighting_round.c.id == round_id)
        events_query = events_query.where(round_event.c.round_id == round_id)
    events: dict[int, list[Any]] = {}
    for e in conn.execute(events_query).mappings():
        events.setdefault(int(e["round_id"]), []).append(e)
    return [_round(r, events.get(int(r["id"]), [])) for r in conn.execute(query).mappings()]


def list_rounds(engine: Engine) -> list[Round]:
    """Every round, oldest first."""
    with read_connection(engine) as conn:
        return _rounds(conn)


def _get(conn: Connection, round_id: object) -> Round:
    number = _round_number(round_id)
    found = _rounds(conn, number)
    if not found:
        raise RoundError(f"Der er ingen vægtningsrunde nr. {number}.")
    return found[0]


def _round_number(round_id: object) -> int:
    text = str(round_id).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise RoundError(f"'{text[:40]}' er ikke et rundenummer (et helt tal som 3).")
    return int(text)


def get_round(engine: Engine, round_id: object) -> Round:
    """One round by number; RoundError (Danish) if there is none."""
    with read_connection(engine) as conn:
        return _get(conn, round_id)


def find_round(engine: Engine, name_or_id: object) -> Round:
    """A round by number or by name (ignoring case)."""
    text = str(name_or_id).strip()
    if text.isascii() and text.isdigit():
        return get_round(engine, text)
    with read_connection(engine) as conn:
        row = conn.execute(
            select(weighting_round.c.id).where(weighting_round.c.name_key == name_key(text)[:200])
        ).first()
        if row is None:
            raise RoundError(f"Der er ingen vægtningsrunde med navnet '{text[:120]}'.")
        return _get(conn, row.id)


def round_settings(item: Round, model: CriteriaModel) -> ScenarioSettings:
    """The round's frozen settings checked against the criteria in use (RoundError if they no longer fit)."""
    try:
        return parse_settings(item.settings_data, model)
    except ScenarioError as exc:
        raise RoundError(f"Runden '{item.name}' passer ikke til datasættet i brug: {exc}") from None


def _participant(row: Any) -> Participant:
    return Participant(
        round_id=int(row["round_id"]),
        number=int(row["number"]),
        name=row["name"],
        signed_in=row["principal"] is not None,
        invited_at=row["invited_at"].replace(tzinfo=UTC),
    )


def participants(engine: Engine, round_id: int) -> list[Participant]:
    """The round's participants by number."""
    with read_connection(engine) as conn:
        rows = conn.execute(
            select(round_participant)
            .where(round_participant.c.round_id == int(round_id))
            .order_by(round_participant.c.number)
        ).mappings()
        return [_participant(r) for r in rows]


def labels(engine: Engine, item: Round) -> dict[int, str]:
    """Participant number -> how they are shown ('Deltager 3' in an anonymous round)."""
    return {p.number: p.label(item.anonymous) for p in participants(engine, item.id)}


def _submission(row: Any, anonymous: bool) -> Submission:
    method = row["submitted_by_method"]
    how = METHOD_TEXT.get(method, method)
    who = participant_label(int(row["number"])) if anonymous else row["submitted_by_name"]
    return Submission(
        id=int(row["id"]),
        round_id=int(row["round_id"]),
        number=int(row["number"]),
        version=int(row["version"]),
        method=row["method"],
        weights={k: float(v) for k, v in json.loads(row["weights"]).items()},
        sub_weights=None if row["sub_weights"] is None else json.loads(row["sub_weights"]),
        inputs=json.loads(row["inputs"]),
        reason=row["reason"],
        recorded_at=row["recorded_at"].replace(tzinfo=UTC),
        stored_by=f"{who} ({how})",
    )


def submissions(engine: Engine, round_id: int, *, newest_only: bool = True) -> list[Submission]:
    """The answers of a round: the newest per participant (by number), or every version (oldest first)."""
    with read_connection(engine) as conn:
        item = _get(conn, round_id)
        query = select(round_submission).where(round_submission.c.round_id == item.id)
        if newest_only:
            newest = (
                select(func.max(round_submission.c.id))
                .where(round_submission.c.round_id == item.id)
                .group_by(round_submission.c.number)
            )
            query = query.where(round_submission.c.id.in_(newest)).order_by(round_submission.c.number)
        else:
            query = query.order_by(round_submission.c.id)
        return [_submission(r, item.anonymous) for r in conn.execute(query).mappings()]


def own_submission(engine: Engine, round_id: int, number: int) -> Submission | None:
    """A participant's newest answer (None: not answered yet)."""
    with read_connection(engine) as conn:
        item = _get(conn, round_id)
        row = (
            conn.execute(
                select(round_submission)
                .where(round_submission.c.round_id == item.id, round_submission.c.number == int(number))
                .order_by(round_submission.c.id.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
        return None if row is None else _submission(row, item.anonymous)


@dataclass(frozen=True)
class Progress:
    """What the facilitator screen polls: how many answered, and a token that changes with every answer."""

    invited: int
    answered: int
    last_id: int  # the newest submission's id (0: none)
    state: str


def progress(engine: Engine, round_id: int) -> Progress:
    """Cheap to read every second: three aggregate queries."""
    with read_connection(engine) as conn:
        item = _get(conn, round_id)
        invited = conn.execute(
            select(func.count()).select_from(round_participant).where(round_participant.c.round_id == item.id)
        ).scalar_one()
        answered, last = conn.execute(
            select(
                func.count(func.distinct(round_submission.c.number)), func.coalesce(func.max(round_submission.c.id), 0)
            ).where(round_submission.c.round_id == item.id)
        ).one()
    return Progress(int(invited), int(answered), int(last), item.state)


def may_see_result(engine: Engine, actor: Actor, item: Round) -> bool:
    """The group result (and so the others' answers) is for the facilitator, or everyone once revealed."""
    if item.revealed:
        return True
    if actor.identity.method == INVITATION:
        return False
    role = role_of(engine, actor)
    return role is not None and role.allows(RUN_ROUNDS)


def check_may_see_result(engine: Engine, actor: Actor, item: Round) -> None:
    """RoundError (Danish) when the actor asks for the others' answers before the facilitator reveals them."""
    if not may_see_result(engine, actor, item):
        raise RoundError("De andre deltageres svar og gruppens resultat vises først, når mødelederen viser resultatet.")


# ---------------------------------------------------------------- writing (facilitator)


def _insert_event(conn: Connection, actor: Actor, round_id: int, action: str) -> None:
    conn.execute(
        round_event.insert().values(
            round_id=round_id, action=action, recorded_at=_naive(_now()), **actor_row(actor.identity, "actor")
        )
    )


def open_round(
    engine: Engine,
    actor: Actor,
    model: CriteriaModel,
    *,
    name: object,
    settings: ScenarioSettings,
    data_version: str,
    anonymous: bool = False,
    scenario_id: int | None = None,
    scenario_version: int | None = None,
    scenario_name: str = "",
    sub_indicators: bool = False,
) -> Round:
    """Open a round on ``settings`` (a scenario's, or the sliders'): frozen in the round as they are now."""
    clean = clean_round_name(name)
    frozen = json.dumps(parse_settings(settings.to_dict(), model).to_dict(), ensure_ascii=False, sort_keys=True)
    with write_transaction(engine, lock_table=LOCK) as conn:
        authorize(conn, actor, RUN_ROUNDS)
        clash = conn.execute(
            select(weighting_round.c.id).where(weighting_round.c.name_key == name_key(clean)[:200])
        ).first()
        if clash is not None:
            raise RoundError(f"Der findes allerede en runde med navnet '{clean}' (nr. {clash.id}). Vælg et andet navn.")
        new_id = conn.execute(
            weighting_round.insert()
            .values(
                name=clean,
                name_key=name_key(clean)[:200],
                anonymous=bool(anonymous),
                scenario_id=scenario_id,
                scenario_version=scenario_version,
                scenario_name=(scenario_name or "")[:200],
                settings=frozen,
                data_version=str(data_version)[:200],
                sub_indicators=bool(sub_indicators),
                created_at=_naive(_now()),
                **actor_row(actor.identity, "created_by"),
            )
            .returning(weighting_round.c.id)
        ).scalar_one()
        return _get(conn, new_id)


def _open_for_change(conn: Connection, round_id: object) -> Round:
    item = _get(conn, round_id)
    if not item.is_open:
        raise RoundError(f"Runden '{item.name}' er lukket; den kan ikke ændres. Intet er gemt.")
    return item


def _issue_code(conn: Connection, actor: Actor, item: Round, number: int, valid_days: int) -> str:
    if not 1 <= int(valid_days) <= MAX_VALID_DAYS:
        raise RoundError(f"En invitation gælder fra 1 til {MAX_VALID_DAYS} dage (fik {valid_days}).")
    code = secrets.token_urlsafe(CODE_BYTES)
    now = _now()
    conn.execute(
        round_invitation.insert().values(
            round_id=item.id,
            number=number,
            code_hash=code_hash(code),
            expires_at=_naive(now + timedelta(days=int(valid_days))),
            issued_at=_naive(now),
            **actor_row(actor.identity, "issued_by"),
        )
    )
    return code


def _add_participant(
    conn: Connection, actor: Actor, item: Round, name: object, principal: object | None
) -> tuple[int, bool]:
    """Insert a participant inside the caller's transaction; (number, True) — or (number, False) if a
    participant of that name was already invited (``principal`` None only)."""
    count = conn.execute(
        select(func.count()).select_from(round_participant).where(round_participant.c.round_id == item.id)
    ).scalar_one()
    key = None if principal in (None, "") else clean_principal(principal)
    if item.anonymous and (name is None or str(name).strip() == ""):
        # hashed as its own kind: no typed name (not even '#2') can match a participant invited without one
        shown, stored_key = "", _salted(item.id, "unnamed", str(int(count) + 1))
    else:
        shown = clean_participant_name(name)
        stored_key = _salted(item.id, "name", name_key(shown)) if item.anonymous else name_key(shown)[:200]
    stored_principal = None if key is None else (_salted(item.id, "principal", key) if item.anonymous else key)
    existing = conn.execute(
        select(round_participant.c.number).where(
            round_participant.c.round_id == item.id, round_participant.c.name_key == stored_key
        )
    ).first()
    if existing is not None:
        return int(existing.number), False
    if stored_principal is not None:
        same = conn.execute(
            select(round_participant.c.number).where(
                round_participant.c.round_id == item.id, round_participant.c.principal == stored_principal
            )
        ).first()
        if same is not None:
            raise RoundError(
                f"Den bruger er allerede inviteret som {participant_label(int(same.number))}. Intet er gemt."
            )
    if count >= MAX_PARTICIPANTS:
        raise RoundError(f"En runde kan have højst {MAX_PARTICIPANTS} deltagere. Intet er gemt.")
    number = int(count) + 1
    conn.execute(
        round_participant.insert().values(
            round_id=item.id,
            number=number,
            name="" if item.anonymous else shown,
            name_key=stored_key,
            principal=stored_principal,
            invited_at=_naive(_now()),
            **actor_row(actor.identity, "invited_by"),
        )
    )
    return number, True


@dataclass(frozen=True)
class Invitation:
    """A new participant and, if one was made, their invitation code (shown once; only its hash is stored)."""

    participant: Participant
    code: str | None


def invite(
    engine: Engine,
    actor: Actor,
    round_id: object,
    *,
    name: object = None,
    principal: object | None = None,
    with_code: bool | None = None,
    valid_days: int = DEFAULT_VALID_DAYS,
) -> Invitation:
    """Invite one participant: by name with an invitation code (a link), or as a signed-in user
    (``principal``: e-mail or 'sub:...'), or both. In an anonymous round the name may be left out.
    A name already invited is refused (RoundError): ask for a new code with ``new_code``."""
    with write_transaction(engine, lock_table=LOCK) as conn:
        authorize(conn, actor, RUN_ROUNDS)
        item = _open_for_change(conn, round_id)
        number, added = _add_participant(conn, actor, item, name, principal)
        if not added:
            raise RoundError(
                f"{'Navnet' if not item.anonymous else 'Den deltager'} er allerede inviteret som "
                f"{participant_label(number) if item.anonymous else repr(str(name).strip())}. Intet er gemt."
            )
        code = None
        if with_code or (with_code is None and principal in (None, "")):
            code = _issue_code(conn, actor, item, number, valid_days)
        row = (
            conn.execute(
                select(round_participant).where(
                    round_participant.c.round_id == item.id, round_participant.c.number == number
                )
            )
            .mappings()
            .one()
        )
        return Invitation(_participant(row), code)


def new_code(engine: Engine, actor: Actor, round_id: object, number: int, valid_days: int = DEFAULT_VALID_DAYS) -> str:
    """A new invitation code for a participant; their earlier codes stop working."""
    with write_transaction(engine, lock_table=LOCK) as conn:
        authorize(conn, actor, RUN_ROUNDS)
        item = _open_for_change(conn, round_id)
        found = conn.execute(
            select(round_participant.c.id).where(
                round_participant.c.round_id == item.id, round_participant.c.number == int(number)
            )
        ).first()
        if found is None:
            raise RoundError(f"Runden har ingen {participant_label(int(number))}.")
        return _issue_code(conn, actor, item, int(number), valid_days)


def reveal(engine: Engine, actor: Actor, round_id: object) -> Round:
    """Show the group result (to the projector and in files); answers may still change until the round closes."""
    with write_transaction(engine, lock_table=LOCK) as conn:
        authorize(conn, actor, RUN_ROUNDS)
        item = _open_for_change(conn, round_id)
        if item.state == REVEALED:
            return item  # a second click changes nothing
        _insert_event(conn, actor, item.id, "reveal")
        return _get(conn, item.id)


def close(engine: Engine, actor: Actor, round_id: object) -> Round:
    """Close the round: no more answers, every invitation code stops working. The result is shown."""
    with write_transaction(engine, lock_table=LOCK) as conn:
        authorize(conn, actor, RUN_ROUNDS)
        item = _get(conn, round_id)
        if item.state == CLOSED:
            raise RoundError(f"Runden '{item.name}' er allerede lukket.")
        if item.revealed_at is None:
            _insert_event(conn, actor, item.id, "reveal")
        _insert_event(conn, actor, item.id, "close")
        return _get(conn, item.id)


# ---------------------------------------------------------------- answering


@dataclass(frozen=True)
class Seat:
    """Where an answer goes: the round and the participant's number."""

    round: Round
    number: int
    name: str = ""  # the participant's name ('' in an anonymous round)

    @property
    def label(self) -> str:
        """How the participant is shown: their name, or 'Deltager 3' in an anonymous round."""
        return self.name if self.name and not self.round.anonymous else participant_label(self.number)


def code_problem(code: object) -> str | None:
    """A Danish message if ``code`` cannot be an invitation code at all (before any database read)."""
    text = str(code or "").strip()
    return None if CODE_SHAPE.fullmatch(text) else "Invitationskoden er ikke gyldig. Brug linket, du fik tilsendt."


def _seat_for_code(conn: Connection, code: object) -> Seat:
    problem = code_problem(code)
    if problem:
        raise AccessDenied(problem)
    row = (
        conn.execute(select(round_invitation).where(round_invitation.c.code_hash == code_hash(str(code).strip())))
        .mappings()
        .first()
    )
    if row is None:
        raise AccessDenied("Invitationskoden findes ikke. Kontrollér linket, eller bed mødelederen om et nyt.")
    newest = conn.execute(
        select(func.max(round_invitation.c.id)).where(
            round_invitation.c.round_id == row["round_id"], round_invitation.c.number == row["number"]
        )
    ).scalar_one()
    if int(newest) != int(row["id"]):
        raise AccessDenied("Invitationskoden er erstattet af en nyere. Brug det nyeste link, du fik tilsendt.")
    item = _get(conn, row["round_id"])
    if not item.is_open:
        raise AccessDenied(f"Runden '{item.name}' er lukket, så invitationen gælder ikke længere.")
    if row["expires_at"].replace(tzinfo=UTC) <= _now():
        raise AccessDenied("Invitationen er udløbet. Bed mødelederen om et nyt link.")
    return Seat(item, int(row["number"]), _name(conn, item, int(row["number"])))


def _name(conn: Connection, item: Round, number: int) -> str:
    """The participant's stored name ('' in an anonymous round, where none is kept)."""
    name = conn.execute(
        select(round_participant.c.name).where(
            round_participant.c.round_id == item.id, round_participant.c.number == number
        )
    ).scalar()
    return "" if item.anonymous or name is None else str(name)


def seat_for_code(engine: Engine, code: object) -> Seat:
    """The round and participant an invitation code is for; AccessDenied (Danish) for a forged, replaced or
    expired code, or a closed round. The code grants nothing else."""
    with read_connection(engine) as conn:
        return _seat_for_code(conn, code)


def code_identity(seat: Seat) -> Identity:
    """The identity of a participant who came by their invitation link: the round and their number as the
    subject, their label ('Deltager 3' in an anonymous round) as the name."""
    return Identity(
        subject=f"runde {seat.round.id}, deltager {seat.number}", email="", name=seat.label, method=INVITATION
    )


def seats_for(engine: Engine, identity: Identity) -> list[Seat]:
    """The open rounds a signed-in identity is invited to (by e-mail or subject)."""
    if identity.method != OIDC:
        return []
    keys = identity.principals()
    with read_connection(engine) as conn:
        out = []
        for item in _rounds(conn):
            if not item.is_open:
                continue
            wanted = [_salted(item.id, "principal", k) for k in keys] if item.anonymous else keys
            row = conn.execute(
                select(round_participant.c.number).where(
                    round_participant.c.round_id == item.id, round_participant.c.principal.in_(wanted)
                )
            ).first()
            if row is not None:
                out.append(Seat(item, int(row.number), _name(conn, item, int(row.number))))
        return out


def _authorise_answer(conn: Connection, actor: Actor, seat: Seat, code: object | None) -> None:
    if actor.policy.read_only:
        raise AccessDenied("Appen kører i skrivebeskyttet tilstand (SELECTION_READ_ONLY=1), så intet kan gemmes.")
    if code is not None:
        found = _seat_for_code(conn, code)
        if (found.round.id, found.number) != (seat.round.id, seat.number):
            raise AccessDenied("Invitationskoden gælder ikke for denne deltager. Intet er gemt.")
        return
    identity = actor.identity
    if identity.method == OIDC:
        item = seat.round
        keys = identity.principals()
        wanted = [_salted(item.id, "principal", k) for k in keys] if item.anonymous else keys
        row = conn.execute(
            select(round_participant.c.number).where(
                round_participant.c.round_id == item.id,
                round_participant.c.number == seat.number,
                round_participant.c.principal.in_(wanted),
            )
        ).first()
        if row is not None:
            authorize(conn, actor, SUBMIT_WEIGHTS)
            return
    raise AccessDenied("Du kan kun svare som dig selv i en runde, du er inviteret til. Intet er gemt.")


def _answer_identity(actor: Actor, seat: Seat) -> Identity:
    """What the stored row says about who stored it; in an anonymous round only 'Deltager n'."""
    if seat.round.anonymous:
        return Identity(subject=f"deltager:{seat.number}", email="", name=seat.label, method=actor.identity.method)
    return actor.identity


def _insert_answer(
    conn: Connection,
    identity: Identity,
    item: Round,
    number: int,
    method: str,
    weights: dict[str, float],
    sub_weights: Mapping[str, float] | None,
    inputs: Mapping[str, Any],
    reason: str,
) -> int:
    version = conn.execute(
        select(func.coalesce(func.max(round_submission.c.version), 0)).where(
            round_submission.c.round_id == item.id, round_submission.c.number == number
        )
    ).scalar_one()
    return int(
        conn.execute(
            round_submission.insert()
            .values(
                round_id=item.id,
                number=number,
                version=int(version) + 1,
                method=method,
                weights=json.dumps(weights, sort_keys=True),
                sub_weights=None if sub_weights is None else json.dumps(dict(sub_weights), sort_keys=True),
                inputs=json.dumps(dict(inputs), ensure_ascii=False, sort_keys=True, default=str),
                reason=reason,
                recorded_at=_naive(_now()),
                **actor_row(identity, "submitted_by"),
            )
            .returning(round_submission.c.id)
        ).scalar_one()
    )


def _checked_sub_weights(
    model: CriteriaModel, item: Round, sub_weights: Mapping[str, Any] | None
) -> dict[str, float] | None:
    if sub_weights is None:
        return None
    if not item.sub_indicators:
        raise RoundError("I denne runde vægtes kun hovedkriterierne.")
    unknown = sorted(str(k) for k in set(sub_weights) - {i.id for i in model.indicators})
    if unknown:
        raise RoundError(f"Ukendt indikator: {', '.join(unknown)[:200]}.")
    out = {}
    for criterion in model.criteria:
        ids = [i.id for i in criterion.indicators]
        part = {k: sub_weights.get(k, 0) for k in ids}
        try:
            out.update(normalise(part, ids, {i.id: i.label for i in criterion.indicators}))
        except RoundError as exc:
            if str(exc) != ALL_ZERO:
                raise
            raise RoundError(
                f"Alle delvægte for '{criterion.label}' er 0. Giv mindst én af dens indikatorer en vægt over 0."
            ) from None
    return out


def submit(
    engine: Engine,
    actor: Actor,
    model: CriteriaModel,
    seat: Seat,
    *,
    method: str,
    weights: Mapping[str, float],
    inputs: Mapping[str, Any],
    reason: object = "",
    sub_weights: Mapping[str, Any] | None = None,
    code: object | None = None,
) -> Submission:
    """Store a participant's answer as a new version (the earlier ones stay). ``weights`` are normalised again
    here; ``code`` is the invitation code for a participant without sign-in (checked again in the transaction)."""
    if method not in (SHARES, SWING):
        raise RoundError(f"Ukendt måde at vægte på: '{str(method)[:40]}'.")
    ids = model.criterion_ids
    clean_weights = normalise(dict(weights), ids, {c.id: c.label for c in model.criteria})
    why = clean_text(reason, "Begrundelsen", MAX_REASON, required=False, multiline=True, error=RoundError)
    with write_transaction(engine, lock_table=LOCK) as conn:
        item = _get(conn, seat.round.id)
        if not item.is_open:
            raise RoundError(f"Runden '{item.name}' er lukket; svaret er ikke gemt.")
        current = Seat(item, seat.number, seat.name)
        _authorise_answer(conn, actor, current, code)
        subs = _checked_sub_weights(model, item, sub_weights)
        new_id = _insert_answer(
            conn, _answer_identity(actor, current), item, seat.number, method, clean_weights, subs, inputs, why
        )
        row = conn.execute(select(round_submission).where(round_submission.c.id == new_id)).mappings().one()
        return _submission(row, item.anonymous)


@dataclass(frozen=True)
class PaperAnswer:
    """One row of a file of answers collected on paper or by e-mail."""

    name: str
    weights: Mapping[str, Any]  # criterion id -> any non-negative number (normalised)
    reason: str = ""
    line: int = 0  # where it came from (for messages)


def import_answers(
    engine: Engine, actor: Actor, model: CriteriaModel, round_id: object, answers: Sequence[PaperAnswer]
) -> list[Submission]:
    """Store answers collected on paper, all or none: a name not yet invited becomes a participant (without a
    code); a name already answered gets a new version. A name twice in the file is refused."""
    if not answers:
        raise RoundError("Filen har ingen svar.")
    if len(answers) > MAX_PARTICIPANTS:
        raise RoundError(f"Filen har {len(answers)} svar; en runde kan have højst {MAX_PARTICIPANTS} deltagere.")
    ids = model.criterion_ids
    labels_ = {c.id: c.label for c in model.criteria}
    cleaned: list[tuple[PaperAnswer, str, dict[str, float], str]] = []
    seen: dict[str, int] = {}
    for answer in answers:
        where = f"Linje {answer.line}: " if answer.line else ""
        try:
            name = clean_participant_name(answer.name)
            weights = normalise(answer.weights, ids, labels_)
            why = clean_text(
                answer.reason, "Begrundelsen", MAX_REASON, required=False, multiline=True, error=RoundError
            )
        except RoundError as exc:
            raise RoundError(f"{where}{exc} Intet er gemt.") from None
        key = name_key(name)
        if key in seen:
            raise RoundError(f"{where}'{name}' står i filen flere gange (også linje {seen[key]}). Intet er gemt.")
        seen[key] = answer.line
        cleaned.append((answer, name, weights, why))
    made = []
    with write_transaction(engine, lock_table=LOCK) as conn:
        authorize(conn, actor, RUN_ROUNDS)
        item = _open_for_change(conn, round_id)
        for answer, name, weights, why in cleaned:
            try:
                number, _ = _add_participant(conn, actor, item, name, None)
            except RoundError as exc:
                raise RoundError(f"Linje {answer.line}: {exc}") from None
            seat = Seat(item, number, "" if item.anonymous else name)
            identity = _answer_identity(actor, seat)
            inputs = {"file": {k: str(v) for k, v in answer.weights.items()}, "recorded_by": actor.identity.label}
            if item.anonymous:
                inputs["recorded_by"] = "mødelederen"
            made.append(_insert_answer(conn, identity, item, number, IMPORTED, weights, None, inputs, why))
        rows = conn.execute(select(round_submission).where(round_submission.c.id.in_(made))).mappings().all()
        return sorted((_submission(r, item.anonymous) for r in rows), key=lambda s: s.number)
