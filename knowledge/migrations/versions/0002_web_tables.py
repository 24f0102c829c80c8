"""Web tables: accounts, sessions, login throttle (branch `app`).

Earlier versions created them with `metadata.create_all` beside the Alembic-managed answer log: where
they exist they are adopted as they are, with their rows.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from knowledge.database import table_exists

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    if not table_exists(connection, "web_users"):
        op.create_table(
            "web_users",
            sa.Column("username", sa.String(64), primary_key=True),
            sa.Column("password_hash", sa.Text, nullable=True),
            sa.Column("roles", sa.String(100), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("session_version", sa.Integer, nullable=False),
        )
    if not table_exists(connection, "web_sessions"):
        op.create_table(
            "web_sessions",
            sa.Column("token_hash", sa.String(64), primary_key=True),
            sa.Column("username", sa.String(64), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        )
        op.create_index("ix_web_sessions_username", "web_sessions", ["username"])
    if not table_exists(connection, "web_login_failures"):
        op.create_table(
            "web_login_failures",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("key", sa.String(200), nullable=False),
            sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        )
        op.create_index("web_login_failures_key", "web_login_failures", ["key", "failed_at"])


def downgrade() -> None:
    for table in ("web_login_failures", "web_sessions", "web_users"):
        op.drop_table(table)
