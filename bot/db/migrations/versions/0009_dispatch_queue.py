"""dispatch queue: outbound messages wait in the transcript for the dispatcher (SPEC §7)

Every outbound message gets a dispatch state (``pending``, ``sending``, ``done``,
``failed``, ``in_doubt``, ``discarded``), an attempt count, the time of its next attempt
and of its last hand-over, and whether it is automated (held to the contact window when
retried). An inbound message of a webhook channel gets a turn state (``pending``,
``working``, ``done``) for the turn worker that asks the bot behind the webhook.
``early_statuses`` keeps a provider's status callback that arrived before the message's
provider id was stored.

Messages already in the transcript were sent (or failed) by the old synchronous path:
they are ``done`` (``failed`` when their status says so); inbound ones were answered.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dispatch_state", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sending_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("automated", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("turn_state", sa.String(length=16), nullable=True))
        batch_op.create_index(
            "ix_messages_dispatch", ["dispatch_state", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            "ix_messages_conversation_dispatch",
            ["conversation_id", "dispatch_state", "id"],
            unique=False,
        )
        batch_op.create_index("ix_messages_turn", ["turn_state", "id"], unique=False)
    op.execute(
        "UPDATE messages SET dispatch_state = CASE WHEN delivery_status = 'failed'"
        " THEN 'failed' ELSE 'done' END WHERE direction = 'out' AND provider IS NOT NULL"
    )
    op.create_table(
        "early_statuses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("provider_id", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_early_statuses")),
    )
    op.create_index(
        "ix_early_statuses_provider",
        "early_statuses",
        ["provider", "provider_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_early_statuses_provider", table_name="early_statuses")
    op.drop_table("early_statuses")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_turn")
        batch_op.drop_index("ix_messages_conversation_dispatch")
        batch_op.drop_index("ix_messages_dispatch")
        batch_op.drop_column("turn_state")
        batch_op.drop_column("automated")
        batch_op.drop_column("sending_at")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("dispatch_state")
