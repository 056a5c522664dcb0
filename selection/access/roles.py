"""Roles in the store: which role an identity has, the permission check, assignments and their seeding.

Every write of the core calls ``authorize`` (inside its own write transaction where it writes to the
database), so a refused write changes nothing, whatever the page showed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, func, select

from selection.access.model import (
    ADMINISTRATOR,
    ASSIGN_ROLES,
    CLI,
    LOCAL,
    MAX_EMAIL,
    MAX_NAME,
    MAX_SUBJECT,
    OIDC,
    PERMISSION_TEXT,
    READER,
    SEED,
    AccessDenied,
    AccessPolicy,
    Actor,
    Identity,
    principal_key,
)
from selection.storage.database import read_connection, write_transaction
from selection.storage.database.tables import (
    access_role,
    assessment,
    change_log,
    decision,
    role_assignment,
    scenario_version,
)
from selection.text.form_fields import clean_text

MAX_REASON = 2000
SEED_IDENTITY = Identity(subject="konfiguration", email="", name="Konfiguration (første administrator)", method=SEED)


@dataclass(frozen=True)
class Role:
    """A role as stored: its Danish label and what it may do."""

    id: str
    label: str
    rank: int
    permissions: frozenset[str]

    def allows(self, permission: str) -> bool:
        return permission in self.permissions


@dataclass(frozen=True)
class RoleAssignment:
    """One stored assignment (``role_id`` None: no access)."""

    id: int
    principal: str
    role_id: str | None
    reason: str
    assigned_by: str
    assigned_by_method: str
    assigned_at: datetime  # aware UTC


@contextmanager
def _connection(source: Engine | Connection) -> Iterator[Connection]:
    if isinstance(source, Connection):
        yield source
    else:
        with read_connection(source) as conn:
            yield conn


def roles(source: Engine | Connection) -> dict[str, Role]:
    """Every role in the store, lowest rank first."""
    with _connection(source) as conn:
        rows = conn.execute(select(access_role).order_by(access_role.c.rank)).mappings().all()
    return {r["id"]: Role(r["id"], r["label"], int(r["rank"]), frozenset(r["permissions"].split())) for r in rows}


def assigned_role(conn: Connection, identity: Identity) -> tuple[bool, str | None]:
    """(found, role id) of the newest assignment naming the identity's e-mail or subject."""
    keys = identity.principals()
    if not keys:
        return False, None
    row = conn.execute(
        select(role_assignment.c.role_id)
        .where(role_assignment.c.principal.in_(keys))
        .order_by(role_assignment.c.id.desc())
        .limit(1)
    ).first()
    return (False, None) if row is None else (True, row.role_id)


def role_of(source: Engine | Connection, actor: Actor) -> Role | None:
    """The role the actor has now (None: no access). Read-only mode makes every role a Læser."""
    identity, policy = actor.identity, actor.policy
    with _connection(source) as conn:
        table = roles(conn)
        if identity.method == CLI:
            role_id: str | None = ADMINISTRATOR
        elif identity.method == LOCAL:
            role_id = policy.local_role
        elif identity.method == OIDC:
            found, role_id = assigned_role(conn, identity)
            if not found:
                role_id = policy.unknown_role
        else:
            role_id = None
    if role_id is None or role_id not in table:
        return None
    return table[READER] if policy.read_only and READER in table else table[role_id]


def authorize(source: Engine | Connection, actor: Actor, permission: str) -> Role:
    """The actor's role if it allows ``permission``; otherwise AccessDenied with a Danish message."""
    if actor.policy.read_only:
        raise AccessDenied(
            "Appen kører i skrivebeskyttet tilstand (SELECTION_READ_ONLY=1), så intet kan gemmes. Intet er ændret."
        )
    role = role_of(source, actor)
    what = PERMISSION_TEXT.get(permission, permission)
    if role is None:
        raise AccessDenied(f"{actor.identity.label} har ikke adgang og må ikke {what}. Intet er ændret.")
    if not role.allows(permission):
        raise AccessDenied(f"Med rollen {role.label} må du ikke {what}. Intet er ændret.")
    return role


