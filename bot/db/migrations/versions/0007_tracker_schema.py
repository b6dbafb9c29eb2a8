"""tracker schema: on PostgreSQL, the schema ``rasa`` where Rasa keeps its conversations

Conversation state belongs with the AR data it refers to, so by default Rasa's tracker
store is the AR database itself, its tables (``events``) kept apart in this schema
(integrations/rasa_server.py ``default_tracker_store``). Rasa creates its tables there; the
schema must exist first. Nothing to do on SQLite, where the tracker is a file beside the
AR database's.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SCHEMA = "rasa"  # integrations.rasa_server.TRACKER_SCHEMA


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")


def downgrade() -> None:
    # The schema may hold the conversations Rasa kept: it is left in place (an upgrade
    # finds it again), not dropped with them.
    pass
