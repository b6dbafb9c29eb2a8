"""Two scheduler processes on one PostgreSQL database: one runs the passes; kill it, and
the other takes over."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

from tests.scheduler.conftest import Child, wait_until

pytestmark = pytest.mark.postgres


@pytest.fixture
def database(postgres_url: str) -> Iterator[Engine]:
    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(text("drop table if exists passes"))
        connection.execute(
            text("create table passes (pid integer not null, at timestamptz default now())")
        )
    yield engine
    engine.dispose()


def pids(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return list(connection.scalars(text("select distinct pid from passes order by pid")))


def test_only_one_scheduler_runs_passes_and_the_other_takes_over_when_it_dies(
    database: Engine, postgres_url: str, children: Callable[..., Child]
) -> None:
    first = children("tests.scheduler.holder", "schedule", postgres_url)
    second = children("tests.scheduler.holder", "schedule", postgres_url)
    assert wait_until(lambda: len(pids(database)) > 0, timeout=20), first.errors + second.errors
    time.sleep(0.6)  # passes, and polls of the waiting one
    [leader_pid] = pids(database)
    leader, follower = (first, second) if first.pid == leader_pid else (second, first)
    assert follower.wait_for_line("waiting")

    os.kill(leader.pid, signal.SIGKILL)
    leader.wait()
    with database.connect() as connection:
        killed_at = connection.scalar(text("select now()"))
    assert wait_until(lambda: follower.pid in pids(database), timeout=10), follower.errors
    with database.connect() as connection:
        first_takeover = connection.scalar(
            text("select min(at) from passes where pid = :pid"), {"pid": follower.pid}
        )
    assert first_takeover > killed_at

    follower.process.send_signal(signal.SIGTERM)
    assert follower.wait() == 0
    assert follower.wait_for_line("stopped", timeout=1)
