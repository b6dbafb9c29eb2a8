"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.db.migrate import alembic_config, head_revision, is_current
from bot.db.models import Base, User


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_database_is_at_the_newest_migration(engine: Engine) -> None:
    assert is_current(engine)


def test_timestamps_come_back_aware_and_in_utc(session: Session) -> None:
    local = datetime(2026, 3, 8, 1, 30, tzinfo=timezone(timedelta(hours=-5)))
    with session.begin():
        session.add(User(email="t@example.com", password_hash="x", role="admin", created_at=local))
    session.expunge_all()
    with session.begin():
        stored = session.scalar(select(User.created_at).where(User.email == "t@example.com"))
    assert stored == local
    assert stored is not None
    assert stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)


def test_naive_timestamps_are_refused(session: Session) -> None:
    with pytest.raises(Exception, match="naive datetime"), session.begin():
        session.add(
            User(
                email="n@example.com",
                password_hash="x",
                role="admin",
                created_at=datetime(2026, 1, 1),  # noqa: DTZ001 - the point of the test
            )
        )


def test_head_revision_read_from_the_files_is_alembics_head(sqlite_engine: Engine) -> None:
    scripts = ScriptDirectory.from_config(alembic_config(sqlite_engine))
    assert head_revision() == scripts.get_current_head()
