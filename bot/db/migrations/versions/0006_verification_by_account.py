"""verification by account: failures per account across senders, the account a sender named

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_verification_attempts_account",
        "verification_attempts",
        ["account_id", "at"],
        unique=False,
    )
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("named_account", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_escalations_named_account", ["named_account"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_index("ix_escalations_named_account")
        batch_op.drop_column("named_account")
    op.drop_index("ix_verification_attempts_account", table_name="verification_attempts")
