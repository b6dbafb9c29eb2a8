"""payments: Stripe payment requests, the webhook events handled, refunds and disputes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=14, scale=2)
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "payment_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=True),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("session_id", sa.String(length=255), nullable=True),
        sa.Column("session_amount", MONEY, nullable=True),
        sa.Column("session_url", sa.Text(), nullable=True),
        sa.Column("session_expires_at", WHEN, nullable=True),
        sa.Column("payment_intent", sa.String(length=255), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_payment_requests_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_requests")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_payment_requests_token_hash")),
    )
    op.create_index(
        "ix_payment_requests_account_status",
        "payment_requests",
        ["account_id", "status"],
        unique=False,
    )
    op.create_table(
        "stripe_events",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("received_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stripe_events")),
    )
    op.create_table(
        "payment_reversals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("payment_intent", sa.String(length=255), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("reversal_payment_id", sa.Integer(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("applied_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["reversal_payment_id"],
            ["payments.id"],
            name=op.f("fk_payment_reversals_reversal_payment_id_payments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_reversals")),
        sa.UniqueConstraint("source", name=op.f("uq_payment_reversals_source")),
    )
    op.create_index(
        "ix_payment_reversals_intent", "payment_reversals", ["payment_intent"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_payment_reversals_intent", table_name="payment_reversals")
    op.drop_table("payment_reversals")
    op.drop_table("stripe_events")
    op.drop_index("ix_payment_requests_account_status", table_name="payment_requests")
    op.drop_table("payment_requests")
