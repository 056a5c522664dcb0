"""The tables as SQLAlchemy Core objects, matching the newest migration (``migrations/versions``)."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Float, Index, Integer, MetaData, String, Table, Text

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
