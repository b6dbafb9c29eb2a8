"""When an automated message may go out (SPEC §6 held-back rules, §4 unknown time zones).

Two independent checks, both on the customer's local clock:

* the contact window: local time in [``contact_window_start``, ``contact_window_end``);
  a customer whose zone is unknown is only contacted when it is inside the window in
  every US zone from Hawaii to Eastern (``US_ZONES``) at once;
* the frequency cap: at most ``max_messages_per_week`` in any rolling 7 × 24 h and
  ``max_messages_per_day`` per local calendar date.

Local wall times are turned into instants with ``zoneinfo``, so DST change days are right.
A wall time that happens twice (DST fold) means its earliest occurrence that is not in
the past; one that does not exist (DST gap) means the instant the clocks jump over it,
the first moment the local clock shows a later time. A transition that sets the clock
straight into the window opens it at the transition. So ``next_open`` and ``retry_at``
are always the earliest instant the rule allows, on any day of the year.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.policy.rules import Policy

US_ZONES: tuple[str, ...] = (
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Phoenix",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
)

# The zone whose calendar date an unknown-zone customer is counted in: Eastern is where
# the US date turns first, and any fixed convention keeps the daily cap consistent.
UNKNOWN_ZONE_DATE = "America/New_York"

_US_ZONE_INFOS = tuple(ZoneInfo(name) for name in US_ZONES)
_SEARCH_DAYS = 3  # a daily window always reopens within this; more means it never does


@dataclass(frozen=True)
class WindowDecision:
    """Whether ``now`` is inside the contact window, and if not, when it opens.

    Attributes:
        allowed: sending now is inside the window.
        next_open: ``now`` when allowed, else the earliest later instant that is (UTC).
    """

    allowed: bool
    next_open: datetime


@dataclass(frozen=True)
class CapDecision:
    """Whether one more message now stays within the frequency caps.

    Attributes:
        allowed: one more message now is within both caps.
        reason: ``"frequency_cap"`` when held, else ``None``.
        retry_at: the earliest instant both caps allow a message again (UTC), when held.
    """

    allowed: bool
    reason: str | None
    retry_at: datetime | None


def window_decision(now: datetime, zone: ZoneInfo | None, policy: Policy) -> WindowDecision:
    """Decides whether a message may be sent at ``now`` in the customer's zone.

    ``zone`` None (unknown) applies the window of every zone in ``US_ZONES`` at once.

    Raises:
        ValueError: when ``now`` is naive, the window is empty, or (unknown zone) the
            window has no hour common to every US zone, so it would never open.
    """
    now = _utc(now)
    if policy.contact_window_start >= policy.contact_window_end:
        raise ValueError(
            f"contact window {policy.contact_window_start}-{policy.contact_window_end} is empty"
        )
    zones = _US_ZONE_INFOS if zone is None else (zone,)
    moment = now
    for _ in range(4 * _SEARCH_DAYS * len(zones)):
        closed = [z for z in zones if not _inside(moment, z, policy)]
        if not closed:
            return WindowDecision(allowed=moment == now, next_open=moment)
        moment = max(_next_start(moment, z, policy) for z in closed)
        if moment - now > timedelta(days=_SEARCH_DAYS):
            break
    raise ValueError(
        f"contact window {policy.contact_window_start}-{policy.contact_window_end} "
        "has no hour common to every US zone"
    )


def local_date(now: datetime, zone: ZoneInfo | None) -> date:
    """The customer's calendar date at ``now``; an unknown zone counts in US Eastern time."""
    return _utc(now).astimezone(zone or ZoneInfo(UNKNOWN_ZONE_DATE)).date()


