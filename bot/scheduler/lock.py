"""Leadership: one active scheduler per AR database (SPEC §2 and §10).

APScheduler 3 cannot share a job store between schedulers, so every scheduler process
first takes this lock and only its holder schedules; the others wait, retrying every
``poll_seconds``, and one of them takes over when the holder dies:

- PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) taken on a
  connection of its own and kept for the scheduler's life. The server releases it when the
  session ends, so a killed scheduler frees it at once. Advisory locks belong to one
  database: two deployments on one server do not collide. Connect directly or through a
  session-pooling pgbouncer (transaction pooling breaks session locks). TCP keepalives let
  this side notice a dead connection within about a minute; the server side notices a
  vanished machine after its own ``tcp_keepalives_idle`` — until then nobody schedules,
  which is safe.
- SQLite: an exclusive ``flock`` on ``<database file>.scheduler.lock``, which the
  operating system releases when the process dies. (Only processes on one machine share a
  SQLite file anyway.)

A lost lock (dropped connection, replaced lock file) is reported by :meth:`alive`; the
scheduler then stops scheduling and waits for the lock again.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from abc import ABC, abstractmethod
from pathlib import Path

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from bot.errors import ConfigError

log = logging.getLogger(__name__)

#: the advisory lock key: "arbotsch" read as a big-endian 64-bit number
LOCK_KEY = int.from_bytes(b"arbotsch", "big")
#: libpq options of the lock's connection: give up on a dead server within about a minute
_LIBPQ_OPTIONS = {
    "connect_timeout": 10,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}


class SchedulerLock(ABC):
    """Exclusive leadership across processes and machines.

    Args:
        poll_seconds: how often :meth:`acquire` retries while another holder has it.
    """

    def __init__(self, *, poll_seconds: float = 5.0) -> None:
        self.poll_seconds = poll_seconds
        self._held = False

    @property
    def held(self) -> bool:
        """True from a successful :meth:`acquire` until :meth:`release` or a lost lock."""
        return self._held

    def acquire(self, timeout: float | None = None, *, stop: threading.Event | None = None) -> bool:
        """Takes the lock, waiting for the holder to let go.

        Args:
            timeout: seconds to wait at most (0: one try); None waits as long as it takes.
            stop: when set, waiting ends at once (a signal asked the process to stop).

        Returns:
            Whether the lock is held now.
        """
        if self._held:
            return True
        deadline = None if timeout is None else time.monotonic() + timeout
        stop = stop or threading.Event()
        while not stop.is_set():
            if self._try_acquire():
                self._held = True
                return True
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return False
            stop.wait(self.poll_seconds if left is None else min(self.poll_seconds, left))
        return False

    def release(self) -> None:
        """Gives the lock up; harmless when it is not held."""
        self._held = False
        self._let_go()

    def alive(self) -> bool:
        """Checks that the lock is still ours; a lost lock is released and reported False."""
        if not self._held:
            return False
        if self._still_held():
            return True
        log.error("the scheduler lock was lost (%s)", self)
        self.release()
        return False

    @abstractmethod
    def _try_acquire(self) -> bool:
        """One attempt to take the lock, without waiting."""

    @abstractmethod
    def _let_go(self) -> None:
        """Frees whatever holds the lock (file, connection)."""

    @abstractmethod
    def _still_held(self) -> bool:
        """Whether what holds the lock still does."""


class FileLock(SchedulerLock):
    """An exclusive ``flock`` on a file: SQLite deployments, one machine.

    ``flock`` locks belong to an open file, so two locks in one process exclude each other
    too; the file is never deleted (deleting it would let a second holder lock a new one).
    """

    def __init__(self, path: Path, *, poll_seconds: float = 5.0) -> None:
        super().__init__(poll_seconds=poll_seconds)
        self.path = path
        self._fd: int | None = None

    def __str__(self) -> str:
        return f"file lock {self.path}"

    def _try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # who holds it, for a curious operator
        self._fd = fd
        return True

    def _let_go(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the file drops the flock

    def _still_held(self) -> bool:
        if self._fd is None:
            return False
        try:
            on_disk = os.stat(self.path)
        except FileNotFoundError:
            return False
        ours = os.fstat(self._fd)
        return (on_disk.st_dev, on_disk.st_ino) == (ours.st_dev, ours.st_ino)


class PostgresAdvisoryLock(SchedulerLock):
    """A session-level advisory lock on a dedicated PostgreSQL connection.

    The connection is outside any pool (closing it ends the session, and with it the lock)
    and in autocommit, so it never sits idle inside a transaction.
    """

    def __init__(self, url: str | URL, *, key: int = LOCK_KEY, poll_seconds: float = 5.0) -> None:
        super().__init__(poll_seconds=poll_seconds)
        parsed = make_url(url)
        libpq = parsed.get_driver_name() in ("psycopg", "psycopg2")
        self.key = key
        self._url = parsed.render_as_string(hide_password=True)
        self._engine = create_engine(
            parsed,
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
            connect_args=dict(_LIBPQ_OPTIONS) if libpq else {},
        )
        self._connection: Connection | None = None

    def __str__(self) -> str:
        return f"advisory lock {self.key} on {self._url}"

    def _try_acquire(self) -> bool:
        try:
            if self._connection is None:
                self._connection = self._engine.connect()
            taken = self._connection.execute(
                text("SELECT pg_try_advisory_lock(CAST(:key AS bigint))"), {"key": self.key}
            ).scalar_one()
        except DBAPIError as exc:
            log.warning("scheduler lock: cannot reach %s (%s); retrying", self._url, exc.orig)
            self._let_go()
            return False
        return bool(taken)

    def _let_go(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()  # NullPool: the session ends, and every lock it held
            except DBAPIError:
                log.debug("closing the scheduler lock's connection failed", exc_info=True)

    def _still_held(self) -> bool:
        if self._connection is None:
            return False
        query = text(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
            " AND pid = pg_backend_pid() AND granted AND objsubid = 1"
            " AND classid = CAST(:high AS oid) AND objid = CAST(:low AS oid))"
        )
        try:
            return bool(
                self._connection.execute(
                    query, {"high": self.key >> 32, "low": self.key & 0xFFFFFFFF}
                ).scalar_one()
            )
        except DBAPIError as exc:
            log.warning("scheduler lock: the connection to %s failed (%s)", self._url, exc.orig)
            return False


def scheduler_lock(database_url: str, *, poll_seconds: float = 5.0) -> SchedulerLock:
    """The lock that elects the scheduler of the AR database at ``database_url``.

    Raises:
        ConfigError: naming ARBOT_DATABASE_URL when that database cannot carry a lock (an
            in-memory SQLite database, a backend other than PostgreSQL and SQLite).
    """
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "postgresql":
        return PostgresAdvisoryLock(url, poll_seconds=poll_seconds)
    if backend == "sqlite":
        database = url.database or ""
        if not database or database == ":memory:" or database.startswith("file:"):
            raise ConfigError(
                f"ARBOT_DATABASE_URL: the scheduler needs a SQLite database file, not {database!r}"
            )
        path = Path(f"{database}.scheduler.lock").absolute()
        return FileLock(path, poll_seconds=poll_seconds)
    raise ConfigError(
        f"ARBOT_DATABASE_URL: no scheduler lock on {backend!r} databases (PostgreSQL or SQLite)"
    )
