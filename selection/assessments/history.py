"""Read the assessment store: history, value versions, each assessor's latest value, revision."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from datetime import UTC

import pandas as pd
from sqlalchemy import Connection, Engine, RowMapping, func, select

from selection.access.model import OIDC, Identity
from selection.assessments.model import Assessment, assessor_text
from selection.storage.database import read_connection
from selection.storage.database.tables import assessment
from selection.text.form_fields import DROPPED_IN_LINES

CURRENT_COLUMNS = [
    "id",
    "area_id",
    "indicator_id",
    "value",
    "reason",
    "evidence",
    "assessor_name",
    "assessor_role",
    "assessed_on",
    "recorded_at",
    "version",
    "assessor_key",
    "on_behalf",
    "recorded_by",
    "assessor_shown",
]
ON_BEHALF_PREFIX = "for:"  # the key of entries recorded on behalf of the named assessor
IDENTITY_PREFIX = "oidc:"  # the key of a signed-in assessor's own entries


def assessor_key(name: str) -> str:
    """Entries with the same name, up to case, spacing and invisible characters, belong to the same assessor."""
    return " ".join(unicodedata.normalize("NFC", name).translate(DROPPED_IN_LINES).split()).casefold()


def identity_key(identity: Identity) -> str:
    """A signed-in person as an assessor: their issuer and subject (never the name claim, which two people may
    share); 'oidc:' and a digest, so the key fits the column however long the two are."""
    digest = hashlib.sha256(f"{identity.issuer.rstrip('/')}\n{identity.subject}".encode()).hexdigest()[:40]
    return IDENTITY_PREFIX + digest


def entry_key(name: str, identity: Identity, on_behalf: bool) -> str:
    """The assessor an entry belongs to: recorded on behalf of ``name`` ('for:<name>': never a signed-in person's
    own value), a signed-in person's own (their identity), or, without sign-in, the name as typed."""
    if on_behalf:
        return ON_BEHALF_PREFIX + assessor_key(name)
    if identity.method == OIDC:
        return identity_key(identity)
    return assessor_key(name)


def store_revision(engine: Engine) -> int:
    """The id of the newest entry (0 for an empty store): changes with every save, cheap to read."""
    with read_connection(engine) as conn:
        return int(conn.execute(select(func.coalesce(func.max(assessment.c.id), 0))).scalar_one())


def value_version(engine: Engine, area_id: str, indicator_id: str) -> int:
    """How many entries the area x indicator value has (0: never assessed)."""
    with read_connection(engine) as conn:
        return cell_version(conn, area_id, indicator_id)


def value_versions(engine: Engine) -> dict[tuple[str, str], int]:
    """The version of every assessed value: {(area_id, indicator_id): version}."""
    query = select(assessment.c.area_id, assessment.c.indicator_id, func.max(assessment.c.value_version)).group_by(
        assessment.c.area_id, assessment.c.indicator_id
    )
    with read_connection(engine) as conn:
        return {(a, i): int(v or 0) for a, i, v in conn.execute(query)}


def cell_version(conn: Connection, area_id: str, indicator_id: str) -> int:
    query = select(func.coalesce(func.max(assessment.c.value_version), 0)).where(
        assessment.c.area_id == area_id, assessment.c.indicator_id == indicator_id
    )
    return int(conn.execute(query).scalar_one())


def latest_entry(conn: Connection, area_id: str, indicator_id: str) -> Assessment | None:
    """The newest entry of one value (with its assessor's previous value), or None."""
    rows = (
        conn.execute(
            select(assessment)
            .where(assessment.c.area_id == area_id, assessment.c.indicator_id == indicator_id)
            .order_by(assessment.c.id)
        )
        .mappings()
        .all()
    )
    return _with_previous(rows)[-1] if rows else None


def previous_value(conn: Connection, area_id: str, indicator_id: str, key: str) -> float | None:
    """This assessor's current value for the cell (None if none or withdrawn)."""
    row = conn.execute(
        select(assessment.c.value)
        .where(
            assessment.c.area_id == area_id,
            assessment.c.indicator_id == indicator_id,
            assessment.c.assessor_key == key,
        )
        .order_by(assessment.c.id.desc())
        .limit(1)
    ).first()
    return None if row is None or row.value is None else float(row.value)


def history(engine: Engine, area_id: str | None = None, indicator_id: str | None = None) -> list[Assessment]:
    """Every entry (oldest first), optionally for one area and/or indicator, with old -> new values."""
    query = select(assessment).order_by(assessment.c.id)
    if area_id is not None:
        query = query.where(assessment.c.area_id == area_id)
    if indicator_id is not None:
        query = query.where(assessment.c.indicator_id == indicator_id)
    with read_connection(engine) as conn:
        rows = conn.execute(query).mappings().all()
    return _with_previous(rows)


def _with_previous(rows: Sequence[RowMapping]) -> list[Assessment]:
    last: dict[tuple[str, str, str], float | None] = {}
    out = []
    for row in rows:
        key = (row["area_id"], row["indicator_id"], row["assessor_key"] or assessor_key(row["assessor_name"]))
        value = None if row["value"] is None else float(row["value"])
        out.append(
            Assessment(
                id=int(row["id"]),
                area_id=row["area_id"],
                indicator_id=row["indicator_id"],
                value=value,
                previous_value=last.get(key),
                reason=row["reason"],
                evidence=row["evidence"] or "",
                assessor_name=row["assessor_name"],
                assessor_role=row["assessor_role"] or "",
                assessed_on=row["assessed_on"],
                recorded_at=row["recorded_at"].replace(tzinfo=UTC),
                version=int(row["value_version"] or 0),
                actor_subject=row.get("actor_subject") or "",
                actor_email=row.get("actor_email") or "",
                actor_method=row.get("actor_method") or "",
                on_behalf=bool(row.get("on_behalf")),
                recorded_by=row.get("recorded_by") or "",
                assessor_key=key[2],
            )
        )
        last[key] = value
    return out


def current_assessments(engine: Engine) -> pd.DataFrame:
    """Each assessor's latest entry per area x indicator, withdrawals left out (one row each).

    ``assessor_shown`` is the name to show: with the recording person's for entries recorded on behalf of the
    assessor ('Bo Berg (registreret af Anna Holm)')."""
    latest = (
        select(func.max(assessment.c.id).label("id"))
        .group_by(assessment.c.area_id, assessment.c.indicator_id, assessment.c.assessor_key)
        .subquery()
    )
    query = (
        select(assessment)
        .join(latest, assessment.c.id == latest.c.id)
        .where(assessment.c.value.is_not(None))
        .order_by(assessment.c.id)
    )
    with read_connection(engine) as conn:
        rows = conn.execute(query).mappings().all()
    frame = pd.DataFrame(
        [
            {
                **{c: row[c] for c in CURRENT_COLUMNS if c in row},
                "version": row["value_version"],
                "recorded_at": row["recorded_at"].replace(tzinfo=UTC),
                "evidence": row["evidence"] or "",
                "assessor_role": row["assessor_role"] or "",
                "assessor_shown": assessor_text(row["assessor_name"], bool(row["on_behalf"]), row["recorded_by"] or ""),
                "assessor_key": row["assessor_key"] or assessor_key(row["assessor_name"]),
                "on_behalf": bool(row["on_behalf"]),
                "recorded_by": row["recorded_by"] or "",
            }
            for row in rows
        ],
        columns=CURRENT_COLUMNS,
    )
    frame["value"] = frame["value"].astype(float)
    return frame