def frequency_decision(
    previous_sends: Iterable[datetime], now: datetime, zone: ZoneInfo | None, policy: Policy
) -> CapDecision:
    """Decides whether one more automated message at ``now`` stays within the caps.

    Held when the rolling 7 days ``(now - 7 days, now]`` already hold
    ``max_messages_per_week`` sends, or the customer's local date already holds
    ``max_messages_per_day``. ``retry_at`` is when enough sends have left the week, or
    the next local midnight, whichever is later when both caps apply. Sends after ``now``
    are ignored.

    Raises:
        ValueError: when ``now`` or a send is naive, or a cap is below 1 (nothing could
            ever be sent, so there would be no ``retry_at``).
    """
    for field in ("max_messages_per_week", "max_messages_per_day"):
        if getattr(policy, field) < 1:
            raise ValueError(f"{field} must be at least 1, not {getattr(policy, field)}")
    now = _utc(now)
    week_start = now - timedelta(days=7)
    sends = sorted(s for s in map(_utc, previous_sends) if s <= now)
    in_week = [s for s in sends if s > week_start]
    today = local_date(now, zone)
    on_day = [s for s in sends if local_date(s, zone) == today]
    retry: list[datetime] = []
    excess = len(in_week) - policy.max_messages_per_week
    if excess >= 0:
        retry.append(in_week[excess] + timedelta(days=7))
    if len(on_day) >= policy.max_messages_per_day:
        retry.append(_next_midnight(now, zone))
    if not retry:
        return CapDecision(allowed=True, reason=None, retry_at=None)
    return CapDecision(allowed=False, reason="frequency_cap", retry_at=max(retry))


def wall_time_instant(day: date, wall: time, zone: ZoneInfo, not_before: datetime) -> datetime:
    """The first instant at or after ``not_before`` when ``zone``'s clock shows ``wall`` on ``day``.

    A wall time shown twice (DST fold) gives its first occurrence not before ``not_before``.
    A wall time that is skipped (DST gap) gives the transition instant, the first moment
    the local clock is past it. If every resolution is before ``not_before``, it is returned
    anyway (the earliest one); callers then move to the next day.
    """
    naive = datetime.combine(day, wall)
    candidates = [naive.replace(tzinfo=zone, fold=fold).astimezone(timezone.utc) for fold in (0, 1)]
    real = [c for c in candidates if c.astimezone(zone).replace(tzinfo=None) == naive]
    if not real:
        skipped = min(candidates), max(candidates)  # wall clock before and after the gap
        return _first_instant(*skipped, lambda t: t.astimezone(zone).replace(tzinfo=None) >= naive)
    later = [c for c in real if c >= not_before]
    return min(later) if later else min(real)


def _inside(moment: datetime, zone: ZoneInfo, policy: Policy) -> bool:
    local = moment.astimezone(zone).time()
    return policy.contact_window_start <= local < policy.contact_window_end


def _next_start(moment: datetime, zone: ZoneInfo, policy: Policy) -> datetime:
    """The first instant after ``moment`` (outside the window) when ``zone``'s window opens.

    That is the next wall-clock window start, unless a DST transition before it sets the
    clock back (or forward) straight into the window; one transition per day is assumed.
    """
    day = moment.astimezone(zone).date()
    start = moment + timedelta(days=_SEARCH_DAYS + 1)  # replaced below for any real zone
    for offset in range(_SEARCH_DAYS):
        candidate = wall_time_instant(
            day + timedelta(days=offset), policy.contact_window_start, zone, moment
        )
        if candidate > moment:
            start = candidate
            break
    before = moment.astimezone(zone).utcoffset()
    if start.astimezone(zone).utcoffset() != before:
        jump = _first_instant(moment, start, lambda t: t.astimezone(zone).utcoffset() != before)
        if _inside(jump, zone, policy):
            return jump
    return start


def _next_midnight(moment: datetime, zone: ZoneInfo | None) -> datetime:
    """When the customer's next local calendar date begins."""
    zone = zone or ZoneInfo(UNKNOWN_ZONE_DATE)
    tomorrow = moment.astimezone(zone).date() + timedelta(days=1)
    return wall_time_instant(tomorrow, time(0, 0), zone, moment)


def _first_instant(low: datetime, high: datetime, test: Callable[[datetime], bool]) -> datetime:
    """The first whole second in (low, high] where ``test`` holds.

    ``test`` must be false at ``low``, true at ``high`` and change once in between (a time
    zone transition); transitions happen on whole seconds, so a binary search finds it.
    """
    lo, hi = math.floor(low.timestamp()), math.ceil(high.timestamp())
    while hi - lo > 1:
        middle = (lo + hi) // 2
        if test(datetime.fromtimestamp(middle, timezone.utc)):
            hi = middle
        else:
            lo = middle
    return datetime.fromtimestamp(hi, timezone.utc)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"time {moment.isoformat()} has no time zone")
    return moment.astimezone(timezone.utc)
