"""Engine and session factory for the AR database.

SQLite (the embedded default) is shared by the gateway, the action server and the
scheduler, so it runs in WAL mode with a busy timeout and enforced foreign keys.

The sqlite3 driver's own transaction handling is switched off and SQLAlchemy emits
``BEGIN`` itself (the recipe of SQLAlchemy's SQLite dialect documentation): otherwise the
driver defers ``BEGIN`` to the first write, reads run outside the transaction, and
releasing a savepoint commits — so ``session.begin_nested()`` and the tests' rolled-back
transactions would silently keep their rows. Transactions begin ``IMMEDIATE`` (see
:func:`_sqlite_begin`): several processes write, and SQLite has one writer at a time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Creates the engine for ``url``; for a SQLite file, also its folder."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    dbapi_connection.isolation_level = None  # no implicit BEGIN/COMMIT by the driver


def _sqlite_begin(connection: Connection) -> None:
    # IMMEDIATE takes the write lock up front, waiting up to the busy timeout for it. A
    # deferred BEGIN would read first and fail at once ("database is locked") when it
    # later tries to write after another process has committed: in WAL mode the busy
    # handler cannot help a transaction whose snapshot is stale.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after the service's transaction ends."""
    return sessionmaker(engine, expire_on_commit=False)