def actor_row(identity: Identity, prefix: str) -> dict[str, str]:
    """The four identity columns of ``role_assignment`` (prefix 'assigned_by') or ``change_log`` ('actor')."""
    return {
        f"{prefix}_name": (identity.name or identity.email or identity.subject)[:MAX_NAME],
        f"{prefix}_subject": identity.subject[:MAX_SUBJECT],
        f"{prefix}_email": identity.email[:MAX_EMAIL],
        f"{prefix}_method": identity.method,
    }


def clean_principal(text: object) -> str:
    """An e-mail address (case-folded) or 'sub:<subject>'; a ValueError with a Danish message otherwise."""
    cleaned = clean_text(text, "Bruger (e-mail eller sub:...)", MAX_EMAIL, required=True, multiline=False)
    if " " in cleaned or not (
        (cleaned.startswith("sub:") and len(cleaned) > 4)
        or ("@" in cleaned and not cleaned.startswith("@") and not cleaned.endswith("@"))
    ):
        raise ValueError(
            f"'{cleaned[:60]}' er hverken en e-mailadresse eller 'sub:' efterfulgt af udbyderens "
            "bruger-id. Intet er ændret."
        )
    return principal_key(cleaned)


def _current_roles(conn: Connection) -> dict[str, tuple[int, str | None]]:
    """principal -> (id, role id) of the assignment in force for that key."""
    newest = select(func.max(role_assignment.c.id)).group_by(role_assignment.c.principal)
    rows = conn.execute(
        select(role_assignment.c.id, role_assignment.c.principal, role_assignment.c.role_id).where(
            role_assignment.c.id.in_(newest)
        )
    )
    return {row.principal: (int(row.id), row.role_id) for row in rows}


def _known_identities(conn: Connection, actor: Actor) -> set[tuple[str, ...]]:
    """The principal keys (e-mail and 'sub:<subject>') of every signed-in identity the store has seen.

    A signed-in person is found by either key and the newest assignment naming either wins (``role_of``), so
    one key may hide another; these pairs say which keys belong together."""
    columns = [
        (
            role_assignment.c.assigned_by_subject,
            role_assignment.c.assigned_by_email,
            role_assignment.c.assigned_by_method,
        ),
        (change_log.c.actor_subject, change_log.c.actor_email, change_log.c.actor_method),
        (assessment.c.actor_subject, assessment.c.actor_email, assessment.c.actor_method),
        (decision.c.actor_subject, decision.c.actor_email, decision.c.actor_method),
        (scenario_version.c.actor_subject, scenario_version.c.actor_email, scenario_version.c.actor_method),
    ]
    known = {tuple(actor.identity.principals())} if actor.identity.method == OIDC else set()
    for subject, email, method in columns:
        rows = conn.execute(select(subject, email).where(method == OIDC).distinct())
        known.update(tuple(Identity(s or "", e or "", "", OIDC).principals()) for s, e in rows)
    return {keys for keys in known if len(keys) > 1}


def _administrators(current: dict[str, tuple[int, str | None]], identities: set[tuple[str, ...]]) -> set[str]:
    """The keys whose holder is an administrator: assigned the role, and not hidden by a newer assignment of
    another key of the same identity."""

    def in_force(keys: tuple[str, ...]) -> str | None:
        assigned = [current[k] for k in keys if k in current]
        return max(assigned)[1] if assigned else None

    return {
        key
        for key, (_, role) in current.items()
        if role == ADMINISTRATOR and all(in_force(keys) == ADMINISTRATOR for keys in identities if key in keys)
    }


def assign_role(engine: Engine, actor: Actor, principal: str, role_id: str | None, reason: str) -> RoleAssignment:
    """Give ``principal`` (e-mail or 'sub:...') a role (None: no access), as a new row; admin only.

    Refuses (Danish ValueError / AccessDenied, nothing written) an unknown role, a bad principal, an
    empty reason, and taking the role away from the last administrator.
    """
    key = clean_principal(principal)
    why = clean_text(reason, "Begrundelsen", MAX_REASON, required=True, multiline=True)
    now = datetime.now(UTC).replace(microsecond=0)
    with write_transaction(engine, lock_table="role_assignment") as conn:
        authorize(conn, actor, ASSIGN_ROLES)
        table = roles(conn)
        if role_id is not None and role_id not in table:
            raise ValueError(
                f"Ukendt rolle '{role_id}'; kendte roller: {', '.join(r.label for r in table.values())}. "
                "Intet er ændret."
            )
        current = _current_roles(conn)
        identities = _known_identities(conn, actor)
        after = {**current, key: (max((i for i, _ in current.values()), default=0) + 1, role_id)}
        if _administrators(current, identities) and not _administrators(after, identities):
            raise ValueError(
                "Det er den eneste administrator; giv en anden rollen Administrator først. Intet er ændret."
            )
        new_id = conn.execute(
            role_assignment.insert()
            .values(
                principal=key,
                role_id=role_id,
                reason=why,
                assigned_at=now.replace(tzinfo=None),
                **actor_row(actor.identity, "assigned_by"),
            )
            .returning(role_assignment.c.id)
        ).scalar_one()
    return RoleAssignment(int(new_id), key, role_id, why, actor.identity.label, actor.identity.method, now)


