"""Alembic environment: always run on the connection handed over by ``selection.storage.database.schema``."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
