"""insight: the handoff summary stored on each escalation when it opens (SPEC §13)

The summary is a JSON document (:mod:`bot.policy.handoff_summary`) written once, when the
escalation is created; rows opened before this revision have none (NULL).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("escalations") as batch:
        batch.add_column(sa.Column("summary", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("escalations") as batch:
        batch.drop_column("summary")
