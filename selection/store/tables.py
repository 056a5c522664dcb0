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
    Index("ix_scenario_version", "scenario_id", "version", unique=True),
)
