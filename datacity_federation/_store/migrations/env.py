"""Alembic environment: runs on the connection handed over by ``store.migrate``."""

from __future__ import annotations

from alembic import context

# Every city-side table is declared in this package: importing its modules fills ``metadata``.
import datacity_federation._store.outbox
import datacity_federation._store.portal_tables  # noqa: F401
from datacity_federation._store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through datacity_federation._store.migrate")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
