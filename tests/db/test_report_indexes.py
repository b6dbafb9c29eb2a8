"""Migration 0005: the index the KPI report counts a period's conversations with."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect

from bot.db.migrate import alembic_config, is_current, upgrade
from tests.db.test_migrations import fresh_engine  # noqa: F401 - the fixture, used by name


def _conversation_indexes(engine: Engine) -> set[str]:
    return {str(index["name"]) for index in inspect(engine).get_indexes("conversations")}


def test_the_report_index_migration_goes_down_and_up_again(fresh_engine: Engine) -> None:  # noqa: F811
    upgrade(fresh_engine)
    assert "ix_conversations_started_at" in _conversation_indexes(fresh_engine)
    command.downgrade(alembic_config(fresh_engine), "0004")
    assert "ix_conversations_started_at" not in _conversation_indexes(fresh_engine)
    upgrade(fresh_engine)
    assert "ix_conversations_started_at" in _conversation_indexes(fresh_engine)
    assert is_current(fresh_engine)
