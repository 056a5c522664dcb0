"""Sign-in and edit rights: roles as data, role assignments, a change log, and who made each stored change.

* ``access_role``: the roles and what each may do (space-separated permission names), seeded here
  with Læser, Planlægger and Administrator.
* ``role_assignment`` (append-only): who has which role; the newest row per principal counts.
* ``change_log`` (append-only): data imports, resets and restores with the identity that made them.
* ``assessment``, ``decision`` and ``scenario_version`` gain ``actor_subject``, ``actor_email`` and
  ``actor_method``: the identity that stored the row (NULL for rows stored before sign-in existed;
  their typed name or author stays).
  Adding nullable columns rewrites no row, so existing history is kept as it is.

Revision ID: 0005_access
Revises: 0004_scenario
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_access"
down_revision = "0004_scenario"
branch_labels = None
depends_on = None

ROLES = [
    ("laeser", "Læser", 1, ""),
    ("planlaegger", "Planlægger", 2, "assess save_scenario"),
    ("administrator", "Administrator", 3, "assess save_scenario import_data reset_data record_decision assign_roles"),
]
APPEND_ONLY = {
    "role_assignment": "Rolletildelinger kan ikke ændres eller slettes; tildel en ny rolle i stedet.",
    "change_log": "Ændringsloggen kan ikke ændres eller slettes.",
}


def _actor_columns(prefix: str = "actor") -> list[sa.Column]:
    return [
        sa.Column(f"{prefix}_name", sa.String(200), nullable=False),
        sa.Column(f"{prefix}_subject", sa.String(400), nullable=False),
        sa.Column(f"{prefix}_email", sa.String(320), nullable=False),
        sa.Column(f"{prefix}_method", sa.String(20), nullable=False),
    ]


def upgrade() -> None:
    roles = op.create_table(
        "access_role",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("label", sa.String(80), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("permissions", sa.Text, nullable=False),
    )
    op.bulk_insert(
        roles, [{"id": i, "label": label, "rank": rank, "permissions": perms} for i, label, rank, perms in ROLES]
    )
    op.create_table(
        "role_assignment",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("principal", sa.String(400), nullable=False),
        sa.Column("role_id", sa.String(40), sa.ForeignKey("access_role.id"), nullable=True),  # NULL: no access
        sa.Column("reason", sa.Text, nullable=False),
        *_actor_columns("assigned_by"),
        sa.Column("assigned_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_role_assignment_principal", "role_assignment", ["principal", "id"])
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        *_actor_columns("actor"),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )
    for table in ("assessment", "decision", "scenario_version"):
        op.add_column(table, sa.Column("actor_subject", sa.String(400), nullable=True))
        op.add_column(table, sa.Column("actor_email", sa.String(320), nullable=True))
        op.add_column(table, sa.Column("actor_method", sa.String(20), nullable=True))
    for table, message in APPEND_ONLY.items():
        _append_only(table, message)


def _append_only(table: str, message: str) -> None:
    """Refuse UPDATE and DELETE (and on PostgreSQL TRUNCATE) in the database, as for assessments."""
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    else:
        op.execute(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{message}'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"
        )
