"""Web tables for sign-in and the API: collections granted by an identity provider, API keys (branch `app`).

Tables already there (a database an earlier build made with `create_all`) are adopted as they are, as in
0002.

Revision ID: 0003_web_auth
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from knowledge.database import table_exists

revision = "0003_web_auth"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    if not table_exists(connection, "web_user_collections"):
        _create_user_collections()
    if not table_exists(connection, "web_api_keys"):
        _create_api_keys()


def _create_user_collections() -> None:
    op.create_table(
        "web_user_collections",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("collection", sa.String(64), primary_key=True),
    )


def _create_api_keys() -> None:
    op.create_table(
        "web_api_keys",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_web_api_keys_username", "web_api_keys", ["username"])


def downgrade() -> None:
    op.drop_table("web_api_keys")
    op.drop_table("web_user_collections")
