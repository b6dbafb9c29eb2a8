"""Promise-to-pay rules (bot.policy.promises)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bot.policy.balances import BalanceSummary
from bot.policy.promises import (
    PromiseProblem,
    PromiseStatus,
    check_promise,
    is_second_broken_promise,
    promise_status,
)
from bot.policy.rules import DEFAULT_POLICY

TODAY = date(2026, 3, 15)
DAY = timedelta(days=1)
# Collectible 1000.00, of which 400.00 past due: the minimum promise is 100.00.
BALANCE = BalanceSummary(
    total=Decimal("1200.00"),
    collectible=Decimal("1000.00"),
    past_due=Decimal("400.00"),
    disputed=Decimal("200.00"),
    open_count=3,
    oldest_past_due=None,
    oldest_days_late=None,
)


def _balance(past_due: str, collectible: str = "1000.00") -> BalanceSummary:
    return BalanceSummary(
        Decimal(collectible), Decimal(collectible), Decimal(past_due), Decimal(0), 1, None, None
    )


@pytest.mark.parametrize(
    ("days_ahead", "problems"),
    [
        (-1, (PromiseProblem.DATE_IN_PAST,)),
        (0, ()),
        (14, ()),
        (15, (PromiseProblem.DATE_TOO_FAR,)),
    ],
    ids=["yesterday", "today", "day-14", "day-15"],
)
def test_a_promise_date_runs_from_today_to_day_14(
    days_ahead: int, problems: tuple[PromiseProblem, ...]
) -> None:
    check = check_promise(Decimal("100"), TODAY + days_ahead * DAY, BALANCE, TODAY, DEFAULT_POLICY)
    assert check.problems == problems


@pytest.mark.parametrize(
    ("amount", "problems"),
    [
        ("-1", (PromiseProblem.AMOUNT_NOT_POSITIVE,)),
        ("0", (PromiseProblem.AMOUNT_NOT_POSITIVE,)),
        ("99.96", (PromiseProblem.AMOUNT_BELOW_MINIMUM,)),
        ("99.99", (PromiseProblem.AMOUNT_BELOW_MINIMUM,)),
        ("100.00", ()),
        ("1000.00", ()),
        ("1000.01", (PromiseProblem.AMOUNT_OVER_BALANCE,)),
    ],
    ids=[
        "negative",
        "zero",
        "24.99-percent-of-past-due",
        "a-cent-below-25-percent",
        "25-percent-of-past-due",
        "the-collectible-balance",
        "a-cent-over-collectible",
    ],
)
def test_a_promise_amount_runs_from_25_percent_of_past_due_to_collectible(
    amount: str, problems: tuple[PromiseProblem, ...]
) -> None:
    check = check_promise(Decimal(amount), TODAY, BALANCE, TODAY, DEFAULT_POLICY)
    assert check.problems == problems


@pytest.mark.parametrize(
    ("past_due", "minimum"),
    [("400.00", "100.00"), ("0.10", "0.03"), ("333.33", "83.34"), ("0.00", "0.01")],
    ids=["exact-quarter", "rounds-up-a-fraction", "rounds-up-not-half-up", "nothing-past-due"],
)
def test_the_minimum_promise_is_a_quarter_of_past_due_rounded_up(
    past_due: str, minimum: str
) -> None:
    check = check_promise(Decimal("1"), TODAY, _balance(past_due), TODAY, DEFAULT_POLICY)
    assert check.min_amount == Decimal(minimum)


def test_with_nothing_past_due_any_cent_is_an_acceptable_promise() -> None:
    check = check_promise(Decimal("0.01"), TODAY, _balance("0.00"), TODAY, DEFAULT_POLICY)
    assert check.ok


def test_a_check_quotes_the_limits_back() -> None:
    check = check_promise(Decimal("50"), TODAY, BALANCE, TODAY, DEFAULT_POLICY)
    assert (check.min_amount, check.max_amount, check.latest_date) == (
        Decimal("100.00"),
        Decimal("1000.00"),
        date(2026, 3, 29),
    )


def test_a_check_reports_amount_and_date_problems_together() -> None:
    check = check_promise(Decimal("5000"), TODAY - DAY, BALANCE, TODAY, DEFAULT_POLICY)
    assert check.problems == (PromiseProblem.AMOUNT_OVER_BALANCE, PromiseProblem.DATE_IN_PAST)
    assert not check.ok


def test_problem_and_status_values_are_the_lowercase_names() -> None:
    assert [p.value for p in PromiseProblem] == [p.name.lower() for p in PromiseProblem]
    assert [s.value for s in PromiseStatus] == ["pending", "kept", "broken", "cancelled"]


CREATED = date(2026, 3, 1)
DUE = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("payments", "today", "status"),
    [
        ([(DUE + 2 * DAY, Decimal("300"))], DUE + 2 * DAY, PromiseStatus.KEPT),
        ([(DUE + 3 * DAY, Decimal("300"))], DUE + 3 * DAY, PromiseStatus.BROKEN),
        ([], DUE + 2 * DAY, PromiseStatus.PENDING),
        ([], DUE + 3 * DAY, PromiseStatus.BROKEN),
        ([(CREATED, Decimal("300"))], CREATED, PromiseStatus.KEPT),
        ([(CREATED - DAY, Decimal("300"))], DUE, PromiseStatus.PENDING),
        ([(DUE - DAY, Decimal("100")), (DUE, Decimal("200"))], DUE, PromiseStatus.KEPT),
        ([(DUE, Decimal("299.99"))], DUE + 3 * DAY, PromiseStatus.BROKEN),
        ([(DUE, Decimal("500"))], DUE, PromiseStatus.KEPT),
        ([(DUE + DAY, Decimal("300"))], DUE, PromiseStatus.PENDING),
    ],
    ids=[
        "paid-on-date-plus-2-kept",
        "paid-on-date-plus-3-broken",
        "unpaid-on-date-plus-2-pending",
        "unpaid-on-date-plus-3-broken",
        "paid-the-day-it-was-made-kept",
        "payment-before-the-promise-ignored",
        "partial-payments-add-up",
        "a-cent-short-broken",
        "overpaid-kept",
        "payment-after-today-not-yet-counted",
    ],
)
def test_a_promise_is_kept_by_payments_up_to_its_date_plus_2_grace_days(
    payments: list[tuple[date, Decimal]], today: date, status: PromiseStatus
) -> None:
    result = promise_status(Decimal("300"), CREATED, DUE, payments, today, DEFAULT_POLICY)
    assert result is status


def test_a_promise_is_kept_as_soon_as_payments_reach_it_before_its_date() -> None:
    payments = [(CREATED + DAY, Decimal("300"))]
    result = promise_status(Decimal("300"), CREATED, DUE, payments, CREATED + DAY, DEFAULT_POLICY)
    assert result is PromiseStatus.KEPT


@pytest.mark.parametrize(
    ("broken", "second"),
    [
        ([TODAY - 10 * DAY], False),
        ([TODAY - 10 * DAY, TODAY - 89 * DAY], True),
        ([TODAY - 10 * DAY, TODAY - 90 * DAY], False),
        ([TODAY - 10 * DAY, TODAY - 3 * DAY, TODAY - 200 * DAY], True),
        ([TODAY + DAY, TODAY - DAY], False),
        ([], False),
    ],
    ids=[
        "one-broken",
        "two-within-90-days",
        "second-is-on-day-91-counting-today",
        "old-third-ignored",
        "future-date-ignored",
        "none",
    ],
)
def test_a_second_broken_promise_within_90_days_is_detected(
    broken: list[date], second: bool
) -> None:
    assert is_second_broken_promise(broken, TODAY, DEFAULT_POLICY) is second
