"""SQLite: the append-only tables also refuse ``INSERT OR REPLACE`` (and ``REPLACE INTO``) of an existing row.

SQLite carries out the REPLACE conflict resolution by deleting the row in the way *without* firing its DELETE
triggers (unless ``recursive_triggers`` is on, which another client need not set), so the triggers of
0001–0005 let any SQL client rewrite a stored assessment, decision, scenario version, role assignment or change
log entry in place. A BEFORE INSERT trigger per table and per key refuses a new row that would take the place
of a stored one. ``INSERT ... ON CONFLICT DO UPDATE`` already fires the UPDATE triggers; PostgreSQL has no
REPLACE (its ``ON CONFLICT DO UPDATE`` fires the UPDATE trigger), so nothing changes there.

Only triggers are added: no row is rewritten.

Revision ID: 0006_no_replace
Revises: 0005_access
"""

from alembic import op

revision = "0006_no_replace"
down_revision = "0005_access"
branch_labels = None
depends_on = None

# table -> (message, the keys a new row could take the place of a stored row by)
KEYS: dict[str, tuple[str, list[tuple[str, ...]]]] = {
    "assessment": (
        "Vurderinger kan ikke ændres eller slettes; gem en ny vurdering i stedet.",
        [("id",), ("area_id", "indicator_id", "value_version")],
    ),
    "decision": ("Beslutninger kan ikke ændres eller slettes; gem en rettelse som en ny beslutning.", [("id",)]),
    "scenario_version": (
        "Scenarier kan ikke ændres eller slettes; en ændring gemmes som en ny version.",
        [("id",), ("scenario_id", "version")],
    ),
    "role_assignment": ("Rolletildelinger kan ikke ændres eller slettes; tildel en ny rolle i stedet.", [("id",)]),
    "change_log": ("Ændringsloggen kan ikke ændres eller slettes.", [("id",)]),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, (message, keys) in KEYS.items():
        for number, key in enumerate(keys, start=1):
            same = " AND ".join(f"{column} = NEW.{column}" for column in key)
            op.execute(
                f"CREATE TRIGGER {table}_no_replace_{number} BEFORE INSERT ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {same}) "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, (_, keys) in KEYS.items():
        for number in range(1, len(keys) + 1):
            op.execute(f"DROP TRIGGER {table}_no_replace_{number}")
