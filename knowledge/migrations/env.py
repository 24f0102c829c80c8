"""Alembic environment: the connection comes from the caller (`knowledge.database.migrate`), never a file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from knowledge.database import metadata

config = context.config


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        context.configure(connection=connectable, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    # `alembic revision --autogenerate` from a shell: the metadata knows the tables of every package
    # only once their modules are imported (knowledge.catalog_rows, assistant.log.schema, web.db).
    engine = engine_from_config(config.get_section(config.config_ini_section) or {}, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
