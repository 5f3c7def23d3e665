"""Alembic's environment for class mode: run on the connection :mod:`..db` hands over."""

from __future__ import annotations

from alembic import context

from reports.web.classroom.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only with the alembic command line
    from sqlalchemy import create_engine

    connection = create_engine(context.config.get_main_option("sqlalchemy.url")).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
