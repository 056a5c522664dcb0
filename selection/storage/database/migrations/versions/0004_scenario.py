"""Weighting scenarios: one append-only row per version (a change, rename or archive is a new version).

Revision ID: 0004_scenario
Revises: 0003_decision
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_scenario"
down_revision = "0003_decision"
branch_labels = None
depends_on = None

MESSAGE = "Scenarier kan ikke ændres eller slettes; en ændring gemmes som en ny version."


def upgrade() -> None:
    op.create_table(
        "scenario_version",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scenario_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),  # case-folded name (unique among active)
        sa.Column("rationale", sa.Text, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),  # UTC, naive
        sa.Column("settings", sa.Text, nullable=False),  # JSON, see selection.scenarios.settings
        sa.Column("archived", sa.Boolean, nullable=False),
        sa.Column("change_reason", sa.Text, nullable=False),
    )
    op.create_index("ix_scenario_version", "scenario_version", ["scenario_id", "version"], unique=True)
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER scenario_no_{action.lower()} BEFORE {action} ON scenario_version "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION scenario_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER scenario_no_change BEFORE UPDATE OR DELETE ON scenario_version "
            "FOR EACH ROW EXECUTE FUNCTION scenario_append_only()"
        )
        op.execute(
            "CREATE TRIGGER scenario_no_truncate BEFORE TRUNCATE ON scenario_version "
            "FOR EACH STATEMENT EXECUTE FUNCTION scenario_append_only()"
        )
