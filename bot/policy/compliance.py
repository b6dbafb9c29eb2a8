"""Promise-to-pay compliance tallies for the manager dashboard (SPEC §8), pure.

The database counts promises per (promise date, channel, taker, status); these functions
fold those few rows into the figures a manager reads — overall, by who took the promise,
and by ISO week of the promise date — so each figure is summed from the same counts and
they always agree. Kept rate = kept / (kept + broken), as in :mod:`bot.policy.kpis`.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from bot.policy.kpis import ratio

STATUSES: tuple[str, ...] = ("pending", "kept", "broken", "cancelled")

#: a dashboard period may span at most this many days (weeks are listed one by one)
MAX_PERIOD_DAYS = 731


@dataclass(frozen=True)
class PromiseCount:
    """How many promises share a promise date, channel, taker and status, and their sums."""

    due_date: date
    channel: str
    taken_by: str
    status: str
    promises: int
    promised: Decimal
    collected: Decimal


@dataclass
class Tally:
    """Promises counted by status, with the amounts promised and collected against them."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    promised: Decimal = Decimal("0.00")
    collected: Decimal = Decimal("0.00")

    @property
    def promises(self) -> int:
        """Every promise counted, whatever its status."""
        return sum(self.counts.values())

    @property
    def kept_rate(self) -> Decimal | None:
        """kept / (kept + broken), two places; None when none is resolved yet."""
        kept, broken = self.counts["kept"], self.counts["broken"]
        return ratio(Decimal(kept), Decimal(kept + broken))

    def add(self, row: PromiseCount) -> None:
        """Counts one group of promises in."""
        self.counts[row.status] = self.counts.get(row.status, 0) + row.promises
        self.promised += row.promised
        self.collected += row.collected


def iso_week(day: date) -> str:
    """The ISO 8601 week a day falls in, as ``2026-W47`` (weeks start on Monday)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def iso_weeks(start: date, end: date) -> list[str]:
    """Every ISO week that overlaps [start, end], in order (empty when end < start)."""
    weeks: list[str] = []
    if end < start:
        return weeks
    monday = start - timedelta(days=start.weekday())
    while monday <= end:
        weeks.append(iso_week(monday))
        monday += timedelta(days=7)
    return weeks


def tally(rows: Iterable[PromiseCount]) -> Tally:
    """All the rows in one tally."""
    total = Tally()
    for row in rows:
        total.add(row)
    return total


def tally_by(rows: Iterable[PromiseCount], key: Callable[[PromiseCount], str]) -> dict[str, Tally]:
    """One tally per value of ``key``, sorted by that value."""
    groups: dict[str, Tally] = {}
    for row in rows:
        groups.setdefault(key(row), Tally()).add(row)
    return dict(sorted(groups.items()))


def tally_by_week(
    rows: Iterable[PromiseCount], start: date, end: date
) -> dict[str, dict[str, Tally]]:
    """Per ISO week of [start, end] (every week, even an empty one), the tallies by taker.

    Returns:
        ``{week: {"all": Tally, "bot": Tally, "collector": Tally, ...}}`` in week order.
    """
    weeks: dict[str, dict[str, Tally]] = {week: {"all": Tally()} for week in iso_weeks(start, end)}
    for row in rows:
        week = weeks.setdefault(iso_week(row.due_date), {"all": Tally()})
        week["all"].add(row)
        week.setdefault(row.taken_by, Tally()).add(row)
    return weeks


@dataclass(frozen=True)
class ReplyTimes:
    """How fast a collector first answered the escalations they handled, in seconds."""

    replied: int
    median_seconds: int | None
    mean_seconds: int | None


def reply_times(delays: Iterable[float]) -> ReplyTimes:
    """Median and mean of first-reply delays (seconds, rounded); None when there are none."""
    values = sorted(max(0.0, d) for d in delays)
    if not values:
        return ReplyTimes(0, None, None)
    return ReplyTimes(
        len(values), round(statistics.median(values)), round(statistics.fmean(values))
    )
