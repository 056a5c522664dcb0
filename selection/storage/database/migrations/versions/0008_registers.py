"""The registers of initiatives and actors (issue 28): one append-only row per version of a record.

* ``initiative_version``: an initiative (areas, name, type, operator, target groups, start and end, status,
  relevance to negative social control, evidence of residents' trust, source, verification, who recorded it
  and why), its ``record_id`` ('i-000001') and ``version``; lists are JSON text.
* ``actor_version``: an actor (sector, name, location, areas, relation, motivation and how it was learned,
  competence on negative social control, source, verification, …), ``record_id`` ('a-000001') and ``version``.

A change or a withdrawal (``withdrawn``) is a new version with a reason; the newest version is the record as it
stands. Each row names the identity that stored it. Roles gain ``edit_registers`` (Planlægger, Administrator).

Revision ID: 0008_registers
Revises: 0007_rounds
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_registers"
down_revision = "0007_rounds"
branch_labels = None
depends_on = None

PERMISSIONS = {"planlaegger": "edit_registers", "administrator": "edit_registers"}
# table -> (message, the keys a new row could take the place of a stored row by)
APPEND_ONLY: dict[str, tuple[str, list[tuple[str, ...]]]] = {
    "initiative_version": (
        "Indsatser kan ikke ændres eller slettes; en ændring gemmes som en ny version.",
        [("id",), ("record_id", "version")],
    ),
    "actor_version": (
        "Aktører kan ikke ændres eller slettes; en ændring gemmes som en ny version.",
        [("id",), ("record_id", "version")],
    ),
}


def _common() -> list[sa.Column]:
    """What every version records besides the record itself: withdrawn, why, when and by whom."""
    return [
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("verification", sa.String(40), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("withdrawn", sa.Boolean, nullable=False),
        sa.Column("change_reason", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("actor_subject", sa.String(400), nullable=False),
        sa.Column("actor_email", sa.String(320), nullable=False),
        sa.Column("actor_method", sa.String(20), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "initiative_version",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("area_ids", sa.Text, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(80), nullable=False),
        sa.Column("operator", sa.String(80), nullable=False),
        sa.Column("target_groups", sa.Text, nullable=False),
        sa.Column("start_date", sa.Date, nullable=True),
        sa.Column("end_date", sa.Date, nullable=True),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("relevance", sa.String(40), nullable=False),
        sa.Column("trust_evidence", sa.String(40), nullable=False),
        sa.Column("evidence_text", sa.Text, nullable=False),
        *_common(),
    )
    op.create_index("ix_initiative_version", "initiative_version", ["record_id", "version"], unique=True)
    op.create_table(
        "actor_version",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("sector", sa.String(80), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("area_ids", sa.Text, nullable=False),
        sa.Column("relation", sa.Text, nullable=False),
        sa.Column("motivation", sa.String(40), nullable=False),
        sa.Column("motivation_reason", sa.Text, nullable=False),
        sa.Column("learned_via", sa.String(40), nullable=False),
        sa.Column("nsk_competence", sa.Boolean, nullable=False),
        sa.Column("competence_text", sa.Text, nullable=False),
        sa.Column("extra", sa.Text, nullable=False),
        *_common(),
    )
    op.create_index("ix_actor_version", "actor_version", ["record_id", "version"], unique=True)
    roles = sa.table("access_role", sa.column("id", sa.String), sa.column("permissions", sa.Text))
    for role_id, added in PERMISSIONS.items():
        current = op.get_bind().execute(sa.select(roles.c.permissions).where(roles.c.id == role_id)).scalar()
        if current is not None:
            merged = " ".join(dict.fromkeys([*current.split(), *added.split()]))
            op.execute(roles.update().where(roles.c.id == role_id).values(permissions=merged))
    for table, (message, keys) in APPEND_ONLY.items():
        _append_only(table, message, keys)


def _append_only(table: str, message: str, keys: list[tuple[str, ...]]) -> None:
    """Refuse UPDATE and DELETE (PostgreSQL also TRUNCATE; SQLite also INSERT OR REPLACE), as in 0007."""
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        for number, key in enumerate(keys, start=1):
            same = " AND ".join(f"{column} = NEW.{column}" for column in key)
            op.execute(
                f"CREATE TRIGGER {table}_no_replace_{number} BEFORE INSERT ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {same}) "
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
