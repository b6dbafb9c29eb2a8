"""Payment plans: offers, counteroffers and standing (bot.policy.plans)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.policy.plans import (
    InstallmentStatus,
    PlanNotAvailable,
    PlanOffer,
    PlanStatus,
    ScheduledPayment,
    add_months,
    evaluate_plan,
    is_plan_valid,
    lowest_installment_offer,
    offer_plan,
    plan_problems,
)
from bot.policy.rules import DEFAULT_POLICY, Policy

TODAY = date(2026, 3, 15)
DAY = timedelta(days=1)
D = Decimal


def _amounts(offer: PlanOffer) -> list[str]:
    return [str(item.amount) for item in offer.installments]


@pytest.mark.parametrize(
    ("total", "available"),
    [("99.99", False), ("100.00", True)],
    ids=["below-100", "exactly-100"],
)
def test_a_plan_needs_a_balance_of_at_least_100(total: str, available: bool) -> None:
    if available:
        assert offer_plan(D(total), TODAY, DEFAULT_POLICY).total == D(total)
    else:
        with pytest.raises(PlanNotAvailable, match=r"balance 99\.99 .* minimum 100\.00"):
            offer_plan(D(total), TODAY, DEFAULT_POLICY)


def test_a_total_too_small_for_one_minimum_installment_is_not_available() -> None:
    policy = Policy(plan_min_balance=D("10"))
    with pytest.raises(PlanNotAvailable, match=r"balance 20\.00 leaves less than .* 25\.00"):
        offer_plan(D("20"), TODAY, policy)


def test_the_default_offer_is_the_minimum_down_payment_and_the_most_months() -> None:
    offer = offer_plan(D("1000"), TODAY, DEFAULT_POLICY)
    assert (offer.down_payment, offer.months, offer.monthly_amount) == (D("100"), 6, D("150"))
    assert _amounts(offer) == ["100.00"] + ["150.00"] * 6
    assert not offer.counteroffer


def test_the_down_payment_is_due_on_the_start_date_and_installments_monthly_after() -> None:
    offer = offer_plan(D("1000"), TODAY, DEFAULT_POLICY, months=3)
    assert [item.due_date for item in offer.installments] == [
        date(2026, 3, 15),
        date(2026, 4, 15),
        date(2026, 5, 15),
        date(2026, 6, 15),
    ]


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 1, 31), 2, date(2026, 3, 31)),
        (date(2026, 1, 31), 3, date(2026, 4, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
    ids=["jan31-feb28", "leap-feb29", "back-to-31", "april-30", "over-new-year", "december"],
)
def test_add_months_clamps_to_the_end_of_a_short_month(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("total", "months", "amounts"),
    [
        ("1000.05", 6, ["100.01", "150.01", "150.01", "150.01", "150.01", "150.00", "150.00"]),
        ("100.00", 3, ["10.00", "30.00", "30.00", "30.00"]),
        ("1000.01", 6, ["100.01"] + ["150.00"] * 6),
        ("200.02", 4, ["20.01", "45.01", "45.00", "45.00", "45.00"]),
    ],
    ids=["leftover-cents-first", "even-split", "down-rounds-up", "one-leftover-cent"],
)
def test_installments_are_equal_with_leftover_cents_first(
    total: str, months: int, amounts: list[str]
) -> None:
    offer = offer_plan(D(total), TODAY, DEFAULT_POLICY, months=months)
    assert _amounts(offer) == amounts


@pytest.mark.parametrize(
    ("total", "months", "expected_months", "adjustments"),
    [
        ("1000", 6, 6, ()),
        ("1000", 1, 1, ()),
        ("1000", 7, 6, ("max_installments",)),
        ("1000", 0, 1, ("min_months",)),
        ("1000", -2, 1, ("min_months",)),
        ("100", 3, 3, ()),
        ("100", 4, 3, ("min_installment",)),
        ("100", 9, 3, ("max_installments", "min_installment")),
    ],
    ids=[
        "six-allowed",
        "one-allowed",
        "seven-becomes-six",
        "zero-becomes-one",
        "negative-becomes-one",
        "three-of-30-allowed",
        "four-would-be-22.50",
        "nine-hits-both-limits",
    ],
)
def test_requested_months_move_to_the_nearest_allowed(
    total: str, months: int, expected_months: int, adjustments: tuple[str, ...]
) -> None:
    offer = offer_plan(D(total), TODAY, DEFAULT_POLICY, months=months)
    assert (offer.months, offer.adjustments, offer.counteroffer) == (
        expected_months,
        adjustments,
        bool(adjustments),
    )


@pytest.mark.parametrize(
    ("monthly", "expected_months", "monthly_amount", "adjustments"),
    [
        ("150", 6, "150.00", ()),
        ("200", 5, "180.00", ()),
        ("900", 1, "900.00", ()),
        ("5000", 1, "900.00", ()),
        ("100", 6, "150.00", ("max_installments",)),
        ("0", 6, "150.00", ("min_installment",)),
    ],
    ids=[
        "exact-split",
        "ceil-months-lower-installment",
        "one-month",
        "more-than-owed",
        "too-many-months",
        "zero-amount",
    ],
)
def test_a_monthly_amount_sets_the_months_needed(
    monthly: str, expected_months: int, monthly_amount: str, adjustments: tuple[str, ...]
) -> None:
    offer = offer_plan(D("1000"), TODAY, DEFAULT_POLICY, monthly_amount=D(monthly))
    assert (offer.months, offer.monthly_amount, offer.adjustments) == (
        expected_months,
        D(monthly_amount),
        adjustments,
    )


def test_a_monthly_amount_below_the_minimum_installment_is_raised_to_it() -> None:
    offer = offer_plan(D("100"), TODAY, DEFAULT_POLICY, monthly_amount=D("20"))
    assert (offer.months, offer.monthly_amount, offer.adjustments) == (
        3,
        D("30.00"),
        ("min_installment",),
    )


def test_months_win_over_a_monthly_amount_when_both_are_given() -> None:
    offer = offer_plan(D("1000"), TODAY, DEFAULT_POLICY, months=2, monthly_amount=D("100"))
    assert offer.months == 2


@pytest.mark.parametrize(
    ("down", "months", "expected", "adjustments"),
    [
        ("99.99", None, "100.00", ("min_down_payment",)),
        ("100.00", None, "100.00", ()),
        ("500", None, "500.00", ()),
        ("975", None, "975.00", ()),
        ("975.01", None, "975.00", ("max_down_payment",)),
        ("900", 6, "850.00", ("max_down_payment",)),
        ("850", 6, "850.00", ()),
        ("-5", None, "100.00", ("min_down_payment",)),
    ],
    ids=[
        "a-cent-below-10-percent",
        "exactly-10-percent",
        "half-down",
        "leaves-one-minimum-installment",
        "leaves-less-than-one-installment",
        "too-large-for-six-months",
        "fits-six-months-exactly",
        "negative",
    ],
)
def test_a_down_payment_moves_within_the_minimum_and_what_the_months_leave(
    down: str, months: int | None, expected: str, adjustments: tuple[str, ...]
) -> None:
    offer = offer_plan(D("1000"), TODAY, DEFAULT_POLICY, down_payment=D(down), months=months)
    assert (offer.down_payment, offer.adjustments) == (D(expected), adjustments)


@pytest.mark.parametrize(
    ("start", "expected", "adjustments"),
    [
        (TODAY - DAY, TODAY, ("start_in_past",)),
        (TODAY, TODAY, ()),
        (TODAY + 14 * DAY, TODAY + 14 * DAY, ()),
        (TODAY + 15 * DAY, TODAY + 14 * DAY, ("first_due_too_far",)),
    ],
    ids=["yesterday", "today", "day-14", "day-15"],
)
def test_the_first_payment_is_due_within_14_days(
    start: date, expected: date, adjustments: tuple[str, ...]
) -> None:
    offer = offer_plan(D("1000"), TODAY, DEFAULT_POLICY, start=start)
    assert (offer.installments[0].due_date, offer.adjustments) == (expected, adjustments)


@pytest.mark.parametrize(
    ("total", "needs_approval"),
    [("10000.00", False), ("10000.01", True)],
    ids=["at-the-limit", "a-cent-above"],
)
def test_plans_above_10000_need_approval(total: str, needs_approval: bool) -> None:
    assert offer_plan(D(total), TODAY, DEFAULT_POLICY).needs_approval is needs_approval


def test_the_lowest_installment_offer_spreads_over_the_most_months() -> None:
    offer = lowest_installment_offer(D("3000"), TODAY, DEFAULT_POLICY)
    assert (offer.months, offer.monthly_amount, offer.counteroffer) == (6, D("450.00"), False)


def test_the_lowest_installment_offer_keeps_installments_at_the_minimum() -> None:
    offer = lowest_installment_offer(D("120"), TODAY, DEFAULT_POLICY)
    assert (offer.months, offer.monthly_amount) == (4, D("27.00"))


def test_status_values_are_the_lowercase_names() -> None:
    assert [s.value for s in InstallmentStatus] == ["scheduled", "paid", "missed"]
    assert [s.value for s in PlanStatus] == [
        "pending_approval",
        "active",
        "completed",
        "defaulted",
        "cancelled",
    ]


_GOOD = offer_plan(D("1000"), TODAY, DEFAULT_POLICY, months=3)


def _with_schedule(amounts: list[str]) -> PlanOffer:
    schedule = tuple(
        ScheduledPayment(item.due_date, D(amount))
        for item, amount in zip(_GOOD.installments, amounts, strict=True)
    )
    return dataclasses.replace(
        _GOOD, installments=schedule, down_payment=D(amounts[0]), monthly_amount=D(amounts[1])
    )


@pytest.mark.parametrize(
    ("offer", "today"),
    [
        (_with_schedule(["100", "300", "300", "299.99"]), TODAY),
        (_with_schedule(["90", "304", "303", "303"]), TODAY),
        (_with_schedule(["100", "299", "301", "300"]), TODAY),
        (_with_schedule(["100", "300.01", "299.99", "300"]), TODAY),
        (_with_schedule(["100", "300.001", "299.999", "300"]), TODAY),
        (dataclasses.replace(_GOOD, months=4), TODAY),
        (dataclasses.replace(_GOOD, needs_approval=True), TODAY),
        (dataclasses.replace(_GOOD, counteroffer=True), TODAY),
        (dataclasses.replace(_GOOD, installments=_GOOD.installments[:1]), TODAY),
        (_GOOD, TODAY + DAY),
        (_GOOD, TODAY - 15 * DAY),
    ],
    ids=[
        "does-not-add-up",
        "down-below-minimum",
        "uneven-installments",
        "leftover-cent-not-first",
        "fractions-of-cents",
        "months-miscounted",
        "approval-flag-wrong",
        "counteroffer-flag-wrong",
        "no-monthly-installment",
        "starts-before-today",
        "starts-after-day-14",
    ],
)
def test_is_plan_valid_rejects_a_plan_that_breaks_a_rule(offer: PlanOffer, today: date) -> None:
    assert not is_plan_valid(offer, today, DEFAULT_POLICY)


def test_is_plan_valid_accepts_an_offer_as_made() -> None:
    assert plan_problems(_GOOD, TODAY, DEFAULT_POLICY) == []


# Standing: down payment 100 on Mar 1, then 450 on Apr 1 and May 1; grace is 3 days.
PLAN = (
    ScheduledPayment(date(2026, 3, 1), D("100")),
    ScheduledPayment(date(2026, 4, 1), D("450")),
    ScheduledPayment(date(2026, 5, 1), D("450")),
)
S, P, M = InstallmentStatus.SCHEDULED, InstallmentStatus.PAID, InstallmentStatus.MISSED


@pytest.mark.parametrize(
    ("payments", "today", "statuses", "plan"),
    [
        ([], date(2026, 3, 1), (S, S, S), PlanStatus.ACTIVE),
        ([], date(2026, 3, 4), (S, S, S), PlanStatus.ACTIVE),
        ([], date(2026, 3, 5), (M, S, S), PlanStatus.DEFAULTED),
        ([(date(2026, 3, 4), D("100"))], date(2026, 3, 20), (P, S, S), PlanStatus.ACTIVE),
        ([(date(2026, 3, 5), D("100"))], date(2026, 3, 5), (M, S, S), PlanStatus.DEFAULTED),
        (
            [(date(2026, 3, 1), D("100")), (date(2026, 4, 4), D("450"))],
            date(2026, 4, 10),
            (P, P, S),
            PlanStatus.ACTIVE,
        ),
        (
            [(date(2026, 3, 1), D("100")), (date(2026, 4, 5), D("450"))],
            date(2026, 4, 10),
            (P, M, S),
            PlanStatus.DEFAULTED,
        ),
        ([(date(2026, 3, 1), D("1000"))], date(2026, 3, 2), (P, P, P), PlanStatus.COMPLETED),
        (
            [(date(2026, 3, 1), D("100")), (date(2026, 4, 1), D("449.99"))],
            date(2026, 4, 5),
            (P, M, S),
            PlanStatus.DEFAULTED,
        ),
        (
            [(date(2026, 3, 1), D("50")), (date(2026, 3, 3), D("50"))],
            date(2026, 3, 10),
            (P, S, S),
            PlanStatus.ACTIVE,
        ),
        ([(date(2026, 3, 2), D("100"))], date(2026, 3, 1), (S, S, S), PlanStatus.ACTIVE),
    ],
    ids=[
        "nothing-due-yet",
        "unpaid-on-due-plus-3-still-scheduled",
        "unpaid-on-due-plus-4-missed",
        "paid-on-due-plus-3",
        "paid-on-due-plus-4-too-late",
        "second-paid-within-grace",
        "second-paid-a-day-late",
        "paid-off-early",
        "a-cent-short",
        "two-payments-cover-one",
        "payment-after-today-ignored",
    ],
)
def test_evaluate_plan_applies_payments_cumulatively_with_3_grace_days(
    payments: list[tuple[date, Decimal]],
    today: date,
    statuses: tuple[InstallmentStatus, ...],
    plan: PlanStatus,
) -> None:
    assert evaluate_plan(PLAN, payments, today, DEFAULT_POLICY) == (statuses, plan)


def test_evaluate_plan_keeps_the_order_it_was_given() -> None:
    shuffled = (PLAN[2], PLAN[0], PLAN[1])
    payments = [(date(2026, 3, 1), D("100"))]
    result = evaluate_plan(shuffled, payments, date(2026, 3, 10), DEFAULT_POLICY)
    assert result == ((S, P, S), PlanStatus.ACTIVE)


def test_evaluate_plan_refuses_an_empty_schedule() -> None:
    with pytest.raises(ValueError, match="installments"):
        evaluate_plan((), [], TODAY, DEFAULT_POLICY)


_totals = st.decimals(min_value=100, max_value=1_000_000, places=2)
_requests = st.fixed_dictionaries(
    {},
    optional={
        "months": st.integers(min_value=-3, max_value=15),
        "monthly_amount": st.decimals(min_value=-10, max_value=200_000, places=2),
        "down_payment": st.decimals(min_value=-10, max_value=1_100_000, places=2),
        "start": st.dates(min_value=TODAY - 40 * DAY, max_value=TODAY + 40 * DAY),
    },
)


@settings(max_examples=150, deadline=None)
@given(total=_totals, request=_requests)
def test_any_request_gets_a_plan_the_policy_allows(
    total: Decimal, request: dict[str, object]
) -> None:
    offer = offer_plan(total, TODAY, DEFAULT_POLICY, **request)  # type: ignore[arg-type]
    assert plan_problems(offer, TODAY, DEFAULT_POLICY) == []


@settings(max_examples=100, deadline=None)
@given(total=_totals, months=st.integers(min_value=1, max_value=6))
def test_installments_add_up_to_the_total_to_the_cent(total: Decimal, months: int) -> None:
    offer = offer_plan(total, TODAY, DEFAULT_POLICY, months=months)
    assert sum((item.amount for item in offer.installments), D(0)) == total


@settings(max_examples=100, deadline=None)
@given(total=_totals, request=_requests)
def test_asking_for_the_offered_plan_gets_it_without_a_counteroffer(
    total: Decimal, request: dict[str, object]
) -> None:
    offer = offer_plan(total, TODAY, DEFAULT_POLICY, **request)  # type: ignore[arg-type]
    again = offer_plan(
        total,
        TODAY,
        DEFAULT_POLICY,
        months=offer.months,
        down_payment=offer.down_payment,
        start=offer.installments[0].due_date,
    )
    assert dataclasses.replace(offer, counteroffer=False, adjustments=()) == again


_policies = st.builds(
    Policy,
    plan_min_balance=st.decimals(min_value=0, max_value=500, places=2),
    plan_max_installments=st.integers(min_value=1, max_value=24),
    plan_min_down_share=st.decimals(min_value=0, max_value=Decimal("0.9"), places=2),
    plan_min_installment=st.decimals(min_value=0, max_value=200, places=2),
    plan_first_due_max_days=st.integers(min_value=0, max_value=30),
)


@settings(max_examples=150, deadline=None)
@given(
    policy=_policies, total=st.decimals(min_value=0, max_value=100_000, places=2), request=_requests
)
def test_under_any_policy_an_offer_is_valid_or_refused_as_not_available(
    policy: Policy, total: Decimal, request: dict[str, object]
) -> None:
    try:
        offer = offer_plan(total, TODAY, policy, **request)  # type: ignore[arg-type]
    except PlanNotAvailable:
        return
    assert plan_problems(offer, TODAY, policy) == []
