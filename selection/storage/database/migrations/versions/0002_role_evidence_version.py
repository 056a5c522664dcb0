"""Assessor role, evidence, an assessor key and a per-value version number.

``value_version`` is unique per area x indicator; ``assessor_key`` (the case-folded name)
groups one assessor's entries. Both are back-filled for rows written by the first schema
(versions 1, 2, ... per area x indicator in id order; the key as SQL ``lower(name)``). The
append-only triggers are lifted for that one UPDATE inside this migration's transaction and put
back before it commits.

Revision ID: 0002_role_evidence_version
Revises: 0001_assessment
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_role_evidence_version"
down_revision = "0001_assessment"
branch_labels = None
depends_on = None

MESSAGE = "Vurderinger kan ikke ændres eller slettes; gem en ny vurdering i stedet."


def upgrade() -> None:
    op.add_column("assessment", sa.Column("assessor_role", sa.String(200), nullable=True))
    op.add_column("assessment", sa.Column("evidence", sa.Text, nullable=True))
    op.add_column("assessment", sa.Column("value_version", sa.Integer, nullable=True))
    op.add_column("assessment", sa.Column("assessor_key", sa.String(200), nullable=True))
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER assessment_no_update")
    else:
        op.execute("ALTER TABLE assessment DISABLE TRIGGER assessment_no_change")
    op.execute(
        "UPDATE assessment SET value_version = (SELECT COUNT(*) FROM assessment AS earlier "
        "WHERE earlier.area_id = assessment.area_id AND earlier.indicator_id = assessment.indicator_id "
        "AND earlier.id <= assessment.id), assessor_key = lower(assessor_name)"
    )
    if sqlite:
        op.execute(
            f"CREATE TRIGGER assessment_no_update BEFORE UPDATE ON assessment "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    else:
        op.execute("ALTER TABLE assessment ENABLE TRIGGER assessment_no_change")
    op.create_index(
        "ix_assessment_cell_version", "assessment", ["area_id", "indicator_id", "value_version"], unique=True
    )
    op.create_index("ix_assessment_assessor", "assessment", ["area_id", "indicator_id", "assessor_key", "id"])
