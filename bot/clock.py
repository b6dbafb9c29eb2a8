"""Where "now" comes from.

Every process reads the current time through a :class:`Clock`, so ``ARBOT_NOW`` can fix it
for demos, tests and reproducible reports (SPEC §9). Policy code never calls a clock; it is
handed ``now``/``today``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    """Source of the current time (timezone-aware, UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


@dataclass(frozen=True)
class FixedClock:
    """A clock stopped at one instant (``ARBOT_NOW``)."""

    instant: datetime

    def now(self) -> datetime:
        return self.instant.astimezone(timezone.utc)


@dataclass(frozen=True)
class ElapsedClock:
    """``ARBOT_NOW`` plus the time this process has run: what the dispatcher waits by
    when the clock is fixed, so a retry due in 30 seconds comes in 30 seconds."""

    start: datetime
    started: float = field(default_factory=time.monotonic)

    def now(self) -> datetime:
        return self.start.astimezone(timezone.utc) + timedelta(
            seconds=time.monotonic() - self.started
        )


def ticking(clock: Clock) -> Clock:
    """A clock that moves: ``clock`` itself, or a fixed one set running from its instant."""
    if isinstance(clock, FixedClock):
        return ElapsedClock(clock.instant)
    return clock


def parse_instant(text: str, *, field: str = "ARBOT_NOW") -> datetime:
    """Parses an ISO 8601 timestamp that must carry an offset.

    Raises:
        ValueError: naming ``field`` when the text is not ISO 8601 or has no offset.
    """
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{field}: {text!r} is not an ISO 8601 timestamp") from None
    if value.tzinfo is None:
        raise ValueError(f"{field}: {text!r} needs a UTC offset, e.g. 2026-11-22T09:00:00-05:00")
    return value.astimezone(timezone.utc)


def parse_day(text: str, *, field: str) -> date:
    """Parses an ISO 8601 date (``YYYY-MM-DD``), naming ``field`` when it is not one."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{field}: {text!r} is not a date (YYYY-MM-DD)") from None
