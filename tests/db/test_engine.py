"""Transactions of the engine (bot.db.engine), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.db.models import User

NOW = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)


def test_a_released_savepoint_is_undone_when_the_outer_transaction_rolls_back(
    engine: Engine,
) -> None:
    with engine.connect() as connection:
        outer = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        with session.begin():
            session.add(
                User(email="savepoint@example.com", password_hash="x", role="admin", created_at=NOW)
            )
        session.close()
        outer.rollback()
    with engine.connect() as connection:
        query = select(func.count()).where(User.email == "savepoint@example.com")
        assert connection.execute(query).scalar() == 0
