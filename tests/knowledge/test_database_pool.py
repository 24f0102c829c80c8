"""PostgreSQL connections in the pool: a connection idle for a while is pinged before use, so one the
server dropped (a restart, an idle timeout) is replaced instead of failing the request."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from knowledge import database
from knowledge.database import open_database
from tests.databases import drop_connections, postgres_url

pytestmark = pytest.mark.postgres


def _one(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT 1")).scalar_one())


def test_a_connection_idle_past_the_limit_is_pinged_and_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = open_database(postgres_url())
    try:
        assert _one(engine) == 1
        drop_connections()
        monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
        assert _one(engine) == 1
    finally:
        engine.dispose()


def test_a_connection_back_within_the_limit_is_used_without_a_ping(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = open_database(postgres_url())
    try:
        assert _one(engine) == 1
        drop_connections()
        monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 3600.0)
        with pytest.raises(OperationalError):
            _one(engine)  # no ping: the dead connection fails its statement (and is discarded)
        assert _one(engine) == 1
    finally:
        engine.dispose()
