"""PostgreSQL connections in the pool: a connection idle for a while is pinged before use, so one the
server dropped (a restart, an idle timeout) is replaced instead of failing the request."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from knowledge import database
from knowledge.database import open_database
from tests.databases import postgres_url

pytestmark = pytest.mark.postgres


def _drop_connections() -> None:
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


def _one(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT 1")).scalar_one())


def test_a_connection_idle_past_the_limit_is_pinged_and_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = open_database(postgres_url())
    try:
        assert _one(engine) == 1
        _drop_connections()
        monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
        assert _one(engine) == 1
    finally:
        engine.dispose()


def test_a_connection_back_within_the_limit_is_used_without_a_ping(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = open_database(postgres_url())
    try:
        assert _one(engine) == 1
        _drop_connections()
        monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 3600.0)
        with pytest.raises(OperationalError):
            _one(engine)  # no ping: the dead connection fails its statement (and is discarded)
        assert _one(engine) == 1
    finally:
        engine.dispose()
