"""Report dates given by people: ``as_of``, ``from`` and ``to`` query parameters (SPEC §8).

The web API and the console read the same parameters the CLI's ``--as-of``, ``--from`` and
``--to`` options take, with the same defaults: today, and the 30 days ending on ``to``.
A bad value raises :class:`ValueError` whose message starts with the parameter's name, so
the caller can say which field to fix.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo

from bot.clock import parse_day

#: the default report period: this many days ending on ``to``
DEFAULT_DAYS = 30
#: report dates outside these years are typing mistakes (and keep date arithmetic in range)
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)


def business_day(now: datetime, zone: tzinfo | None) -> date:
    """The day reports call "today": ``now`` in the deployment's zone (UTC when unknown),
    as ``arbot report`` reads it."""
    return now.astimezone(zone or timezone.utc).date()


def report_day(text: str | None, name: str, default: date) -> date:
    """An ISO date parameter, or ``default`` when it is missing or blank.

    Raises:
        ValueError: naming ``name`` when the value is not a date or not a plausible one.
    """
    if text is None or not text.strip():
        return default
    day = parse_day(text, field=name)
    if not EARLIEST <= day <= LATEST:
        raise ValueError(
            f"{name}: {day.isoformat()} is outside {EARLIEST.isoformat()}..{LATEST.isoformat()}"
        )
    return day


def report_period(
    start: str | None, end: str | None, today: date, *, max_days: int | None = None
) -> tuple[date, date]:
    """``from`` and ``to`` as dates; by default the 30 days ending today.

    Raises:
        ValueError: naming ``from`` or ``to`` when a date is malformed, when ``to`` is
            before ``from``, or when the period is longer than ``max_days``.
    """
    last = report_day(end, "to", today)
    first = report_day(start, "from", last - timedelta(days=DEFAULT_DAYS - 1))
    if last < first:
        raise ValueError(f"to: {last.isoformat()} is before from {first.isoformat()}")
    days = (last - first).days + 1
    if max_days is not None and days > max_days:
        raise ValueError(f"from: the period is {days} days; at most {max_days} are shown")
    return first, last
