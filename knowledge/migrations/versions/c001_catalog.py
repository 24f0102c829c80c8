"""Catalog: documents, chunks, index metadata, write journal (branch `catalog`).

Catalogs written before Alembic (raw sqlite3, `CREATE TABLE IF NOT EXISTS`) already hold these tables
with this shape: they are adopted as they are, with their rows.

Revision ID: c001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from knowledge.database import table_exists

revision = "c001"
down_revision = None
branch_labels = ("catalog",)  # knowledge.database.CATALOG
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    if not table_exists(connection, "meta"):
        op.create_table(
            "meta",
            sa.Column("key", sa.Text, primary_key=True),
            sa.Column("value", sa.Text, nullable=False),
        )
    if not table_exists(connection, "documents"):
        op.create_table(
            "documents",
            sa.Column("id", sa.Text, primary_key=True),
            sa.Column("source", sa.Text, nullable=False, unique=True),
            sa.Column("title", sa.Text, nullable=False),
            sa.Column("type", sa.Text, nullable=False),
            sa.Column("content_hash", sa.Text, nullable=False),
            sa.Column("text", sa.Text, nullable=False),
            sa.Column("date", sa.Text),
            sa.Column("publisher", sa.Text),
            sa.Column("region", sa.Text),
            sa.Column("law", sa.Text),
            sa.Column("version_state", sa.Text),
            sa.Column("ingested_at", sa.Text),
            sa.Column("superseded_by", sa.Text),
            sa.Column("extra", sa.Text, nullable=False, server_default="{}"),
            sa.Column("fingerprint", sa.LargeBinary),
        )
        op.create_index("documents_content_hash", "documents", ["content_hash"])
        op.create_index("documents_law", "documents", ["law"])
    if not table_exists(connection, "chunks"):
        op.create_table(
            "chunks",
            sa.Column("id", sa.Text, primary_key=True),
            sa.Column(
                "document_id", sa.Text, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
            ),
            sa.Column("ordinal", sa.Integer, nullable=False),
            sa.Column("text", sa.Text, nullable=False),
            sa.Column("section", sa.Text),
            sa.Column("paragraph", sa.Text),
            sa.Column("absaetze", sa.Text, nullable=False, server_default="[]"),
            sa.Column("chapter", sa.Text),
        )
        op.create_index("chunks_document", "chunks", ["document_id", "ordinal"])
    elif "chapter" not in {c["name"] for c in sa.inspect(connection).get_columns("chunks")}:
        op.add_column("chunks", sa.Column("chapter", sa.Text))  # catalogs of the very first version
    if not table_exists(connection, "write_journal"):
        op.create_table(
            "write_journal",
            sa.Column("kind", sa.Text, primary_key=True),
            sa.Column("id", sa.Text, primary_key=True),
        )


def downgrade() -> None:
    for table in ("write_journal", "chunks", "documents", "meta"):
        op.drop_table(table)
