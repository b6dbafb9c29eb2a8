"""The scheduler process: one reminder pass every interval and one evaluation a day.

Every scheduler process waits for the :mod:`lock <bot.scheduler.lock>`; only its holder
runs APScheduler (SPEC §10: APScheduler 3 cannot share a job store). The leader keeps two
jobs in a SQLAlchemy job store on the AR database (table ``scheduler_jobs``):

- ``reminder-pass`` every ``ARBOT_SCHEDULER_INTERVAL_MINUTES``, and once at takeover, so
  passes missed while no scheduler ran are made up for at once (one pass, not one per
  missed interval: a pass selects everything that is due);
- ``daily-evaluation`` at ``ARBOT_SCHEDULER_DAILY_AT`` in ``ARBOT_DEFAULT_TIMEZONE`` (or
  UTC). Its next run time survives restarts: one missed while no scheduler ran runs once
  at takeover. On the first start (or after the daily time changed) it also runs at once.

A stored job holds only the job's name; when it fires, :func:`fire` hands it to the
scheduler leading in this process, which reads the clock and calls the injected job, so
everything is read afresh. One worker thread runs the jobs and each allows one instance
(``max_instances=1``, ``coalesce=True``): never two passes at once, and the daily
evaluation never overlaps a pass.

What "now" is: the timetable runs on real time (APScheduler's), but the jobs are handed
the deployment's clock. With ``ARBOT_NOW`` fixed (tests, demos) every pass and every
evaluation gets that same instant; passes are idempotent, so later ones find the due
messages already sent.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock
from bot.scheduler.lock import SchedulerLock
from bot.scheduler.timetable import Timetable

log = logging.getLogger(__name__)

REMINDERS_JOB = "reminder-pass"
DAILY_JOB = "daily-evaluation"
JOB_TABLE = "scheduler_jobs"
#: a daily evaluation missed by up to a day still runs (once: runs are coalesced)
DAILY_GRACE_SECONDS = 24 * 60 * 60

#: one job: given "now", does its work and returns a summary (logged with ``str()``)
Job = Callable[[datetime], object]


_leader_guard = threading.Lock()
_leader: Scheduler | None = None


def fire(job: str) -> None:
    """What every stored job calls: runs ``job`` on the scheduler leading in this process.

    A stored job is pickled with a reference to its function, so it names the job instead
    of holding the injected callable.
    """
    leader = _leader
    if leader is None:
        log.warning("job %r fired with no scheduler leading in this process", job)
        return
    leader.fire(job)


def _claim(scheduler: Scheduler | None) -> None:
    global _leader  # the one scheduler stored jobs reach in this process
    with _leader_guard:
        if scheduler is not None and _leader not in (None, scheduler):
            raise RuntimeError("another scheduler already leads in this process")
        _leader = scheduler


class Scheduler:
    """Waits for leadership, then runs the jobs on their timetable until stopped.

    Args:
        lock: the lock electing one scheduler per AR database.
        engine: the AR database, which also holds APScheduler's job store.
        clock: where the jobs' "now" comes from.
        pass_job: one reminder pass.
        daily_job: the daily evaluation.
        timetable: when they run.
        health_seconds: how often the leader checks that it still holds the lock.
        on_waiting: called when another scheduler holds the lock and this one waits.
    """

    def __init__(
        self,
        *,
        lock: SchedulerLock,
        engine: Engine,
        clock: Clock,
        pass_job: Job,
        daily_job: Job,
        timetable: Timetable | None = None,
        health_seconds: float = 5.0,
        on_waiting: Callable[[], object] | None = None,
    ) -> None:
        self._lock = lock
        self._engine = engine
        self._clock = clock
        self._jobs = {
            REMINDERS_JOB: ("reminder pass", pass_job),
            DAILY_JOB: ("daily evaluation", daily_job),
        }
        self.timetable = timetable or Timetable()
        self._health_seconds = health_seconds
        self._on_waiting = on_waiting or (lambda: None)
        self._aps: Any = None

    def run(self, stop: threading.Event) -> None:
        """Leads whenever it holds the lock, until ``stop`` is set; then lets the lock go.

        A lost lock, or a database error that stops APScheduler, ends the leadership: the
        scheduler waits for the lock again (and takes over again when it is free).
        """
        while self._wait_for_lock(stop, None):
            try:
                self._lead(stop)
            except SQLAlchemyError:
                log.exception("scheduling stopped on a database error; retrying")
                stop.wait(self._lock.poll_seconds)
            finally:
                self._lock.release()

    def run_once(self, stop: threading.Event, timeout: float | None = None) -> bool:
        """Under the lock, runs the daily evaluation and one pass, then lets the lock go.

        The evaluation comes first so the pass sees today's promise and plan statuses.
        Errors of a job propagate (a cron job should fail loudly).

        Returns:
            False when the lock was not had within ``timeout`` seconds or ``stop`` was set.
        """
        if not self._wait_for_lock(stop, timeout):
            return False
        try:
            for job in (DAILY_JOB, REMINDERS_JOB):
                self.execute(job)
        finally:
            self._lock.release()
        return True

    def execute(self, job: str) -> object:
        """Runs ``job`` now with the clock's "now" and logs its summary in one line."""
        label, function = self._jobs[job]
        now = self._clock.now()
        summary = function(now)
        log.info("%s at %s: %s", label, now.isoformat(), summary)
        return summary

    def fire(self, job: str) -> None:
        """Runs a scheduled ``job``; an error is logged and the schedule goes on."""
        try:
            self.execute(job)
        except Exception:
            log.exception("%s failed", self._jobs[job][0])

    def next_run_times(self) -> dict[str, datetime | None]:
        """When each job runs next, while leading (empty otherwise)."""
        aps = self._aps
        if aps is None or not aps.running:
            return {}
        return {job.id: job.next_run_time for job in aps.get_jobs()}

    def _wait_for_lock(self, stop: threading.Event, timeout: float | None) -> bool:
        if stop.is_set():
            return False
        if self._lock.acquire(0):
            return True
        self._on_waiting()
        return self._lock.acquire(timeout, stop=stop)

    def _lead(self, stop: threading.Event) -> None:
        aps = BackgroundScheduler(
            timezone=timezone.utc,
            jobstores={"default": SQLAlchemyJobStore(engine=self._engine, tablename=JOB_TABLE)},
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={"coalesce": True, "max_instances": 1},
        )
        _claim(self)
        self._aps = aps
        try:
            aps.start(paused=True)
            self._schedule(aps)
            aps.resume()
            log.info("scheduler leading (%s): %s", self._lock, self.timetable.describe())
            while not stop.wait(self._health_seconds) and self._healthy(aps):
                pass
        finally:
            if aps.running:
                aps.shutdown(wait=True)  # a running job finishes first
            self._aps = None
            _claim(None)

    def _schedule(self, aps: Any) -> None:
        now = datetime.now(timezone.utc)
        seconds = self.timetable.interval.total_seconds()
        aps.add_job(
            fire,
            IntervalTrigger(seconds=seconds, timezone=timezone.utc),
            args=[REMINDERS_JOB],
            id=REMINDERS_JOB,
            name=REMINDERS_JOB,
            replace_existing=True,
            # one pass at takeover, just after a due evaluation (the worker takes jobs in order)
            next_run_time=now + timedelta(milliseconds=1),
            misfire_grace_time=max(1, math.ceil(seconds)),
        )
        at = self.timetable.daily_at
        daily = CronTrigger(
            hour=at.hour, minute=at.minute, second=at.second, timezone=self.timetable.zone
        )
        stored = self._stored_job(aps, DAILY_JOB)
        same = stored is not None and repr(stored.trigger) == repr(daily)
        aps.add_job(
            fire,
            daily,
            args=[DAILY_JOB],
            id=DAILY_JOB,
            name=DAILY_JOB,
            replace_existing=True,
            next_run_time=stored.next_run_time if same else now,
            misfire_grace_time=DAILY_GRACE_SECONDS,
        )

    @staticmethod
    def _stored_job(aps: Any, job: str) -> Any:
        try:
            return aps.get_job(job)
        except Exception:  # a job stored by an incompatible version: scheduled afresh
            log.warning("stored job %r is unreadable; scheduling it afresh", job, exc_info=True)
            return None

    def _healthy(self, aps: Any) -> bool:
        if not self._lock.alive():
            log.error("scheduler lock lost: stopped scheduling, waiting for the lock again")
            return False
        # APScheduler 3's loop thread dies when its job store fails mid-update; restart it
        thread = getattr(aps, "_thread", None)
        if thread is not None and not thread.is_alive():
            log.error("APScheduler stopped (job store error); restarting the schedule")
            return False
        return True
