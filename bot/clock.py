"""Where "now" comes from.

Every process reads the current time through a :class:`Clock`, so ``ARBOT_NOW`` can fix it
for demos, tests and reproducible reports (SPEC §9). Policy code never calls a clock; it is
handed ``now``/``today``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
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
