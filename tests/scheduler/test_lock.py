"""One scheduler lock holder at a time, on SQLite (a file lock) and PostgreSQL (advisory)."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.errors import ConfigError
from bot.scheduler.lock import FileLock, PostgresAdvisoryLock, SchedulerLock, scheduler_lock
from tests.scheduler.conftest import Child


def lock(url: str) -> SchedulerLock:
    return scheduler_lock(url, poll_seconds=0.05)


def test_only_one_lock_holds_at_a_time(database_url: str) -> None:
    first, second = lock(database_url), lock(database_url)
    try:
        assert first.acquire(0)
        assert not second.acquire(0)
        assert (first.held, second.held) == (True, False)
        assert first.alive()
    finally:
        first.release()
        second.release()


def test_the_second_acquires_once_the_first_releases(database_url: str) -> None:
    first, second = lock(database_url), lock(database_url)
    try:
        assert first.acquire(0)
        first.release()
        assert not first.held
        assert second.acquire(0)
        assert not first.acquire(0)
    finally:
        first.release()
        second.release()


def test_a_waiting_acquire_takes_the_lock_when_the_holder_lets_go(database_url: str) -> None:
    first, second = lock(database_url), lock(database_url)
    try:
        assert first.acquire(0)
        threading.Timer(0.3, first.release).start()
        started = time.monotonic()
        assert second.acquire(5)
        assert time.monotonic() - started >= 0.25
    finally:
        first.release()
        second.release()


def test_a_waiting_acquire_gives_up_after_its_timeout_or_when_stopped(database_url: str) -> None:
    first, second = lock(database_url), lock(database_url)
    stop = threading.Event()
    try:
        assert first.acquire(0)
        started = time.monotonic()
        assert not second.acquire(0.2)
        assert 0.15 <= time.monotonic() - started < 2
        threading.Timer(0.2, stop.set).start()
        assert not second.acquire(None, stop=stop)
        assert not second.held
    finally:
        first.release()
        second.release()


def test_a_killed_holder_process_lets_another_take_over(
    database_url: str, children: Callable[..., Child]
) -> None:
    holder = children("tests.scheduler.holder", "lock", database_url)
    assert holder.wait_for_line("held"), holder.errors
    waiting = lock(database_url)
    try:
        assert not waiting.acquire(0.2)
        os.kill(holder.pid, signal.SIGKILL)
        assert waiting.acquire(10)
    finally:
        waiting.release()


def test_on_sqlite_the_lock_file_lies_next_to_the_database(tmp_path: Path) -> None:
    found = scheduler_lock(f"sqlite:///{tmp_path / 'ar.db'}")
    assert isinstance(found, FileLock)
    assert found.path == tmp_path / "ar.db.scheduler.lock"


def test_a_replaced_lock_file_is_a_lost_lock(sqlite_url: str) -> None:
    held = lock(sqlite_url)
    assert isinstance(held, FileLock)
    try:
        assert held.acquire(0)
        held.path.unlink()
        assert not held.alive()
        assert not held.held
    finally:
        held.release()


@pytest.mark.postgres
def test_a_dropped_postgres_connection_is_a_lost_lock(postgres_url: str) -> None:
    held, other = lock(postgres_url), lock(postgres_url)
    assert isinstance(held, PostgresAdvisoryLock)
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        assert held.acquire(0)
        with admin.connect() as connection:
            pid = connection.execute(
                text(
                    "select pid from pg_locks where locktype = 'advisory' and granted and"
                    " database = (select oid from pg_database where datname = current_database())"
                )
            ).scalar_one()
            connection.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})
        assert not held.alive()
        assert not held.held
        assert other.acquire(2)
    finally:
        held.release()
        other.release()
        admin.dispose()


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "mysql://db/arbot"], ids=["bare", "memory", "mysql"]
)
def test_a_database_without_a_lock_is_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError, match="ARBOT_DATABASE_URL"):
        scheduler_lock(url)
