"""The append-only decision record: the steering group's decisions with a frozen snapshot of the data.

A correction is a new row whose ``corrects_id`` points to the decision it corrects; triggers refuse
UPDATE and DELETE (and TRUNCATE on PostgreSQL), as for assessments.

Revision ID: 0003_decision
Revises: 0002_role_evidence_version
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_decision"
down_revision = "0002_role_evidence_version"
branch_labels = None
depends_on = None

MESSAGE = "Beslutninger kan ikke ændres eller slettes; gem en rettelse som en ny beslutning."


def upgrade() -> None:
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("participants", sa.Text, nullable=False),  # JSON: [{"name": ..., "role": ...}]
        sa.Column("scenario", sa.Text, nullable=False),
        sa.Column("chosen_area_id", sa.String(200), nullable=False),
        sa.Column("reasons", sa.Text, nullable=False),
        sa.Column("dissent", sa.Text, nullable=False),
        sa.Column("conditions", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("corrects_id", sa.Integer, sa.ForeignKey("decision.id"), nullable=True),
        sa.Column("data_version", sa.String(200), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("snapshot", sa.Text, nullable=False),  # JSON, see selection.report.snapshot
    )
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER decision_no_{action.lower()} BEFORE {action} ON decision "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION decision_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER decision_no_change BEFORE UPDATE OR DELETE ON decision "
            "FOR EACH ROW EXECUTE FUNCTION decision_append_only()"
        )
        op.execute(
            "CREATE TRIGGER decision_no_truncate BEFORE TRUNCATE ON decision "
            "FOR EACH STATEMENT EXECUTE FUNCTION decision_append_only()"
        )
