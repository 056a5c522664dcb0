"""First schema: the append-only assessment table.

Revision ID: 0001_assessment
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_assessment"
down_revision = None
branch_labels = None
depends_on = None

MESSAGE = "Vurderinger kan ikke ændres eller slettes; gem en ny vurdering i stedet."


def upgrade() -> None:
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("area_id", sa.String(200), nullable=False),
        sa.Column("indicator_id", sa.String(200), nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("assessor_name", sa.String(200), nullable=False),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_assessment_cell", "assessment", ["area_id", "indicator_id"])
    create_append_only_triggers()


def create_append_only_triggers() -> None:
    """Refuse UPDATE and DELETE (and on PostgreSQL TRUNCATE) of assessment rows in the database."""
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER assessment_no_{action.lower()} BEFORE {action} ON assessment "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION assessment_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER assessment_no_change BEFORE UPDATE OR DELETE ON assessment "
            "FOR EACH ROW EXECUTE FUNCTION assessment_append_only()"
        )
        op.execute(
            "CREATE TRIGGER assessment_no_truncate BEFORE TRUNCATE ON assessment "
            "FOR EACH STATEMENT EXECUTE FUNCTION assessment_append_only()"
        )