def seed_roles(engine: Engine, policy: AccessPolicy) -> int:
    """Store the configured first administrator(s) for principals that have no assignment yet.

    Never overrides what an administrator assigned since. Returns how many rows were added. A read-only
    deployment (``policy.read_only``) writes nothing: the seed applies once the store is opened for writing.
    """
    if not policy.seed or policy.read_only:
        return 0
    with read_connection(engine) as conn:
        known = set(conn.execute(select(role_assignment.c.principal).distinct()).scalars())
    if all(p in known for p, _ in policy.seed):
        return 0  # the usual case: a read, no write lock
    added = 0
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    with write_transaction(engine, lock_table="role_assignment") as conn:
        known = set(conn.execute(select(role_assignment.c.principal).distinct()).scalars())
        table = roles(conn)
        for principal, role_id in policy.seed:
            if principal in known or role_id not in table:
                continue
            conn.execute(
                role_assignment.insert().values(
                    principal=principal,
                    role_id=role_id,
                    reason="Fra konfigurationen (SELECTION_ADMIN / SELECTION_ROLES_FILE).",
                    assigned_at=now,
                    **actor_row(SEED_IDENTITY, "assigned_by"),
                )
            )
            known.add(principal)
            added += 1
    return added


def role_assignments(engine: Engine) -> list[RoleAssignment]:
    """Every assignment, newest first (the first row per principal is the one in force)."""
    with read_connection(engine) as conn:
        rows = conn.execute(select(role_assignment).order_by(role_assignment.c.id.desc())).mappings().all()
    return [
        RoleAssignment(
            int(r["id"]),
            r["principal"],
            r["role_id"],
            r["reason"],
            _label(r["assigned_by_name"], r["assigned_by_email"]),
            r["assigned_by_method"],
            r["assigned_at"].replace(tzinfo=UTC),
        )
        for r in rows
    ]


def current_assignments(engine: Engine) -> list[RoleAssignment]:
    """The assignment in force per principal, sorted by principal."""
    seen: dict[str, RoleAssignment] = {}
    for entry in role_assignments(engine):
        seen.setdefault(entry.principal, entry)
    return sorted(seen.values(), key=lambda e: e.principal)


def access_revision(engine: Engine) -> int:
    """The newest assignment's id (0: none): changes with every role change, cheap to read."""
    with read_connection(engine) as conn:
        return int(conn.execute(select(func.coalesce(func.max(role_assignment.c.id), 0))).scalar_one())


def _label(name: str, email: str) -> str:
    return f"{name} <{email}>" if email and email != name else name


def log_change(conn: Connection, actor: Actor, action: str, detail: str) -> None:
    """Append one entry to the change log inside the caller's write transaction."""
    conn.execute(
        change_log.insert().values(
            action=action,
            detail=detail[:4000],
            recorded_at=datetime.now(UTC).replace(tzinfo=None),
            **actor_row(actor.identity, "actor"),
        )
    )


def change_history(engine: Engine, limit: int | None = None) -> list[dict]:
    """The change log (imports, resets, restores), newest first (at most ``limit`` entries), as plain rows."""
    query = select(change_log).order_by(change_log.c.id.desc())
    with read_connection(engine) as conn:
        rows = conn.execute(query if limit is None else query.limit(limit)).mappings().all()
    return [
        {
            "action": r["action"],
            "detail": r["detail"],
            "by": _label(r["actor_name"], r["actor_email"]),
            "subject": r["actor_subject"],
            "method": r["actor_method"],
            "at": r["recorded_at"].replace(tzinfo=UTC),
        }
        for r in rows
    ]
