"""Subprocesses of the scheduler tests.

``python -m tests.scheduler.holder lock URL`` takes the scheduler lock, says ``held`` and
sleeps; ``python -m tests.scheduler.holder schedule URL`` runs a scheduler whose pass
appends its process id to the table ``passes``, until SIGTERM.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from datetime import datetime, timedelta
from types import FrameType

from sqlalchemy import text

from bot.clock import SystemClock
from bot.db.engine import make_engine
from bot.scheduler.lock import scheduler_lock
from bot.scheduler.process import Scheduler
from bot.scheduler.timetable import Timetable


def hold(url: str) -> None:
    lock = scheduler_lock(url, poll_seconds=0.1)
    assert lock.acquire()
    print("held", flush=True)
    time.sleep(600)


def schedule(url: str) -> None:
    engine = make_engine(url)
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    def record(_now: datetime) -> str:
        with engine.begin() as connection:
            connection.execute(text("insert into passes (pid) values (:pid)"), {"pid": os.getpid()})
        return "recorded"

    signal.signal(signal.SIGTERM, on_signal)
    logging.basicConfig(level=logging.INFO)
    Scheduler(
        lock=scheduler_lock(url, poll_seconds=0.1),
        engine=engine,
        clock=SystemClock(),
        pass_job=record,
        daily_job=lambda _now: "evaluated",
        timetable=Timetable(interval=timedelta(seconds=0.3)),
        health_seconds=0.1,
        on_waiting=lambda: print("waiting", flush=True),
    ).run(stop)
    print("stopped", flush=True)


if __name__ == "__main__":
    {"lock": hold, "schedule": schedule}[sys.argv[1]](sys.argv[2])
