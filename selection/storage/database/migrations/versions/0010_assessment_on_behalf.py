"""Assessments: who assessed and who recorded are two things; a signed-in assessor is their sign-in, not a name.

* ``assessment.on_behalf``: the row was recorded on behalf of the named assessor (``assessor_name``, e.g. a sheet
  row naming a colleague) by the identity in ``actor_*``; such rows form an assessor of their own
  (``assessor_key`` 'for:<name>'), distinct from any signed-in person of that name, and never replace anyone's
  own value. NULL for rows stored before this revision (they keep working as they were).
* ``assessment.recorded_by``: the recording identity's name as shown ("Vurderet af X, registreret af Y").
* ``assessment.actor_issuer``: the issuer of a signed-in identity; with ``actor_subject`` it is the person
  (a signed-in assessor's own rows are keyed 'oidc:<digest of issuer and subject>', never by the name claim).
* Roles gain ``assess_on_behalf`` (Planlægger and Administrator).

Adding nullable columns rewrites no row, so the append-only history is kept as it is.

Revision ID: 0010_assessment_on_behalf
Revises: 0009_decision_submission
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_assessment_on_behalf"
down_revision = "0009_decision_submission"
branch_labels = None
depends_on = None

PERMISSIONS = {"planlaegger": "assess_on_behalf", "administrator": "assess_on_behalf"}


def upgrade() -> None:
    op.add_column("assessment", sa.Column("on_behalf", sa.Boolean, nullable=True))
    op.add_column("assessment", sa.Column("recorded_by", sa.String(200), nullable=True))
    op.add_column("assessment", sa.Column("actor_issuer", sa.String(400), nullable=True))
    roles = sa.table("access_role", sa.column("id", sa.String), sa.column("permissions", sa.Text))
    for role_id, added in PERMISSIONS.items():
        current = op.get_bind().execute(sa.select(roles.c.permissions).where(roles.c.id == role_id)).scalar()
        if current is not None:
            merged = " ".join(dict.fromkeys([*current.split(), *added.split()]))
            op.execute(roles.update().where(roles.c.id == role_id).values(permissions=merged))


def downgrade() -> None:
    roles = sa.table("access_role", sa.column("id", sa.String), sa.column("permissions", sa.Text))
    for role_id, removed in PERMISSIONS.items():
        current = op.get_bind().execute(sa.select(roles.c.permissions).where(roles.c.id == role_id)).scalar()
        if current is not None:
            kept = " ".join(p for p in current.split() if p not in removed.split())
            op.execute(roles.update().where(roles.c.id == role_id).values(permissions=kept))
    for column in ("actor_issuer", "recorded_by", "on_behalf"):
        op.drop_column("assessment", column)
