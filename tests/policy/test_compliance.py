"""PTP compliance tallies, ISO weeks and reply times (bot.policy.compliance)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.policy.compliance import (
    PromiseCount,
    iso_week,
    iso_weeks,
    reply_times,
    tally,
    tally_by,
    tally_by_week,
)

D = Decimal


def count(
    day: str, status: str, n: int = 1, taker: str = "bot", amount: str = "10.00"
) -> PromiseCount:
    return PromiseCount(date.fromisoformat(day), "sms", taker, status, n, D(amount), D("0.00"))


@pytest.mark.parametrize(
    ("day", "week"),
    [
        (date(2026, 11, 22), "2026-W47"),  # a Sunday ends its week
        (date(2026, 11, 23), "2026-W48"),  # a Monday starts one
        (date(2027, 1, 1), "2026-W53"),  # 2026 has 53 ISO weeks
        (date(2024, 12, 30), "2025-W01"),  # a December day in the next ISO year
    ],
)
def test_iso_week_labels_follow_iso_8601(day: date, week: str) -> None:
    assert iso_week(day) == week


def test_iso_weeks_lists_each_overlapping_week_once() -> None:
    assert iso_weeks(date(2026, 11, 4), date(2026, 11, 16)) == ["2026-W45", "2026-W46", "2026-W47"]
    assert iso_weeks(date(2026, 11, 22), date(2026, 11, 22)) == ["2026-W47"]
    assert iso_weeks(date(2026, 11, 22), date(2026, 11, 21)) == []


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.integers(0, 400))
def test_every_day_of_a_period_falls_in_one_of_its_weeks(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    weeks = iso_weeks(start, end)
    assert len(weeks) == len(set(weeks))
    assert {iso_week(start + timedelta(days=n)) for n in range(length + 1)} == set(weeks)


def test_kept_rate_counts_only_kept_and_broken_promises() -> None:
    counts = tally(
        [
            count("2026-11-03", "kept", 2),
            count("2026-11-04", "broken"),
            count("2026-11-05", "pending", 5),
            count("2026-11-05", "cancelled"),
        ]
    )
    assert counts.promises == 9
    assert counts.kept_rate == D("0.67")
    assert counts.promised == D("40.00")  # amounts are sums of the groups, not per promise
    assert tally([count("2026-11-05", "pending")]).kept_rate is None


def test_tallies_by_key_and_by_week_add_up_to_the_total() -> None:
    rows = [
        count("2026-11-03", "kept", taker="bot"),
        count("2026-11-10", "broken", taker="collector"),
        count("2026-11-11", "kept", taker="bot"),
    ]
    by_taker = tally_by(rows, lambda r: r.taken_by)
    assert list(by_taker) == ["bot", "collector"]
    assert by_taker["bot"].counts["kept"] == 2
    weeks = tally_by_week(rows, date(2026, 11, 2), date(2026, 11, 22))
    assert list(weeks) == ["2026-W45", "2026-W46", "2026-W47"]
    assert weeks["2026-W46"]["all"].kept_rate == D("0.50")
    assert set(weeks["2026-W46"]) == {"all", "bot", "collector"}
    assert weeks["2026-W47"]["all"].promises == 0


def test_reply_times_are_the_median_and_mean_in_whole_seconds() -> None:
    assert reply_times([]).median_seconds is None
    times = reply_times([1800.0, 360.0, 600.0])
    assert (times.replied, times.median_seconds, times.mean_seconds) == (3, 600, 920)
    assert reply_times([60.0, 121.0]).median_seconds == 90  # 90.5 rounds to even
