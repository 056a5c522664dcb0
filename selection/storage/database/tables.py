"""The tables as SQLAlchemy Core objects, matching the newest migration (``migrations/versions``)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

ID_LENGTH = 200

# Append-only: the database refuses UPDATE and DELETE (triggers, see the migrations).
assessment = Table(
    "assessment",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("area_id", String(ID_LENGTH), nullable=False),
    Column("indicator_id", String(ID_LENGTH), nullable=False),
    Column("value", Float, nullable=True),  # NULL: the assessor withdraws their assessment
    Column("reason", Text, nullable=False),
    Column("assessor_name", String(ID_LENGTH), nullable=False),
    Column("assessed_on", Date, nullable=False),
    Column("recorded_at", DateTime, nullable=False),  # UTC, naive
    # added by revision 0002
    Column("assessor_role", String(ID_LENGTH), nullable=True),
    Column("evidence", Text, nullable=True),
    Column("value_version", Integer, nullable=True),  # 1, 2, ... per area x indicator
    Column("assessor_key", String(ID_LENGTH), nullable=True),  # case-folded assessor name
    Index("ix_assessment_cell", "area_id", "indicator_id"),
    Index("ix_assessment_cell_version", "area_id", "indicator_id", "value_version", unique=True),
    Index("ix_assessment_assessor", "area_id", "indicator_id", "assessor_key", "id"),
    # added by revision 0005: the identity that stored the row (NULL for rows from before sign-in)
    Column("actor_subject", String(400), nullable=True),
    Column("actor_email", String(320), nullable=True),
    Column("actor_method", String(20), nullable=True),
)

# Append-only (revision 0003): the steering group's decisions; a correction is a new row (corrects_id).
decision = Table(
    "decision",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("decided_on", Date, nullable=False),
    Column("participants", Text, nullable=False),  # JSON list of {"name", "role"}
    Column("scenario", Text, nullable=False),
    Column("chosen_area_id", String(ID_LENGTH), nullable=False),
    Column("reasons", Text, nullable=False),
    Column("dissent", Text, nullable=False),
    Column("conditions", Text, nullable=False),
    Column("recorded_by", String(ID_LENGTH), nullable=False),
    Column("recorded_at", DateTime, nullable=False),  # UTC, naive
    Column("corrects_id", Integer, ForeignKey("decision.id"), nullable=True),
    Column("data_version", String(ID_LENGTH), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("snapshot", Text, nullable=False),  # JSON (selection.report.snapshot)
    # added by revision 0005: the identity that stored the row (NULL for rows from before sign-in)
    Column("actor_subject", String(400), nullable=True),
    Column("actor_email", String(320), nullable=True),
    Column("actor_method", String(20), nullable=True),
)


def _actor(prefix: str) -> list[Column]:
    return [
        Column(f"{prefix}_name", String(ID_LENGTH), nullable=False),
        Column(f"{prefix}_subject", String(400), nullable=False),
        Column(f"{prefix}_email", String(320), nullable=False),
        Column(f"{prefix}_method", String(20), nullable=False),
    ]


# Revision 0005: the roles and what each may do (data, seeded by the migration).
access_role = Table(
    "access_role",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("label", String(80), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("permissions", Text, nullable=False),  # space-separated permission names
)

# Append-only (revision 0005): who has which role; the newest row per principal counts (role_id NULL: no access).
role_assignment = Table(
    "role_assignment",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("principal", String(400), nullable=False),  # case-folded e-mail, or "sub:<subject>"
    Column("role_id", String(40), ForeignKey("access_role.id"), nullable=True),
    Column("reason", Text, nullable=False),
    *_actor("assigned_by"),
    Column("assigned_at", DateTime, nullable=False),  # UTC, naive
    Index("ix_role_assignment_principal", "principal", "id"),
)

# Append-only (revision 0005): data imports, resets and restores, with who made them.
change_log = Table(
    "change_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("action", String(40), nullable=False),
    Column("detail", Text, nullable=False),
    *_actor("actor"),
    Column("recorded_at", DateTime, nullable=False),  # UTC, naive
)

# Append-only (revision 0004): one row per version of a weighting scenario; the newest version is current.
scenario_version = Table(
    "scenario_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scenario_id", Integer, nullable=False),
    Column("version", Integer, nullable=False),  # 1, 2, ... per scenario
    Column("name", String(ID_LENGTH), nullable=False),
    Column("name_key", String(ID_LENGTH), nullable=False),  # case-folded name
    Column("rationale", Text, nullable=False),
    Column("author", String(ID_LENGTH), nullable=False),
    Column("recorded_at", DateTime, nullable=False),  # UTC, naive
    Column("settings", Text, nullable=False),  # JSON (selection.scenarios.settings)
    Column("archived", Boolean, nullable=False),
    Column("change_reason", Text, nullable=False),
    Column("actor_subject", String(400), nullable=True),  # who stored the version (NULL: before sign-in existed)
    Column("actor_email", String(320), nullable=True),
    Column("actor_method", String(20), nullable=True),
    Index("ix_scenario_version", "scenario_id", "version", unique=True),
)
