"""The two SQL backends every database test runs on: a SQLite file in tmp_path and the PostgreSQL on
127.0.0.1 (`JHA_TEST_DATABASE_URL`, emptied before and after each test)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, text

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def postgres_url() -> str:
    url = os.environ.get("JHA_TEST_DATABASE_URL")
    if not url:
        pytest.fail("JHA_TEST_DATABASE_URL fehlt: die Datenbanktests laufen auch gegen PostgreSQL")
    return url


def reset_database(url: str) -> None:
    """Drop every table of the database (catalog, answer log, web tables, Alembic's versions)."""
    engine = create_engine(url)
    existing = MetaData()
    existing.reflect(engine)
    existing.drop_all(engine)
    engine.dispose()


def database_url(backend: str, tmp_path: Path, name: str = "db.sqlite3") -> Iterator[str]:
    """A fresh database of the backend; use with `yield from` in a fixture."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / name}"
        return
    url = postgres_url()
    reset_database(url)
    yield url
    reset_database(url)


def drop_connections() -> None:
    """Every other connection to the test database ended by the server, as a restart would."""
    admin = create_engine(postgres_url())
    with admin.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    admin.dispose()
