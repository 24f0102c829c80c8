"""The web server's own tables, in the same SQL database as the answer log (`web_` prefix)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import make_url

metadata = MetaData()

users = Table(
    "web_users",
    metadata,
    Column("username", String(64), primary_key=True),
    # NULL for accounts that only sign in through the reverse proxy (SSO).
    Column("password_hash", Text, nullable=True),
    Column("roles", String(100), nullable=False),  # comma-separated, e.g. "fachkraft,leitung"
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Bumped on password change or removal: sessions signed with an older value stop working.
    Column("session_version", Integer, nullable=False, default=1),
)

login_failures = Table(
    "web_login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(200), nullable=False),  # "user:<name>" or "ip:<address>"
    Column("failed_at", DateTime(timezone=True), nullable=False),
    Index("web_login_failures_key", "key", "failed_at"),
)

# Which answer-log entries belong to which chat conversation, so that a page reload (and the no-JS chat)
# can show the conversation so far. Holds ids only: the texts stay in the answer log, redacted.
conversation_turns = Table(
    "web_conversation_turns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), nullable=False),
    Column("log_id", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("web_conversation_turns_conversation", "conversation_id", "id"),
)


def create_tables(engine: Engine) -> None:
    """Create the web tables where they are missing (they only ever gain tables, never change)."""
    metadata.create_all(engine)


def open_engine(url: str) -> Engine:
    """Engine for the configured database (for the CLI); creates the web tables if they are missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _wal(dbapi_connection: object, _record: object) -> None:
            # WAL lets the answer log and the web tables be written from several threads without
            # readers blocking writers.
            cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()
    else:
        engine = create_engine(url, pool_pre_ping=True)
    create_tables(engine)
    return engine
