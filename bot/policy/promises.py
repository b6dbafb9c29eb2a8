"""Promise-to-pay rules (SPEC §5 Promise to pay).

A promise is an amount and a date. It must fall within ``promise_max_days`` of today and
cover at least ``promise_min_share`` of the past-due amount, but never more than the
collectible balance. It is kept when payments between its creation and its date plus
``promise_grace_days`` reach the amount, and broken once that grace has run out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from bot.policy.balances import BalanceSummary
from bot.policy.money import CENT, cents_up
from bot.policy.rules import Policy


class PromiseProblem(str, Enum):
    """Why a proposed promise cannot be recorded as it is."""

    AMOUNT_NOT_POSITIVE = "amount_not_positive"
    AMOUNT_OVER_BALANCE = "amount_over_balance"
    AMOUNT_BELOW_MINIMUM = "amount_below_minimum"  # the bot offers a payment plan instead
    DATE_IN_PAST = "date_in_past"
    DATE_TOO_FAR = "date_too_far"


@dataclass(frozen=True)
class PromiseCheck:
    """A proposed promise checked against the policy, with the limits to quote back.

    Attributes:
        problems: every rule the proposal breaks; empty when it can be recorded.
        min_amount: the smallest acceptable amount.
        max_amount: the largest acceptable amount (the collectible balance).
        latest_date: the last acceptable date.
    """

    problems: tuple[PromiseProblem, ...]
    min_amount: Decimal
    max_amount: Decimal
    latest_date: date

    @property
    def ok(self) -> bool:
        """Whether the promise satisfies every rule."""
        return not self.problems


class PromiseStatus(str, Enum):
    """Lifecycle of a promise (SPEC §3 ``promises[].status``)."""

    PENDING = "pending"
    KEPT = "kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"


def minimum_promise(past_due: Decimal, policy: Policy) -> Decimal:
    """The smallest promise accepted: the policy share of past due, rounded up to the cent.

    With nothing past due any positive amount is a useful promise, so the minimum is a cent.
    """
    if past_due <= 0:
        return CENT
    return max(cents_up(past_due * policy.promise_min_share), CENT)


def check_promise(
    amount: Decimal, due_date: date, balance: BalanceSummary, today: date, policy: Policy
) -> PromiseCheck:
    """Checks a proposed promise: amount within [minimum, collectible], date within range.

    The date may be today up to today + ``promise_max_days`` inclusive. A positive amount
    below the minimum is reported as AMOUNT_BELOW_MINIMUM so the bot can offer a plan.
    """
    minimum = minimum_promise(balance.past_due, policy)
    latest = today + timedelta(days=policy.promise_max_days)
    problems: list[PromiseProblem] = []
    if amount <= 0:
        problems.append(PromiseProblem.AMOUNT_NOT_POSITIVE)
    elif amount > balance.collectible:
        problems.append(PromiseProblem.AMOUNT_OVER_BALANCE)
    elif amount < minimum:
        problems.append(PromiseProblem.AMOUNT_BELOW_MINIMUM)
    if due_date < today:
        problems.append(PromiseProblem.DATE_IN_PAST)
    elif due_date > latest:
        problems.append(PromiseProblem.DATE_TOO_FAR)
    return PromiseCheck(tuple(problems), minimum, balance.collectible, latest)


def promise_status(
    amount: Decimal,
    created_on: date,
    due_date: date,
    payments: Iterable[tuple[date, Decimal]],
    today: date,
    policy: Policy,
) -> PromiseStatus:
    """Whether a promise is kept, broken or still pending on ``today``.

    Payments count when received from ``created_on`` to ``due_date + promise_grace_days``
    inclusive, and not after ``today`` (so a past day can be re-evaluated as it was then).
    The promise is kept as soon as they reach the amount, even before its date. Cancelled
    is a decision of the customer or a collector, never computed here.
    """
    deadline = due_date + timedelta(days=policy.promise_grace_days)
    last_counted = min(deadline, today)
    received = sum(
        (paid for day, paid in payments if created_on <= day <= last_counted), Decimal(0)
    )
    if received >= amount:
        return PromiseStatus.KEPT
    if today > deadline:
        return PromiseStatus.BROKEN
    return PromiseStatus.PENDING


def is_second_broken_promise(broken_dates: Iterable[date], today: date, policy: Policy) -> bool:
    """Whether the account has broken at least two promises recently (escalation rule).

    ``broken_dates`` are the due dates of broken promises; those in the last
    ``broken_promises_window_days`` days, today included, count.
    """
    earliest = today - timedelta(days=policy.broken_promises_window_days - 1)
    return sum(1 for day in broken_dates if earliest <= day <= today) >= 2
