"""Shared fixtures: the AR database on SQLite and PostgreSQL, one rolled-back transaction per test.

PostgreSQL tests run against ``ARBOT_TEST_POSTGRES_URL`` (default: the local server). They
are skipped, with the reason printed, when it is unreachable — unless
``ARBOT_TEST_REQUIRE_POSTGRES=1`` (set by ``.ci/run``), which turns that into a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import make_engine
from bot.db.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "ARBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("ARBOT_TEST_REQUIRE_POSTGRES") == "1"


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("db") / "arbot.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    """A fresh, migrated PostgreSQL database for this test session, dropped at the end."""
    admin_url = make_url(POSTGRES_URL)
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("select 1"))
    except OperationalError as exc:
        reason = f"PostgreSQL at {admin_url.render_as_string()} unreachable: {exc.orig}"
        if REQUIRE_POSTGRES:
            pytest.fail(f"ARBOT_TEST_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    name = f"arbot_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(admin_url.set(database=name).render_as_string(hide_password=False))
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    """The migrated AR database, once on SQLite and once on PostgreSQL."""
    name = "sqlite_engine" if request.param == "sqlite" else "postgres_engine"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose every change is rolled back after the test.

    Services call ``session.begin()``; inside the outer transaction that becomes a savepoint,
    so they run as in production and the test still leaves nothing behind.
    """
    with engine.connect() as connection:
        outer = connection.begin()
        db = Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield db
        finally:
            db.close()
            outer.rollback()


@pytest.fixture
def sessions(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """A session factory on one connection whose outer transaction is rolled back after
    the test: code that opens its own sessions and commits runs as in production."""
    with engine.connect() as connection:
        outer = connection.begin()
        try:
            yield sessionmaker(
                bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
            )
        finally:
            outer.rollback()


@pytest.fixture
def tmp_database(tmp_path: Path) -> str:
    """A URL for an empty SQLite file (for CLI tests in a subprocess)."""
    return f"sqlite:///{tmp_path / 'arbot.db'}"
