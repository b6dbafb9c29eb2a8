"""``arbot scheduler``: the reminder scheduler, one active per AR database.

Every instance waits for the scheduler lock; the holder schedules a reminder pass every
``ARBOT_SCHEDULER_INTERVAL_MINUTES`` (and one at takeover) and the daily evaluation at
``ARBOT_SCHEDULER_DAILY_AT``. SIGTERM or Ctrl-C lets a running job finish, releases the
lock and exits. ``--once`` runs one evaluation and one pass under the lock and exits.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import click

from bot.cli.context import wired

WAITING = "waiting for the scheduler lock (another scheduler is active)"


@click.command()
@click.option(
    "--once", is_flag=True, help="Run one daily evaluation and one reminder pass, then exit."
)
@click.option(
    "--wait",
    "wait_seconds",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="With --once, give up after SECONDS waiting for the lock (default: wait on).",
)
def scheduler(once: bool, wait_seconds: float | None) -> None:
    """Run the reminder scheduler (one active per database; others wait to take over)."""
    from bot.scheduler import jobs  # APScheduler and the services only for this command
    from bot.scheduler.lock import scheduler_lock
    from bot.scheduler.process import Scheduler
    from bot.scheduler.timetable import Timetable

    if wait_seconds is not None and not once:
        raise click.UsageError("--wait goes with --once")
    app = wired()
    settings = app.settings
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s scheduler %(levelname)s: %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    stop = _stop_on_signals()
    lock = scheduler_lock(settings.database_url, poll_seconds=settings.scheduler_lock_poll_seconds)
    process = Scheduler(
        lock=lock,
        engine=app.engine,
        clock=app.clock,
        pass_job=jobs.reminder_pass(app),
        daily_job=jobs.daily_evaluation(app),
        timetable=Timetable.from_settings(settings),
        health_seconds=settings.scheduler_lock_poll_seconds,
        on_waiting=lambda: click.echo(WAITING),
    )
    if once:
        if not process.run_once(stop, wait_seconds) and not stop.is_set():
            raise click.ClickException(f"another scheduler holds the lock ({lock})")
        return
    process.run(stop)
    click.echo("scheduler stopped")


def _stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT: the scheduler finishes its job and lets go."""
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    return stop
