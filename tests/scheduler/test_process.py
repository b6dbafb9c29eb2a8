"""The scheduler: a pass at takeover and every interval, never two at once, the daily
evaluation at its time and once after a miss, the clock's "now", a lost lock."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.clock import Clock, FixedClock, SystemClock
from bot.db.engine import make_engine
from bot.scheduler.lock import FileLock
from bot.scheduler.process import DAILY_JOB, Scheduler
from bot.scheduler.timetable import Timetable
from tests.scheduler.conftest import wait_until

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=timezone.utc)


class Recorder:
    """A job that records when it ran and how many of it ran at once."""

    def __init__(self, seconds: float = 0.0, fail_first: bool = False) -> None:
        self.seconds = seconds
        self.fail_first = fail_first
        self.nows: list[datetime] = []
        self.started: list[float] = []
        self.running = 0
        self.most = 0
        self._guard = threading.Lock()

    def __call__(self, now: datetime) -> str:
        with self._guard:
            self.running += 1
            self.most = max(self.most, self.running)
            self.started.append(time.monotonic())
            self.nows.append(now)
            count = len(self.nows)
        try:
            time.sleep(self.seconds)
            if self.fail_first and count == 1:
                raise RuntimeError("the first run fails")
            return f"run {count} done"
        finally:
            with self._guard:
                self.running -= 1

    @property
    def count(self) -> int:
        return len(self.nows)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'arbot.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def lock_path(tmp_path: Path) -> Path:
    return tmp_path / "arbot.db.scheduler.lock"


def build(
    engine: Engine,
    lock_path: Path,
    passes: Recorder,
    daily: Recorder | None = None,
    *,
    interval: float = 0.3,
    daily_at: datetime | None = None,
    clock: Clock | None = None,
    on_waiting: Callable[[], object] | None = None,
) -> Scheduler:
    at = (daily_at or datetime.now(timezone.utc) + timedelta(hours=12)).time()
    return Scheduler(
        lock=FileLock(lock_path, poll_seconds=0.05),
        engine=engine,
        clock=clock or SystemClock(),
        pass_job=passes,
        daily_job=daily or Recorder(),
        timetable=Timetable(timedelta(seconds=interval), at.replace(microsecond=0)),
        health_seconds=0.05,
        on_waiting=on_waiting,
    )


@contextmanager
def running(scheduler: Scheduler) -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=scheduler.run, args=(stop,))
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)
        assert not thread.is_alive()


def soon(seconds: float) -> datetime:
    """A whole second at least ``seconds`` from now (the daily time has no fraction)."""
    later = datetime.now(timezone.utc) + timedelta(seconds=seconds + 1)
    return later.replace(microsecond=0)


def test_a_pass_runs_at_takeover_and_then_every_interval(engine: Engine, lock_path: Path) -> None:
    passes = Recorder()
    started = time.monotonic()
    with running(build(engine, lock_path, passes, interval=0.3)):
        assert wait_until(lambda: passes.count >= 3)
    assert passes.started[0] - started < 3
    gaps = [b - a for a, b in zip(passes.started, passes.started[1:], strict=False)]
    assert all(0.25 <= gap < 2.0 for gap in gaps[:2]), gaps


def test_passes_never_run_two_at_once(engine: Engine, lock_path: Path) -> None:
    passes = Recorder(seconds=0.3)
    with running(build(engine, lock_path, passes, interval=0.05)):
        assert wait_until(lambda: passes.count >= 3)
    assert passes.most == 1


def test_the_daily_evaluation_runs_at_its_time(engine: Engine, lock_path: Path) -> None:
    daily = Recorder()
    at = soon(1)
    scheduler = build(engine, lock_path, Recorder(), daily, daily_at=at)
    with running(scheduler):
        assert wait_until(lambda: daily.count == 1)  # the first start catches up at once
        assert wait_until(lambda: daily.count == 2)
        assert datetime.now(timezone.utc) >= at
        assert scheduler.next_run_times()[DAILY_JOB] == at + timedelta(days=1)
    assert daily.count == 2


def test_a_restart_does_not_repeat_the_days_evaluation(engine: Engine, lock_path: Path) -> None:
    passes, daily = Recorder(), Recorder()
    with running(build(engine, lock_path, passes, daily)):
        assert wait_until(lambda: daily.count == 1 and passes.count == 1)
    with running(build(engine, lock_path, passes, daily)):
        assert wait_until(lambda: passes.count == 2)  # a pass at every takeover
        time.sleep(0.2)
    assert daily.count == 1


def test_an_evaluation_missed_while_down_runs_once_at_takeover(
    engine: Engine, lock_path: Path
) -> None:
    daily = Recorder()
    at = soon(1)
    with running(build(engine, lock_path, Recorder(), daily, daily_at=at)):
        assert wait_until(lambda: daily.count == 1)
    assert wait_until(lambda: datetime.now(timezone.utc) > at + timedelta(seconds=0.2))
    assert daily.count == 1  # nobody ran it at its time
    with running(build(engine, lock_path, Recorder(), daily, daily_at=at)):
        assert wait_until(lambda: daily.count == 2)
        time.sleep(0.3)
    assert daily.count == 2


def test_at_takeover_the_evaluation_runs_before_the_pass(engine: Engine, lock_path: Path) -> None:
    order: list[str] = []
    scheduler = Scheduler(
        lock=FileLock(lock_path),
        engine=engine,
        clock=SystemClock(),
        pass_job=lambda now: order.append("pass"),
        daily_job=lambda now: order.append("daily"),
        health_seconds=0.05,
    )
    with running(scheduler):
        assert wait_until(lambda: len(order) >= 2)
    assert order == ["daily", "pass"]


def test_the_jobs_get_the_clock_fixed_by_arbot_now(engine: Engine, lock_path: Path) -> None:
    passes, daily = Recorder(), Recorder()
    with running(build(engine, lock_path, passes, daily, interval=0.1, clock=FixedClock(NOW))):
        assert wait_until(lambda: passes.count >= 2 and daily.count == 1)
    assert set(passes.nows) == set(daily.nows) == {NOW}


def test_each_pass_logs_one_line_with_its_summary(
    engine: Engine, lock_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    passes = Recorder()
    caplog.set_level(logging.INFO, logger="bot.scheduler")
    with running(build(engine, lock_path, passes, clock=FixedClock(NOW))):
        assert wait_until(lambda: passes.count >= 1)
        time.sleep(0.05)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("reminder pass")]
    assert lines[0] == f"reminder pass at {NOW.isoformat()}: run 1 done"


def test_a_failing_pass_is_logged_and_the_schedule_goes_on(
    engine: Engine, lock_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    passes = Recorder(fail_first=True)
    with running(build(engine, lock_path, passes, interval=0.1)):
        assert wait_until(lambda: passes.count >= 2)
    failed = [r for r in caplog.records if r.getMessage() == "reminder pass failed"]
    assert failed
    assert failed[0].exc_info is not None


def test_a_lost_lock_stops_the_passes_until_the_lock_is_held_again(
    engine: Engine, lock_path: Path
) -> None:
    passes = Recorder()
    scheduler = build(engine, lock_path, passes, interval=0.1)
    with running(scheduler):
        assert wait_until(lambda: passes.count >= 1)
        lock_path.unlink()  # the lock file replaced under the leader: another takes it
        rival = FileLock(lock_path)
        assert rival.acquire(0)
        assert wait_until(lambda: scheduler.next_run_times() == {})  # no longer leading
        stopped_at = passes.count
        time.sleep(0.4)
        assert passes.count == stopped_at
        rival.release()
        assert wait_until(lambda: passes.count > stopped_at)


def test_a_waiting_scheduler_takes_over_when_the_leader_stops(
    engine: Engine, lock_path: Path
) -> None:
    first, second, waits = Recorder(), Recorder(), []
    with running(build(engine, lock_path, first)):
        assert wait_until(lambda: first.count >= 1)
        with running(build(engine, lock_path, second, on_waiting=lambda: waits.append(1))):
            assert wait_until(lambda: waits == [1])
            time.sleep(0.4)
            assert second.count == 0
            passes_before_stop = first.count
        assert wait_until(lambda: first.count > passes_before_stop)
    assert second.count == 0
    with running(build(engine, lock_path, second)):
        assert wait_until(lambda: second.count >= 1)


def test_run_once_evaluates_then_passes_and_lets_the_lock_go(
    engine: Engine, lock_path: Path
) -> None:
    order: list[str] = []
    scheduler = Scheduler(
        lock=FileLock(lock_path),
        engine=engine,
        clock=FixedClock(NOW),
        pass_job=lambda now: order.append(f"pass {now:%H:%M}"),
        daily_job=lambda now: order.append(f"daily {now:%H:%M}"),
    )
    assert scheduler.run_once(threading.Event(), timeout=0)
    assert order == ["daily 15:00", "pass 15:00"]
    assert FileLock(lock_path).acquire(0)


def test_run_once_gives_up_while_another_scheduler_holds_the_lock(
    engine: Engine, lock_path: Path
) -> None:
    holder = FileLock(lock_path)
    assert holder.acquire(0)
    passes, waits = Recorder(), []
    scheduler = build(engine, lock_path, passes, on_waiting=lambda: waits.append(1))
    assert not scheduler.run_once(threading.Event(), timeout=0.2)
    assert (passes.count, waits) == (0, [1])
    holder.release()
