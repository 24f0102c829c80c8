"""The web server's own tables, in the same SQL database as the answer log (`web_` prefix), on the
product's one metadata; their migrations are in `knowledge/migrations/` (branch `app`)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from knowledge.database import APP, metadata, migrate, open_database
from knowledge.reachable import database_errors

users = Table(
    "web_users",
    metadata,
    Column("username", String(64), primary_key=True),
    # NULL for accounts that only sign in through the reverse proxy (SSO).
    Column("password_hash", Text, nullable=True),
    Column("roles", String(100), nullable=False),  # comma-separated, e.g. "fachkraft,leitung"
    Column("created_at", DateTime(timezone=True), nullable=False),
    # No longer read: sessions live in web_sessions and end there. Kept so that existing tables still fit.
    Column("session_version", Integer, nullable=False, default=1),
)

# One row per signed-in browser. The cookie carries a random token; the table keeps only its SHA-256, so
# reading the database does not hand out sessions. Logout, a password or role change, and the account's
# removal delete the rows: a copied cookie stops working at once.
sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(64), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),  # the login: absolute lifetime
    Column("last_seen_at", DateTime(timezone=True), nullable=False),  # the idle timeout
)

login_failures = Table(
    "web_login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # "u:<HMAC of the typed name>" or "a:<HMAC of the client address>", never the name or address itself.
    Column("key", String(200), nullable=False),
    # When the attempt began: each attempt is recorded before its password is checked (see throttle.py).
    Column("failed_at", DateTime(timezone=True), nullable=False),
    Index("web_login_failures_key", "key", "failed_at"),
)


def create_tables(engine: Engine) -> None:
    """Bring the web tables up to date: they are migrated with the answer log (Alembic branch `app`,
    `knowledge/migrations/versions/0002_web_tables.py`)."""
    migrate(engine, (APP,))


def open_engine(url: str) -> Engine:
    """Engine for the configured database (for the CLI), migrated to the newest schema."""
    engine = open_database(url)
    with database_errors(url):
        create_tables(engine)
    return engine
