"""``arbot scheduler``: waits while another scheduler leads, takes over, stops on SIGTERM."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.scheduler.lock import FileLock
from tests.cli.runner import ARBOT, NOW, arbot
from tests.scheduler.conftest import Child, wait_until

WAITING = "waiting for the scheduler lock (another scheduler is active)"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database file, copied for each test (migrating takes seconds)."""
    path = tmp_path_factory.mktemp("template") / "arbot.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def tmp_database(tmp_path: Path, migrated: Path) -> str:
    shutil.copy(migrated, tmp_path / "arbot.db")
    return f"sqlite:///{tmp_path / 'arbot.db'}"


def lock_of(database: str) -> FileLock:
    return FileLock(Path(f"{database.removeprefix('sqlite:///')}.scheduler.lock"))


def taken_by_another(lock: FileLock) -> bool:
    if lock.acquire(0):
        lock.release()
        return False
    return True


def environment(database: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("ARBOT_")},
        "ARBOT_DATABASE_URL": database,
        "ARBOT_NOW": NOW,
        "ARBOT_SCHEDULER_LOCK_POLL_SECONDS": "0.1",
    }


def test_scheduler_waits_for_the_lock_takes_over_and_lets_it_go_on_sigterm(
    tmp_database: str, children: Callable[..., Child]
) -> None:
    other = lock_of(tmp_database)
    assert other.acquire(0)
    scheduler = children(str(ARBOT), "scheduler", env=environment(tmp_database))
    assert scheduler.wait_for_line(WAITING), scheduler.errors
    other.release()
    assert wait_until(lambda: taken_by_another(other))

    scheduler.process.send_signal(signal.SIGTERM)
    assert scheduler.wait() == 0, scheduler.errors
    assert scheduler.wait_for_line("scheduler stopped", timeout=1)
    assert any("scheduler leading" in line for line in scheduler.errors)
    assert other.acquire(0)  # released on the way out
    other.release()


def test_once_gives_up_after_wait_seconds_while_another_scheduler_leads(
    tmp_database: str,
) -> None:
    other = lock_of(tmp_database)
    assert other.acquire(0)
    try:
        result = arbot("scheduler", "--once", "--wait", "0.2", database=tmp_database)
    finally:
        other.release()
    assert result.code == 1
    assert WAITING in result.out
    assert "another scheduler holds the lock" in result.err
