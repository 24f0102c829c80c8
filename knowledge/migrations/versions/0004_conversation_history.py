"""Conversation history: each account's own copy of its chat conversations (branch `app`).

Kept apart from the pseudonymous answer log (see web/history.py). Tables already there (a database that
an earlier build of this branch made with `create_all`) are adopted as they are, as in 0002.

Revision ID: 0004
Revises: 0003_web_auth
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from knowledge.database import table_exists

revision = "0004"
down_revision = "0003_web_auth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    if not table_exists(connection, "web_conversations"):
        _create_conversations()
    if not table_exists(connection, "web_conversation_turns"):
        _create_turns()


def _create_conversations() -> None:
    op.create_table(
        "web_conversations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_conversations_username", "web_conversations", ["username"])
    op.create_index("ix_web_conversations_updated_at", "web_conversations", ["updated_at"])


def _create_turns() -> None:
    op.create_table(
        "web_conversation_turns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "conversation_id",
            sa.String(64),
            sa.ForeignKey("web_conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("question", sa.Text, nullable=True),
        sa.Column("answer", sa.JSON, nullable=False),
        sa.Column("answer_ref", sa.String(96), nullable=True),
    )
    op.create_index(
        "ix_web_conversation_turns_conversation_id", "web_conversation_turns", ["conversation_id"]
    )
    op.create_index("ix_web_conversation_turns_asked_at", "web_conversation_turns", ["asked_at"])


def downgrade() -> None:
    op.drop_table("web_conversation_turns")
    op.drop_table("web_conversations")
