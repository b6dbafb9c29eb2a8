"""Report dates given as query parameters (bot.policy.periods)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.policy.periods import business_day, report_day, report_period

TODAY = date(2026, 11, 22)


def test_the_default_period_is_the_30_days_ending_today() -> None:
    assert report_period(None, None, TODAY) == (date(2026, 10, 24), TODAY)
    assert report_period("", " ", TODAY) == (date(2026, 10, 24), TODAY)
    assert report_period(None, "2026-11-10", TODAY) == (date(2026, 10, 12), date(2026, 11, 10))


def test_a_given_period_is_read_as_iso_dates() -> None:
    assert report_period("2026-11-01", "2026-11-01", TODAY) == (date(2026, 11, 1),) * 2


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-13-01", None, "from: '2026-13-01' is not a date"),
        ("2026-11-01", "yesterday", "to: 'yesterday' is not a date"),
        ("2026-11-02", "2026-11-01", "to: 2026-11-01 is before from 2026-11-02"),
        ("0001-01-01", None, "from: 0001-01-01 is outside"),
        (None, "9999-12-31", "to: 9999-12-31 is outside"),
    ],
)
def test_a_bad_date_names_its_parameter(start: str | None, end: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        report_period(start, end, TODAY)


def test_a_period_may_be_capped() -> None:
    assert report_period("2026-01-01", "2026-12-31", TODAY, max_days=365)[0] == date(2026, 1, 1)
    with pytest.raises(ValueError, match="from: the period is 366 days; at most 365"):
        report_period("2025-12-31", "2026-12-31", TODAY, max_days=365)


def test_a_single_day_defaults_to_today() -> None:
    assert report_day(None, "as_of", TODAY) == TODAY
    assert report_day("2026-01-31", "as_of", TODAY) == date(2026, 1, 31)


def test_today_is_the_date_in_the_deployment_zone_or_utc() -> None:
    late = datetime(2026, 11, 23, 3, tzinfo=timezone.utc)  # 22:00 the day before in New York
    assert business_day(late, ZoneInfo("America/New_York")) == date(2026, 11, 22)
    assert business_day(late, None) == date(2026, 11, 23)
