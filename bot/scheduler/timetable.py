"""When the scheduler's jobs run, from the ``ARBOT_SCHEDULER_*`` settings.

Kept apart from :mod:`bot.scheduler.process` so ``arbot run`` can describe the timetable
without importing APScheduler.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta, timezone, tzinfo

from bot.settings import Settings


@dataclass(frozen=True)
class Timetable:
    """When the jobs run: the pass interval and the daily time in its zone."""

    interval: timedelta = timedelta(minutes=15)
    daily_at: time = time(6, 0)
    zone: tzinfo = timezone.utc

    @classmethod
    def from_settings(cls, settings: Settings) -> Timetable:
        """The timetable of ``ARBOT_SCHEDULER_*`` (the zone: ``ARBOT_DEFAULT_TIMEZONE``)."""
        return cls(
            interval=timedelta(minutes=settings.scheduler_interval_minutes),
            daily_at=settings.scheduler_daily_at,
            zone=settings.default_timezone or timezone.utc,
        )

    def describe(self) -> str:
        """In words, for the log and ``arbot run``."""
        seconds = self.interval.total_seconds()
        every = f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"
        daily = self.daily_at.isoformat(timespec="seconds" if self.daily_at.second else "minutes")
        return f"a reminder pass every {every}, the daily evaluation at {daily} {self.zone}"
