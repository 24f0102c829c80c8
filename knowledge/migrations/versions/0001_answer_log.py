"""Answer log: answers, feedback, reviews, audit (branch `app`).

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = ("app",)  # knowledge.database.APP
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answers",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_pseudonym", sa.String(64)),
        sa.Column("conversation_pseudonym", sa.String(64)),
        sa.Column("question", sa.Text),
        sa.Column("search_query", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("citations", sa.JSON, nullable=False),
        sa.Column("retrieved", sa.JSON, nullable=False),
        sa.Column("rules", sa.JSON, nullable=False),
        sa.Column("entities", sa.JSON, nullable=False),
        sa.Column("mode", sa.String(120), nullable=False),
        sa.Column("latency_ms", sa.Integer, nullable=False),
        sa.Column("policy_version", sa.String(32), nullable=False),
        sa.Column("index_version", sa.Integer, nullable=False),
    )
    op.create_index("ix_answers_asked_at", "answers", ["asked_at"])
    op.create_index("ix_answers_status", "answers", ["status"])
    op.create_index("ix_answers_conversation_pseudonym", "answers", ["conversation_pseudonym"])
    op.create_index("answers_status_asked", "answers", ["status", "asked_at"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "answer_id", sa.String(32), sa.ForeignKey("answers.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("helpful", sa.Boolean),
        sa.Column("source_mismatch", sa.Boolean, nullable=False),
        sa.Column("comment", sa.Text),
    )
    op.create_index("ix_feedback_answer_id", "feedback", ["answer_id"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "answer_id", sa.String(32), sa.ForeignKey("answers.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewer", sa.String(120), nullable=False),
        sa.Column("verdict", sa.String(32), nullable=False),
        sa.Column("comment", sa.Text),
    )
    op.create_index("ix_reviews_answer_id", "reviews", ["answer_id"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(120)),
        sa.Column("detail", sa.Text),
    )
    op.create_index("ix_audit_at", "audit", ["at"])


def downgrade() -> None:
    for table in ("audit", "reviews", "feedback", "answers"):
        op.drop_table(table)
