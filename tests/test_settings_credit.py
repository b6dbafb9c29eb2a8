"""Credit control settings (SPEC §12): allowance rates and the hold threshold."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.errors import ConfigError
from bot.settings import load_settings


def test_the_allowance_rates_default_to_the_spec_rates() -> None:
    settings = load_settings({}, dotenv=None)
    assert dict(settings.allowance_rates)["120+"] == Decimal("90")
    assert settings.hold_days_past_due == 60


def test_allowance_rates_and_hold_days_are_read_from_the_environment() -> None:
    rates = "current:0,1-30:2,31-60:5,61-90:20,91-120:40,120+:100"
    settings = load_settings(
        {"ARBOT_ALLOWANCE_RATES": rates, "ARBOT_HOLD_DAYS_PAST_DUE": "45"}, dotenv=None
    )
    assert dict(settings.allowance_rates)["31-60"] == Decimal("5")
    assert settings.hold_days_past_due == 45


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("current:1,1-30:3,31-60:ten,61-90:25,91-120:50,120+:90", "'31-60:ten'"),
        ("current:1,1-30:3,31-60:10,61-90:25,90-120:50,120+:90", "'90-120:50'"),
        ("current:1,1-30:3,31-60:10,61-90:25,91-120:50", "120\\+"),
    ],
)
def test_a_bad_allowance_rate_is_named_with_its_variable(value: str, named: str) -> None:
    with pytest.raises(ConfigError, match=f"ARBOT_ALLOWANCE_RATES: .*{named}"):
        load_settings({"ARBOT_ALLOWANCE_RATES": value}, dotenv=None)


def test_negative_hold_days_are_refused_by_name() -> None:
    with pytest.raises(ConfigError, match="ARBOT_HOLD_DAYS_PAST_DUE"):
        load_settings({"ARBOT_HOLD_DAYS_PAST_DUE": "-1"}, dotenv=None)


def test_finance_charges_are_off_by_default_and_read_from_the_environment() -> None:
    assert not load_settings({}, dotenv=None).finance_charges.enabled
    rules = load_settings(
        {
            "ARBOT_FINANCE_CHARGE_RATE": "1.5",
            "ARBOT_FINANCE_CHARGE_GRACE_DAYS": "15",
            "ARBOT_FINANCE_CHARGE_MIN": "2.50",
            "ARBOT_FINANCE_CHARGE_CONSUMERS": "true",
        },
        dotenv=None,
    ).finance_charges
    assert (rules.rate, rules.grace_days, rules.minimum, rules.consumers) == (
        Decimal("1.5"), 15, Decimal("2.50"), True,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ARBOT_FINANCE_CHARGE_RATE", "lots"),
        ("ARBOT_FINANCE_CHARGE_RATE", "-1"),
        ("ARBOT_FINANCE_CHARGE_MIN", "nan"),
        ("ARBOT_FINANCE_CHARGE_GRACE_DAYS", "x"),
        ("ARBOT_FINANCE_CHARGE_CONSUMERS", "maybe"),
    ],
)
def test_a_bad_finance_charge_setting_is_named(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        load_settings({variable: value}, dotenv=None)
