"""One submission of the decision form, one decision: ``decision.submission_id`` (the form's one-time token).

A second click on "Gem beslutning" (or a rerun of the same submission) carries the same token; the store finds
the decision already stored with it and returns that one instead of appending a duplicate. The column is
nullable (decisions from before this revision and from the command line have none) and unique where set.
On SQLite a BEFORE INSERT trigger also refuses a REPLACE by that key (as revision 0006 does for the others).

Revision ID: 0009_decision_submission
Revises: 0008_registers
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_decision_submission"
down_revision = "0008_registers"
branch_labels = None
depends_on = None

MESSAGE = "Beslutninger kan ikke ændres eller slettes; gem en rettelse som en ny beslutning."


def upgrade() -> None:
    op.add_column("decision", sa.Column("submission_id", sa.String(64), nullable=True))
    op.create_index("ix_decision_submission", "decision", ["submission_id"], unique=True)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER decision_no_replace_2 BEFORE INSERT ON decision "
            "WHEN NEW.submission_id IS NOT NULL AND EXISTS "
            "(SELECT 1 FROM decision WHERE submission_id = NEW.submission_id) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER decision_no_replace_2")
    op.drop_index("ix_decision_submission", table_name="decision")
    op.drop_column("decision", "submission_id")
