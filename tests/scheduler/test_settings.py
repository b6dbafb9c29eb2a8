"""The scheduler's settings: ARBOT_SCHEDULER_* and the timetable made of them."""

from __future__ import annotations

from datetime import time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.errors import ConfigError
from bot.scheduler.timetable import Timetable
from bot.settings import load_settings


def test_by_default_a_pass_every_15_minutes_and_the_evaluation_at_six_utc() -> None:
    settings = load_settings({}, dotenv=None)
    assert settings.scheduler_interval_minutes == 15
    assert settings.scheduler_daily_at == time(6, 0)
    assert settings.scheduler_lock_poll_seconds == 5.0
    timetable = Timetable.from_settings(settings)
    assert timetable == Timetable(timedelta(minutes=15), time(6, 0), timezone.utc)
    assert timetable.describe() == (
        "a reminder pass every 15 min, the daily evaluation at 06:00 UTC"
    )


def test_the_daily_time_is_in_the_default_timezone() -> None:
    settings = load_settings(
        {
            "ARBOT_SCHEDULER_INTERVAL_MINUTES": "5",
            "ARBOT_SCHEDULER_DAILY_AT": "07:30",
            "ARBOT_SCHEDULER_LOCK_POLL_SECONDS": "0.5",
            "ARBOT_DEFAULT_TIMEZONE": "America/Chicago",
        },
        dotenv=None,
    )
    assert settings.scheduler_lock_poll_seconds == 0.5
    timetable = Timetable.from_settings(settings)
    assert timetable == Timetable(timedelta(minutes=5), time(7, 30), ZoneInfo("America/Chicago"))
    assert timetable.describe().endswith("at 07:30 America/Chicago")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ARBOT_SCHEDULER_INTERVAL_MINUTES", "0"),
        ("ARBOT_SCHEDULER_INTERVAL_MINUTES", "quarter"),
        ("ARBOT_SCHEDULER_DAILY_AT", "6am"),
        ("ARBOT_SCHEDULER_DAILY_AT", "06:00+02:00"),
        ("ARBOT_SCHEDULER_LOCK_POLL_SECONDS", "-1"),
        ("ARBOT_SCHEDULER_LOCK_POLL_SECONDS", "nan"),
    ],
)
def test_a_malformed_scheduler_setting_is_named(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        load_settings({variable: value}, dotenv=None)
