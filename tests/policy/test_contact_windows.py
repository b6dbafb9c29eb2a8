"""Contact windows and frequency caps (bot.policy.contact_windows).

Expected instants are written in UTC by hand, not computed with zoneinfo, so the tests
check the DST arithmetic rather than repeat it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.policy.contact_windows import (
    US_ZONES,
    WindowDecision,
    frequency_decision,
    local_date,
    wall_time_instant,
    window_decision,
)
from bot.policy.rules import DEFAULT_POLICY, Policy

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
HONOLULU = ZoneInfo("Pacific/Honolulu")
CHICAGO = ZoneInfo("America/Chicago")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


def test_us_zones_run_from_hawaii_to_eastern() -> None:
    assert US_ZONES[0] == "Pacific/Honolulu"
    assert US_ZONES[-1] == "America/New_York"
    assert len(US_ZONES) == 7


@pytest.mark.parametrize(
    ("now", "zone", "allowed", "next_open"),
    [
        # 2026-03-08, New York springs forward at 02:00 EST: the window is 12:00-01:00 UTC.
        (utc(2026, 3, 8, 11, 59), NEW_YORK, False, utc(2026, 3, 8, 12, 0)),
        (utc(2026, 3, 8, 12, 0), NEW_YORK, True, utc(2026, 3, 8, 12, 0)),
        (utc(2026, 3, 9, 0, 59), NEW_YORK, True, utc(2026, 3, 9, 0, 59)),
        (utc(2026, 3, 9, 1, 0), NEW_YORK, False, utc(2026, 3, 9, 12, 0)),
        (utc(2026, 3, 8, 6, 30), NEW_YORK, False, utc(2026, 3, 8, 12, 0)),
        (utc(2026, 3, 8, 2, 0), NEW_YORK, False, utc(2026, 3, 8, 12, 0)),
        # 2026-11-01, New York falls back at 02:00 EDT: the window is 13:00-02:00 UTC.
        (utc(2026, 11, 1, 12, 59), NEW_YORK, False, utc(2026, 11, 1, 13, 0)),
        (utc(2026, 11, 1, 13, 0), NEW_YORK, True, utc(2026, 11, 1, 13, 0)),
        (utc(2026, 11, 2, 1, 59), NEW_YORK, True, utc(2026, 11, 2, 1, 59)),
        (utc(2026, 11, 2, 2, 0), NEW_YORK, False, utc(2026, 11, 2, 13, 0)),
        (utc(2026, 11, 1, 1, 0), NEW_YORK, False, utc(2026, 11, 1, 13, 0)),
        (utc(2026, 11, 1, 5, 30), NEW_YORK, False, utc(2026, 11, 1, 13, 0)),
        # 2026-03-29, London springs forward at 01:00 GMT: the window is 07:00-20:00 UTC.
        (utc(2026, 3, 29, 6, 59), LONDON, False, utc(2026, 3, 29, 7, 0)),
        (utc(2026, 3, 29, 7, 0), LONDON, True, utc(2026, 3, 29, 7, 0)),
        (utc(2026, 3, 29, 19, 59), LONDON, True, utc(2026, 3, 29, 19, 59)),
        (utc(2026, 3, 29, 20, 0), LONDON, False, utc(2026, 3, 30, 7, 0)),
        (utc(2026, 3, 28, 21, 0), LONDON, False, utc(2026, 3, 29, 7, 0)),
    ],
    ids=[
        "ny-spring-07:59-closed",
        "ny-spring-08:00-open",
        "ny-spring-20:59-open",
        "ny-spring-21:00-closed",
        "ny-spring-before-the-jump",
        "ny-spring-eve-after-hours",
        "ny-fall-07:59-closed",
        "ny-fall-08:00-open",
        "ny-fall-20:59-open",
        "ny-fall-21:00-closed",
        "ny-fall-eve-after-hours",
        "ny-fall-in-the-repeated-hour",
        "london-spring-07:59-closed",
        "london-spring-08:00-open",
        "london-spring-20:59-open",
        "london-spring-21:00-closed",
        "london-spring-eve-after-hours",
    ],
)
def test_the_window_is_08_00_to_21_00_local_on_dst_change_days(
    now: datetime, zone: ZoneInfo, allowed: bool, next_open: datetime
) -> None:
    assert window_decision(now, zone, DEFAULT_POLICY) == WindowDecision(allowed, next_open)


@pytest.mark.parametrize(
    ("now", "allowed", "next_open"),
    [
        # Hawaii opens last (08:00 HST = 18:00 UTC); Eastern closes first.
        (utc(2026, 3, 15, 17, 59), False, utc(2026, 3, 15, 18, 0)),
        (utc(2026, 3, 15, 18, 0), True, utc(2026, 3, 15, 18, 0)),
        (utc(2026, 3, 16, 0, 59), True, utc(2026, 3, 16, 0, 59)),
        (utc(2026, 3, 16, 1, 0), False, utc(2026, 3, 16, 18, 0)),
        (utc(2026, 1, 16, 1, 59), True, utc(2026, 1, 16, 1, 59)),
        (utc(2026, 1, 16, 2, 0), False, utc(2026, 1, 16, 18, 0)),
        (utc(2026, 3, 8, 12, 0), False, utc(2026, 3, 8, 18, 0)),
        (utc(2026, 3, 8, 1, 30), True, utc(2026, 3, 8, 1, 30)),
        (utc(2026, 3, 9, 1, 0), False, utc(2026, 3, 9, 18, 0)),
        (utc(2026, 11, 2, 1, 59), True, utc(2026, 11, 2, 1, 59)),
        (utc(2026, 11, 2, 2, 0), False, utc(2026, 11, 2, 18, 0)),
    ],
    ids=[
        "hawaii-07:59-closed",
        "hawaii-08:00-open",
        "eastern-summer-20:59-open",
        "eastern-summer-21:00-closed",
        "eastern-winter-20:59-open",
        "eastern-winter-21:00-closed",
        "eastern-open-but-hawaii-asleep",
        "eve-of-spring-forward-still-est",
        "spring-forward-evening-closes-an-hour-earlier",
        "fall-back-evening-20:59-open",
        "fall-back-evening-21:00-closed",
    ],
)
def test_an_unknown_zone_uses_the_hours_inside_every_us_zone(
    now: datetime, allowed: bool, next_open: datetime
) -> None:
    assert window_decision(now, None, DEFAULT_POLICY) == WindowDecision(allowed, next_open)


def test_a_window_start_in_a_dst_gap_opens_when_the_clock_jumps_over_it() -> None:
    policy = Policy(contact_window_start=time(2, 30))
    decision = window_decision(utc(2026, 3, 8, 6, 0), NEW_YORK, policy)
    assert decision.next_open == utc(2026, 3, 8, 7, 0)  # 01:59:59 EST -> 03:00 EDT


def test_a_window_start_in_a_dst_fold_opens_at_its_next_occurrence() -> None:
    policy = Policy(contact_window_start=time(1, 30))
    decision = window_decision(utc(2026, 11, 1, 6, 0), NEW_YORK, policy)  # 01:00 EST again
    assert decision == WindowDecision(False, utc(2026, 11, 1, 6, 30))


def test_a_clock_set_back_into_the_window_opens_it_at_the_transition() -> None:
    policy = Policy(contact_window_start=time(0, 30), contact_window_end=time(1, 30))
    decision = window_decision(utc(2026, 11, 1, 5, 45), NEW_YORK, policy)  # 01:45 EDT
    assert decision == WindowDecision(False, utc(2026, 11, 1, 6, 0))  # back to 01:00 EST


def test_a_window_with_no_hour_common_to_every_us_zone_is_refused() -> None:
    policy = Policy(contact_window_start=time(8), contact_window_end=time(10))
    with pytest.raises(ValueError, match="no hour common to every US zone"):
        window_decision(utc(2026, 3, 15, 12), None, policy)


def test_an_empty_window_is_refused() -> None:
    policy = Policy(contact_window_start=time(21), contact_window_end=time(8))
    with pytest.raises(ValueError, match="is empty"):
        window_decision(utc(2026, 3, 15, 12), NEW_YORK, policy)


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        window_decision(datetime(2026, 3, 15, 12), NEW_YORK, DEFAULT_POLICY)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("now", "zone", "expected"),
    [
        (utc(2026, 3, 16, 3, 0), NEW_YORK, date(2026, 3, 15)),
        (utc(2026, 3, 16, 4, 0), NEW_YORK, date(2026, 3, 16)),
        (utc(2026, 3, 16, 4, 0), None, date(2026, 3, 16)),
        (utc(2026, 3, 16, 3, 59), None, date(2026, 3, 15)),
        (utc(2026, 3, 16, 9, 0), HONOLULU, date(2026, 3, 15)),
    ],
    ids=[
        "ny-before-midnight",
        "ny-after-midnight",
        "unknown-is-eastern",
        "unknown-before",
        "hawaii",
    ],
)
def test_local_date_is_the_calendar_date_in_the_customers_zone(
    now: datetime, zone: ZoneInfo | None, expected: date
) -> None:
    assert local_date(now, zone) == expected


NOW = utc(2026, 3, 15, 15, 0)  # 11:00 EDT, 10:00 CDT
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("sends", "allowed", "retry_at"),
    [
        ([NOW - 6 * DAY, NOW - 5 * DAY], True, None),
        ([NOW - 6 * DAY, NOW - 5 * DAY, NOW - 4 * DAY], False, NOW + DAY),
        ([NOW - 7 * DAY, NOW - 5 * DAY, NOW - 4 * DAY], True, None),
        (
            [NOW - 7 * DAY + HOUR, NOW - 5 * DAY, NOW - 4 * DAY],
            False,
            NOW + HOUR,
        ),
        (
            [NOW - 6 * DAY, NOW - 5 * DAY, NOW - 4 * DAY, NOW - 3 * DAY],
            False,
            NOW + 2 * DAY,
        ),
        ([NOW + HOUR, NOW + 2 * HOUR, NOW + 3 * HOUR], True, None),
        ([], True, None),
    ],
    ids=[
        "two-in-7-days-third-allowed",
        "three-in-7-days-fourth-held",
        "oldest-exactly-7-days-ago-dropped",
        "frees-when-the-oldest-turns-7-days",
        "four-in-window-waits-for-two-to-expire",
        "future-sends-ignored",
        "none",
    ],
)
def test_at_most_3_messages_in_a_rolling_7_days(
    sends: list[datetime], allowed: bool, retry_at: datetime | None
) -> None:
    decision = frequency_decision(sends, NOW, NEW_YORK, DEFAULT_POLICY)
    assert (decision.allowed, decision.retry_at) == (allowed, retry_at)
    assert decision.reason == (None if allowed else "frequency_cap")


@pytest.mark.parametrize(
    ("send", "now", "allowed", "retry_at"),
    [
        # Chicago (CDT, UTC-5): local midnight of 2026-03-16 is 05:00 UTC.
        (utc(2026, 3, 15, 14), utc(2026, 3, 16, 4, 59), False, utc(2026, 3, 16, 5)),
        (utc(2026, 3, 15, 14), utc(2026, 3, 16, 5, 0), True, None),
        (utc(2026, 3, 16, 4, 59), utc(2026, 3, 16, 5, 0), True, None),
        (utc(2026, 3, 16, 5, 0), utc(2026, 3, 16, 5, 1), False, utc(2026, 3, 17, 5)),
        # 2026-11-01 in Chicago has 25 hours: next midnight is 06:00 UTC, not 05:00.
        (utc(2026, 11, 1, 6), utc(2026, 11, 1, 20), False, utc(2026, 11, 2, 6)),
        # 2026-03-08 in Chicago has 23 hours: it began at 06:00 UTC, ends at 05:00 UTC.
        (utc(2026, 3, 8, 6), utc(2026, 3, 8, 20), False, utc(2026, 3, 9, 5)),
    ],
    ids=[
        "same-local-day-held-until-midnight",
        "after-local-midnight-allowed",
        "a-minute-before-midnight-was-yesterday",
        "just-after-midnight-held-a-full-day",
        "fall-back-day-is-25-hours",
        "spring-forward-day-is-23-hours",
    ],
)
def test_at_most_1_message_per_local_day(
    send: datetime, now: datetime, allowed: bool, retry_at: datetime | None
) -> None:
    decision = frequency_decision([send], now, CHICAGO, DEFAULT_POLICY)
    assert (decision.allowed, decision.retry_at) == (allowed, retry_at)


def test_an_unknown_zone_counts_days_in_eastern_time() -> None:
    send = utc(2026, 3, 16, 3, 59)  # 23:59 EDT on the 15th
    decision = frequency_decision([send], utc(2026, 3, 16, 4, 0), None, DEFAULT_POLICY)
    assert decision.allowed


def test_when_both_caps_apply_retry_waits_for_the_later() -> None:
    sends = [NOW - 6 * DAY - 20 * HOUR, NOW - 5 * DAY, NOW - HOUR]  # weekly frees in 4 h
    decision = frequency_decision(sends, NOW, NEW_YORK, DEFAULT_POLICY)
    assert decision.retry_at == utc(2026, 3, 16, 4, 0)  # midnight EDT beats NOW + 4 h


def test_when_the_weekly_cap_frees_later_than_midnight_retry_waits_for_it() -> None:
    sends = [NOW - 5 * DAY, NOW - 4 * DAY, NOW - HOUR]
    decision = frequency_decision(sends, NOW, NEW_YORK, DEFAULT_POLICY)
    assert decision.retry_at == NOW + 2 * DAY


def test_a_cap_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="max_messages_per_day"):
        frequency_decision([], NOW, NEW_YORK, Policy(max_messages_per_day=0))


@pytest.mark.parametrize(
    ("day", "wall", "zone", "not_before", "expected"),
    [
        (date(2026, 3, 8), time(2, 30), NEW_YORK, utc(2026, 3, 8), utc(2026, 3, 8, 7)),
        (date(2026, 11, 1), time(1, 30), NEW_YORK, utc(2026, 11, 1), utc(2026, 11, 1, 5, 30)),
        (
            date(2026, 11, 1),
            time(1, 30),
            NEW_YORK,
            utc(2026, 11, 1, 5, 31),
            utc(2026, 11, 1, 6, 30),
        ),
        (
            date(2026, 3, 8),
            time(0, 0),
            ZoneInfo("America/Havana"),
            utc(2026, 3, 7),
            utc(2026, 3, 8, 5),
        ),
    ],
    ids=["gap-gives-the-jump", "fold-first-pass", "fold-second-pass", "midnight-in-a-gap"],
)
def test_wall_time_instant_resolves_gaps_and_folds_to_the_earliest_instant(
    day: date, wall: time, zone: ZoneInfo, not_before: datetime, expected: datetime
) -> None:
    assert wall_time_instant(day, wall, zone, not_before) == expected


_ZONES = [
    None,
    *US_ZONES,
    "Europe/London",
    "America/Havana",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
]
_instants = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
    max_value=datetime(2028, 12, 31),  # noqa: DTZ001
    timezones=st.just(timezone.utc),
)
_windows = st.tuples(
    st.times(max_value=time(12)).map(lambda t: t.replace(microsecond=0)),
    st.times(min_value=time(12, 0, 1)).map(lambda t: t.replace(microsecond=0)),
)


@settings(max_examples=100, deadline=None)
@given(now=_instants, name=st.sampled_from(_ZONES), window=_windows)
def test_next_open_is_the_first_allowed_second(
    now: datetime, name: str | None, window: tuple[time, time]
) -> None:
    zone = None if name is None else ZoneInfo(name)
    policy = (
        DEFAULT_POLICY
        if zone is None
        else Policy(contact_window_start=window[0], contact_window_end=window[1])
    )
    decision = window_decision(now, zone, policy)
    if decision.allowed:
        assert decision.next_open == now
        return
    assert decision.next_open > now
    assert window_decision(decision.next_open, zone, policy).allowed
    just_before = max(now, decision.next_open - timedelta(seconds=1))
    assert not window_decision(just_before, zone, policy).allowed


@settings(max_examples=100, deadline=None)
@given(
    now=_instants,
    name=st.sampled_from(_ZONES),
    offsets=st.lists(st.integers(min_value=0, max_value=10 * 24 * 60), max_size=6),
)
def test_a_held_message_may_go_at_retry_at(
    now: datetime, name: str | None, offsets: list[int]
) -> None:
    zone = None if name is None else ZoneInfo(name)
    sends = [now - timedelta(minutes=m) for m in offsets]
    decision = frequency_decision(sends, now, zone, DEFAULT_POLICY)
    if decision.retry_at is None:
        assert decision.allowed
        return
    assert decision.retry_at > now
    assert frequency_decision(sends, decision.retry_at, zone, DEFAULT_POLICY).allowed
    later_second = decision.retry_at - timedelta(seconds=1)
    assert not frequency_decision(sends, max(now, later_second), zone, DEFAULT_POLICY).allowed
