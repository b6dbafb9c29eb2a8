"""Credit control rules (bot.policy.credit): holds, allowance rates, the allowance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.policy.credit import (
    DEFAULT_ALLOWANCE_RATES,
    HoldFacts,
    allowance,
    amount_to_limit,
    bad_debt_ratio,
    hold_reasons,
    parse_allowance_rates,
)

TODAY = date(2026, 12, 7)
D = Decimal


def facts(
    balance: str = "0", limit: str | None = None, due: date | None = None, defaulted: bool = False
) -> HoldFacts:
    return HoldFacts(D(balance), None if limit is None else D(limit), due, defaulted)


@pytest.mark.parametrize(
    ("given", "reasons"),
    [
        (facts("1000", "1000"), ()),  # at the limit is not over it
        (facts("1000.01", "1000"), ("over_limit",)),
        (facts("5000", None), ()),  # no limit, no over_limit
        (facts("10", due=date(2026, 10, 8)), ()),  # 60 days past due: not more than 60
        (facts("10", due=date(2026, 10, 7)), ("past_due",)),  # 61 days
        (facts("10", defaulted=True), ("plan_default",)),
        (facts("0", defaulted=True), ()),  # a defaulted plan with nothing open
        (facts("2000", "100", date(2026, 1, 1), True), ("over_limit", "past_due", "plan_default")),
    ],
)
def test_hold_reasons_follow_limit_days_past_due_and_plan(
    given: HoldFacts, reasons: tuple[str, ...]
) -> None:
    assert hold_reasons(given, TODAY) == reasons


def test_the_days_past_due_threshold_is_a_setting() -> None:
    assert hold_reasons(facts("10", due=date(2026, 11, 6)), TODAY, days_limit=30) == ("past_due",)


def test_amount_to_limit_is_what_brings_the_balance_back_under_it() -> None:
    assert amount_to_limit(D("6240.00"), D("5000.00")) == D("1240.00")
    assert amount_to_limit(D("100"), D("5000")) == D("0.00")
    assert amount_to_limit(D("100"), None) == D("0.00")


def test_the_default_allowance_rates_cover_every_bucket() -> None:
    assert parse_allowance_rates(DEFAULT_ALLOWANCE_RATES) == {
        "current": D(1), "1-30": D(3), "31-60": D(10), "61-90": D(25), "91-120": D(50),
        "120+": D(90),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("current:1,1-30:3,31-60:10,61-90:25,91-120:50,121+:90", "'121+'"),
        ("current:1,1-30:x,31-60:10,61-90:25,91-120:50,120+:90", "'x' is not a number"),
        ("current:1,1-30,31-60:10,61-90:25,91-120:50,120+:90", "'1-30' is not bucket:percent"),
        ("current:1,1-30:3,31-60:10,61-90:25,91-120:50", "no rate for 120+"),
        ("current:1,current:2,1-30:3,31-60:10,61-90:25,91-120:50,120+:90", "given twice"),
        ("current:101,1-30:3,31-60:10,61-90:25,91-120:50,120+:90", "101"),
    ],
)
def test_a_bad_allowance_rate_is_named(text: str, named: str) -> None:
    with pytest.raises(ValueError, match=named.replace("+", r"\+")):
        parse_allowance_rates(text)


def test_the_allowance_is_each_bucket_times_its_rate_to_the_cent() -> None:
    rates = parse_allowance_rates(DEFAULT_ALLOWANCE_RATES)
    buckets = {
        "current": D("1000.00"), "1-30": D("500.00"), "31-60": D("250.50"),
        "61-90": D("0.00"), "91-120": D("100.00"), "120+": D("33.33"),
    }  # fmt: skip
    per_bucket, total = allowance(buckets, rates)
    assert per_bucket == {
        "current": D("10.00"), "1-30": D("15.00"), "31-60": D("25.05"),
        "61-90": D("0.00"), "91-120": D("50.00"), "120+": D("30.00"),
    }  # fmt: skip
    assert total == D("130.05")


def test_bad_debt_ratio_is_none_without_sales() -> None:
    assert bad_debt_ratio(D("0"), D("0")) is None
    assert bad_debt_ratio(D("50"), D("1000")) == D("0.0500")
