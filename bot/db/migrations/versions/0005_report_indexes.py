"""report indexes: conversations by start time, for the KPI report's bot containment

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_conversations_started_at", "conversations", ["started_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_conversations_started_at", table_name="conversations")
