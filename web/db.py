"""The web server's own tables, in the same SQL database as the answer log (`web_` prefix)."""

from __future__ import annotations

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
)

from assistant.log.store import open_database

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


def create_tables(engine: Engine) -> None:
    """Create the web tables where they are missing (they only ever gain tables, never change)."""
    metadata.create_all(engine)


def open_engine(url: str) -> Engine:
    """Engine for the configured database (for the CLI); creates the web tables if they are missing."""
    engine = open_database(url)
    create_tables(engine)
    return engine
