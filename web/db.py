"""The web server's own tables, in the same SQL database as the answer log (`web_` prefix), on the
product's one metadata; their migrations are in `knowledge/migrations/` (branch `app`)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    ForeignKey,
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

# Collections an identity provider granted (JHA_GROUP_MAP), replaced at each sign-in. Stored now so that
# the collection rules of #13 can enforce them; nothing filters by them yet.
user_collections = Table(
    "web_user_collections",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("collection", String(64), primary_key=True),
)

# Who an account belongs to at the OIDC provider: the pair (issuer, subject) is stable where names are not.
# A renamed person keeps her account; another person later given the same name does not get it.
oidc_identities = Table(
    "web_oidc_identities",
    metadata,
    Column("issuer", String(255), primary_key=True),
    Column("subject", String(255), primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
)

# API keys (`python -m web apikeys add`): only the SHA-256 of the key is kept. Keys are 256 random bits,
# so a fast hash is enough (a slow one protects guessable passwords, not random tokens).
api_keys = Table(
    "web_api_keys",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("username", String(64), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

# A user's own copy of their chat conversations (web/history.py), apart from the pseudonymous answer log:
# deleting a conversation here leaves the log's row alone. The id is the conversation id that keys the
# log's conversation pseudonym; without the server secret the two cannot be joined.
conversations = Table(
    "web_conversations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("username", String(64), nullable=False, index=True),
    Column("title", String(200), nullable=True),  # through the storage filter; NULL: "Gespräch vom …"
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),  # newest first; retention
)

conversation_turns = Table(
    "web_conversation_turns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "conversation_id",
        String(64),
        ForeignKey("web_conversations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("asked_at", DateTime(timezone=True), nullable=False, index=True),
    Column("question", Text, nullable=True),  # through the storage filter; NULL for a refused question
    Column("answer", JSON, nullable=False),  # as shown: status, text, citations, notices, suggestions
    # The answer log's id, sealed with a key from the server secret (web/history.py): the copy can offer
    # feedback on its answers, but a database reader cannot join accounts to log rows by it.
    Column("answer_ref", String(96), nullable=True),
)


def create_tables(engine: Engine) -> None:
    """Bring the web tables up to date: they are migrated with the answer log (Alembic branch `app`,
    `knowledge/migrations/versions/0002_web_tables.py`, `0003_web_auth.py`)."""
    migrate(engine, (APP,))


def open_engine(url: str) -> Engine:
    """Engine for the configured database (for the CLI), migrated to the newest schema."""
    engine = open_database(url)
    with database_errors(url):
        create_tables(engine)
    return engine
