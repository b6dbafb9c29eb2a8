"""Calendar arithmetic shared by the English and Spanish date readers (pure).

Every function takes the customer's ``today``; none reads a clock.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def safe_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when the calendar has no such day (Feb 30)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def clamped(year: int, month: int, day: int) -> date:
    """The day in that month, or the month's last day when it is shorter ("the 31st")."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def next_month(today: date) -> tuple[int, int]:
    """(year, month) of the month after today's."""
    return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)


def nearest(month: int, day: int, today: date) -> date | None:
    """The date with this month and day closest to today (the later one on a tie)."""
    options = [
        d for y in (today.year - 1, today.year, today.year + 1) if (d := safe_date(y, month, day))
    ]
    return min(options, key=lambda d: (abs((d - today).days), d < today), default=None)


def next_day_of_month(day: int, today: date) -> date | None:
    """The next ``day`` of a month on or after today; None for a day no month has."""
    if not 1 <= day <= 31:
        return None
    candidate = clamped(today.year, today.month, day)
    return candidate if candidate >= today else clamped(*next_month(today), day)


def sunday_of_next_week(today: date) -> date:
    """The Sunday that starts next week, weeks running Sunday to Saturday (US calendars)."""
    return today - timedelta(days=(today.weekday() + 1) % 7) + timedelta(days=7)


def end_of_month(today: date, *, following: bool = False) -> date:
    """The last day of this month, or of the next one with ``following``."""
    year, month = next_month(today) if following else (today.year, today.month)
    return clamped(year, month, 31)


def coming_weekday(weekday: int, today: date, *, today_counts: bool = False) -> date:
    """The next ``weekday`` (Monday 0) after today, or today itself with ``today_counts``."""
    ahead = (weekday - today.weekday()) % 7
    return today + timedelta(days=ahead if today_counts or ahead else 7)


def weekday_of_next_week(weekday: int, today: date) -> date:
    """That weekday in next week, weeks running Sunday to Saturday."""
    return sunday_of_next_week(today) + timedelta(days=(weekday + 1) % 7)


def months_later(today: date, months: int) -> date:
    """The same day ``months`` months on, or that month's last day when it is shorter."""
    year, month = divmod(today.month - 1 + months, 12)
    return clamped(today.year + year, month + 1, today.day)
