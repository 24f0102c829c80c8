"""The collections each logged answer drew from, for the review pages' collection rule (branch `app`).

Answers logged before collections existed have no rows here: every reviewer sees them (everything was
in `allgemein` then).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from knowledge.database import table_exists

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if table_exists(op.get_bind(), "answer_collections"):
        return  # made by `create_all` in an earlier build
    op.create_table(
        "answer_collections",
        sa.Column(
            "answer_id", sa.String(32), sa.ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("collection", sa.String(64), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("answer_collections")
