"""Weighting rounds: the steering group's members weigh the criteria each on their own.

* ``weighting_round`` (append-only): a round, with the scenario settings frozen when it opened.
* ``round_event`` (append-only): the facilitator reveals the result, or closes the round.
* ``round_participant`` (append-only): who is invited; in an anonymous round only the number and salted
  hashes of the name and the sign-in are kept, never the name.
* ``round_invitation`` (append-only): the SHA-256 of each invitation code; the newest per participant counts.
* ``round_submission`` (append-only): every answer; the newest version per participant counts.

Roles gain two permissions: ``run_rounds`` (open, invite, reveal, close, import answers; Planlægger and
Administrator) and ``submit_weights`` (answer in a round one is invited to; every role). A new role
``deltager`` (Deltager) can do nothing else.

Revision ID: 0007_rounds
Revises: 0006_no_replace
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_rounds"
down_revision = "0006_no_replace"
branch_labels = None
depends_on = None

PERMISSIONS = {
    "laeser": "submit_weights",
    "planlaegger": "run_rounds submit_weights",
    "administrator": "run_rounds submit_weights",
}
# table -> (message, the keys a new row could take the place of a stored row by)
APPEND_ONLY: dict[str, tuple[str, list[tuple[str, ...]]]] = {
    "weighting_round": ("Vægtningsrunder kan ikke ændres eller slettes.", [("id",)]),
    "round_event": ("En rundes forløb kan ikke ændres eller slettes.", [("id",)]),
    "round_participant": ("Deltagere kan ikke ændres eller slettes.", [("id",), ("round_id", "number")]),
    "round_invitation": ("Invitationer kan ikke ændres eller slettes; udsend en ny kode i stedet.", [("id",)]),
    "round_submission": (
        "Svar kan ikke ændres eller slettes; et nyt svar gemmes som en ny version.",
        [("id",), ("round_id", "number", "version")],
    ),
}


def _actor_columns(prefix: str) -> list[sa.Column]:
    return [
        sa.Column(f"{prefix}_name", sa.String(200), nullable=False),
        sa.Column(f"{prefix}_subject", sa.String(400), nullable=False),
        sa.Column(f"{prefix}_email", sa.String(320), nullable=False),
        sa.Column(f"{prefix}_method", sa.String(20), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "weighting_round",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("anonymous", sa.Boolean, nullable=False),
        sa.Column("scenario_id", sa.Integer, nullable=True),
        sa.Column("scenario_version", sa.Integer, nullable=True),
        sa.Column("scenario_name", sa.String(200), nullable=False),
        sa.Column("settings", sa.Text, nullable=False),
        sa.Column("data_version", sa.String(200), nullable=False),
        sa.Column("sub_indicators", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        *_actor_columns("created_by"),
    )
    op.create_index("ix_weighting_round_name", "weighting_round", ["name_key"], unique=True)
    op.create_table(
        "round_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("round_id", sa.Integer, sa.ForeignKey("weighting_round.id"), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        *_actor_columns("actor"),
    )
    op.create_index("ix_round_event_round", "round_event", ["round_id", "id"])
    op.create_table(
        "round_participant",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("round_id", sa.Integer, sa.ForeignKey("weighting_round.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("principal", sa.String(400), nullable=True),
        sa.Column("invited_at", sa.DateTime, nullable=False),
        *_actor_columns("invited_by"),
    )
    op.create_index("ix_round_participant_number", "round_participant", ["round_id", "number"], unique=True)
    op.create_index("ix_round_participant_name", "round_participant", ["round_id", "name_key"], unique=True)
    op.create_index("ix_round_participant_principal", "round_participant", ["principal"])
    op.create_table(
        "round_invitation",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("round_id", sa.Integer, sa.ForeignKey("weighting_round.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("issued_at", sa.DateTime, nullable=False),
        *_actor_columns("issued_by"),
    )
    op.create_index("ix_round_invitation_code", "round_invitation", ["code_hash"], unique=True)
    op.create_index("ix_round_invitation_participant", "round_invitation", ["round_id", "number", "id"])
    op.create_table(
        "round_submission",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("round_id", sa.Integer, sa.ForeignKey("weighting_round.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("weights", sa.Text, nullable=False),
        sa.Column("sub_weights", sa.Text, nullable=True),
        sa.Column("inputs", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        *_actor_columns("submitted_by"),
    )
    op.create_index("ix_round_submission_version", "round_submission", ["round_id", "number", "version"], unique=True)
    roles = sa.table("access_role", sa.column("id", sa.String), sa.column("permissions", sa.Text))
    for role_id, added in PERMISSIONS.items():
        current = op.get_bind().execute(sa.select(roles.c.permissions).where(roles.c.id == role_id)).scalar()
        if current is not None:
            merged = " ".join(dict.fromkeys([*current.split(), *added.split()]))
            op.execute(roles.update().where(roles.c.id == role_id).values(permissions=merged))
    full = sa.table(
        "access_role",
        sa.column("id", sa.String),
        sa.column("label", sa.String),
        sa.column("rank", sa.Integer),
        sa.column("permissions", sa.Text),
    )
    op.bulk_insert(full, [{"id": "deltager", "label": "Deltager", "rank": 0, "permissions": "submit_weights"}])
    for table, (message, keys) in APPEND_ONLY.items():
        _append_only(table, message, keys)


def _append_only(table: str, message: str, keys: list[tuple[str, ...]]) -> None:
    """Refuse UPDATE and DELETE (PostgreSQL also TRUNCATE; SQLite also INSERT OR REPLACE), as in 0005/0006."""
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
