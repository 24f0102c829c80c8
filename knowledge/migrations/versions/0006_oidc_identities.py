"""OIDC accounts are matched by the provider's stable (issuer, subject), not by name (branch `app`).

Revision ID: 0006
Revises: 0004 (the collections migration 0005 is merged between them: rebase this onto 0005 then)
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from knowledge.database import table_exists

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if table_exists(op.get_bind(), "web_oidc_identities"):
        return  # adopted as it is, like the tables of 0002-0004 (a database whose version table was reset)
    # Accounts that signed in before: bound to their (issuer, subject) at their next sign-in.
    op.create_table(
        "web_oidc_identities",
        sa.Column("issuer", sa.String(255), primary_key=True),
        sa.Column("subject", sa.String(255), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
    )


def downgrade() -> None:
    op.drop_table("web_oidc_identities")
