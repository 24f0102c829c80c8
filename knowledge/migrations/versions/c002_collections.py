"""Collections: every document belongs to one (`allgemein` by default), branch `catalog`.

Existing documents go to `allgemein`. Their vectors learn the collection without being embedded
again: every document is put in the write journal's `metadata` kind, which the next write (any
`python -m ingest` command, or `python -m ingest repair`) applies by updating the vector metadata.

Revision ID: c002
Revises: c001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c002"
down_revision = "c001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    if "collection" in {c["name"] for c in sa.inspect(connection).get_columns("documents")}:
        return  # a catalog that `create_all` already made with this shape
    op.add_column("documents", sa.Column("collection", sa.Text, nullable=False, server_default="allgemein"))
    op.create_index("documents_collection", "documents", ["collection"])
    op.execute(
        "INSERT INTO write_journal (kind, id) SELECT 'metadata', id FROM documents "
        "WHERE id NOT IN (SELECT id FROM write_journal WHERE kind = 'metadata')"
    )


def downgrade() -> None:
    op.drop_index("documents_collection", "documents")
    op.drop_column("documents", "collection")
