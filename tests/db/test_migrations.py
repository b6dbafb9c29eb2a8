"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, select, text
from sqlalchemy.orm import Session

from bot.db.engine import make_engine
from bot.db.migrate import alembic_config, head_revision, is_current, upgrade
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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of its own (the shared test databases stay at head)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
        yield engine
        engine.dispose()
        return
    server: Engine = request.getfixturevalue("postgres_engine")
    name = f"arbot_fresh_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(server.url.set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_the_console_migration_goes_down_and_up_again(fresh_engine: Engine) -> None:
    upgrade(fresh_engine)
    assert {"console_sessions", "escalation_notes"} <= set(inspect(fresh_engine).get_table_names())
    command.downgrade(alembic_config(fresh_engine), "0003")
    tables = set(inspect(fresh_engine).get_table_names())
    assert "console_sessions" not in tables
    assert "escalation_notes" not in tables
    upgrade(fresh_engine)
    assert is_current(fresh_engine)
