"""Tables of the answer log (SQLAlchemy Core on the product's one metadata; Alembic migrations in
`knowledge/migrations/`, branch `app`)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from knowledge.database import metadata

answers = Table(
    "answers",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("asked_at", DateTime(timezone=True), nullable=False, index=True),
    # Keyed pseudonyms (HMAC with the server secret): reviews judge answers, never employees.
    Column("user_pseudonym", String(64)),
    Column("conversation_pseudonym", String(64), index=True),
    Column("question", Text),  # redacted; NULL for refused questions (only entity types are kept)
    Column("search_query", Text),
    Column("status", String(16), nullable=False, index=True),
    Column("answer", Text, nullable=False),
    Column("citations", JSON, nullable=False),
    Column("retrieved", JSON, nullable=False),
    Column("rules", JSON, nullable=False),
    Column("entities", JSON, nullable=False),
    Column("mode", String(120), nullable=False),
    Column("latency_ms", Integer, nullable=False),
    Column("policy_version", String(32), nullable=False),
    Column("index_version", Integer, nullable=False),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("answer_id", String(32), ForeignKey("answers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("helpful", Boolean),
    Column("source_mismatch", Boolean, nullable=False, default=False),
    Column("comment", Text),  # passed through the case-data gate before it is stored
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("answer_id", String(32), ForeignKey("answers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("reviewer", String(120), nullable=False),
    Column("verdict", String(32), nullable=False),
    Column("comment", Text),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(120), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(120)),
    Column("detail", Text),
)

# The collections an answer drew from (retrieved, cited, suggested documents): a reviewer sees an answer
# only when she holds every one of them (`LogFilter.collections`).
answer_collections = Table(
    "answer_collections",
    metadata,
    Column("answer_id", String(32), ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True),
    Column("collection", String(64), primary_key=True),
)

Index("answers_status_asked", answers.c.status, answers.c.asked_at)
