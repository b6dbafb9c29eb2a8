"""Payment plans: offers, counteroffers and standing (SPEC §5 Payment plan).

Schedule convention: a plan's installment list starts with the down payment, due on the
start date (today up to today + ``plan_first_due_max_days``), followed by N monthly
installments (1 ≤ N ≤ ``plan_max_installments``), the k-th due k calendar months after the
start date (clamped to the month's end: Jan 31 + 1 month = Feb 28/29). The entries add up
to the total exactly; monthly installments are equal except that leftover cents go to the
first ones, and each is at least ``plan_min_installment``. The down payment is at least
``plan_min_down_share`` of the total, rounded up to the cent (and exactly that by default).

The down payment is always listed, even when a policy with a zero down share makes it 0,
so ``installments[0]`` is the down payment for every plan.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from enum import Enum

from bot.policy.money import CENT, cents, cents_down, cents_up, format_money
from bot.policy.rules import Policy


class PlanNotAvailable(ValueError):
    """The balance is too small for a payment plan."""


@dataclass(frozen=True)
class ScheduledPayment:
    """One entry of a plan's schedule: the down payment or a monthly installment."""

    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class PlanOffer:
    """A plan the policy allows, as the bot reads it back to the customer.

    Attributes:
        total: the amount the plan covers.
        down_payment: the first entry of ``installments``.
        installments: the down payment, then the monthly installments, in due order.
        months: the number of monthly installments.
        monthly_amount: the largest monthly installment.
        needs_approval: the total is above ``plan_approval_above``; a collector approves.
        counteroffer: the plan differs from what the customer asked for.
        adjustments: why it differs, e.g. ``"max_installments"``, ``"min_installment"``,
            ``"min_down_payment"``, ``"max_down_payment"``, ``"min_months"``,
            ``"start_in_past"``, ``"first_due_too_far"``.
    """

    total: Decimal
    down_payment: Decimal
    installments: tuple[ScheduledPayment, ...]
    months: int
    monthly_amount: Decimal
    needs_approval: bool
    counteroffer: bool
    adjustments: tuple[str, ...] = ()


class InstallmentStatus(str, Enum):
    """Standing of one scheduled payment (SPEC §3 ``installments[].status``)."""

    SCHEDULED = "scheduled"
    PAID = "paid"
    MISSED = "missed"


class PlanStatus(str, Enum):
    """Lifecycle of a plan (SPEC §3 ``plans[].status``)."""

    PENDING_APPROVAL = "pending_approval"
    ACTIVE = "active"
    COMPLETED = "completed"
    DEFAULTED = "defaulted"
    CANCELLED = "cancelled"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later, clamped to the end of a short month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def minimum_down_payment(total: Decimal, policy: Policy) -> Decimal:
    """The smallest down payment: ``plan_min_down_share`` of the total, rounded up to the cent."""
    return max(cents_up(total * policy.plan_min_down_share), Decimal("0.00"))


def offer_plan(
    total: Decimal,
    today: date,
    policy: Policy,
    *,
    months: int | None = None,
    monthly_amount: Decimal | None = None,
    down_payment: Decimal | None = None,
    start: date | None = None,
) -> PlanOffer:
    """The plan the customer asked for, or the nearest plan the policy allows.

    The customer proposes a number of months or an amount per month (``months`` wins when
    both are given); with neither, the offer is the most generous plan: the most months the
    minimum installment allows. Each value outside the policy is moved to the nearest
    allowed one and named in ``adjustments``:

    * months above the maximum → the maximum; below 1 → 1; so many that an installment
      would fall below the minimum → the most months that keep it at the minimum;
    * an amount per month becomes ceil(remaining / amount) months, then as above;
    * a down payment below the minimum → the minimum; so large that the remaining months
      would fall below the minimum installment → the largest that does not;
    * a start date before today → today; after the first-due limit → the limit.

    Raises:
        PlanNotAvailable: the total is below ``plan_min_balance``, or so small that after
            the minimum down payment not even one minimum installment is left (raising the
            down payment cannot help there: it would only shrink what is left).
    """
    total = cents(total)
    _require_available(total, policy)
    adjustments: list[str] = []
    first_due = _clamp_start(start, today, policy, adjustments)
    lowest_down = minimum_down_payment(total, policy)
    if months is not None:
        cap = _months_cap(total - lowest_down, policy)
        count = _clamp_months(months, cap, policy, adjustments)
        highest_down = total - count * _min_installment(policy)
        down = _clamp_down(down_payment, lowest_down, highest_down, adjustments)
    else:
        highest_down = total - _min_installment(policy)
        down = _clamp_down(down_payment, lowest_down, highest_down, adjustments)
        cap = _months_cap(total - down, policy)
        count = cap
        if monthly_amount is not None:
            count = _months_for_amount(total - down, monthly_amount, cap, policy, adjustments)
    return _build(total, down, count, first_due, policy, tuple(adjustments))


def lowest_installment_offer(total: Decimal, today: date, policy: Policy) -> PlanOffer:
    """The plan with the lowest monthly installment (offered on hardship): most months allowed."""
    return offer_plan(total, today, policy)


def is_plan_valid(offer: PlanOffer, today: date, policy: Policy) -> bool:
    """Whether an offer satisfies every plan rule of the policy, as offered on ``today``."""
    return not plan_problems(offer, today, policy)


def plan_problems(offer: PlanOffer, today: date, policy: Policy) -> list[str]:
    """Every plan rule an offer breaks (empty when valid), for checks and test messages."""
    problems = _amount_problems(offer, policy)
    schedule = offer.installments
    if not schedule:
        return [*problems, "no installments"]
    start = schedule[0].due_date
    if not today <= start <= today + timedelta(days=policy.plan_first_due_max_days):
        problems.append(f"start {start} outside the first-due window")
    if any(item.due_date != add_months(start, k) for k, item in enumerate(schedule)):
        problems.append("monthly due dates are not one calendar month apart")
    if offer.needs_approval != (offer.total > policy.plan_approval_above):
        problems.append("needs_approval does not match the approval limit")
    if offer.counteroffer != bool(offer.adjustments):
        problems.append("counteroffer does not match adjustments")
    return problems


def evaluate_plan(
    installments: Sequence[ScheduledPayment],
    payments: Iterable[tuple[date, Decimal]],
    today: date,
    policy: Policy,
) -> tuple[tuple[InstallmentStatus, ...], PlanStatus]:
    """The standing of each installment and of the plan on ``today``.

    Payments received since the plan started (and not after ``today``) are applied
    cumulatively in due order: an installment is paid when what arrived by its due date +
    ``plan_grace_days`` covers everything due through it, so a late payment within grace
    counts and an early one pays ahead. One missed installment defaults the plan; pending
    approval and cancelled are decisions, never computed here. Statuses follow the order
    of ``installments``.

    Raises:
        ValueError: when ``installments`` is empty.
    """
    if not installments:
        raise ValueError("installments: a plan has at least one scheduled payment")
    received = [(day, amount) for day, amount in payments if day <= today]
    grace = timedelta(days=policy.plan_grace_days)
    order = sorted(range(len(installments)), key=lambda i: installments[i].due_date)
    statuses: dict[int, InstallmentStatus] = {}
    owed = Decimal(0)
    for index in order:
        item = installments[index]
        owed += item.amount
        cutoff = item.due_date + grace
        paid = sum((amount for day, amount in received if day <= cutoff), Decimal(0))
        if paid >= owed:
            statuses[index] = InstallmentStatus.PAID
        elif today > cutoff:
            statuses[index] = InstallmentStatus.MISSED
        else:
            statuses[index] = InstallmentStatus.SCHEDULED
    result = tuple(statuses[i] for i in range(len(installments)))
    if InstallmentStatus.MISSED in result:
        return result, PlanStatus.DEFAULTED
    if all(status is InstallmentStatus.PAID for status in result):
        return result, PlanStatus.COMPLETED
    return result, PlanStatus.ACTIVE


def _min_installment(policy: Policy) -> Decimal:
    """The smallest monthly installment; at least a cent even if the policy says 0."""
    return max(cents_up(policy.plan_min_installment), CENT)


def _require_available(total: Decimal, policy: Policy) -> None:
    if total < policy.plan_min_balance:
        raise PlanNotAvailable(
            f"balance {format_money(total)} is below the plan minimum "
            f"{format_money(policy.plan_min_balance)}"
        )
    down = minimum_down_payment(total, policy)
    if total - down < _min_installment(policy):
        raise PlanNotAvailable(
            f"balance {format_money(total)} leaves less than the minimum installment "
            f"{format_money(_min_installment(policy))} after the down payment "
            f"{format_money(down)}"
        )


def _months_cap(remaining: Decimal, policy: Policy) -> int:
    """Most months allowed: the policy maximum, fewer if installments would drop below minimum."""
    return max(1, min(policy.plan_max_installments, int(remaining // _min_installment(policy))))


def _clamp_months(requested: int, cap: int, policy: Policy, adjustments: list[str]) -> int:
    if requested < 1:
        adjustments.append("min_months")
        return 1
    if requested > policy.plan_max_installments:
        adjustments.append("max_installments")
    if requested > cap and cap < policy.plan_max_installments:
        adjustments.append("min_installment")
    return min(requested, cap)


def _months_for_amount(
    remaining: Decimal, amount: Decimal, cap: int, policy: Policy, adjustments: list[str]
) -> int:
    """Months needed to pay ``remaining`` at ``amount`` a month, moved within [1, cap]."""
    if amount <= 0:
        adjustments.append("min_installment")
        return cap
    wanted = int((remaining / amount).to_integral_value(rounding=ROUND_CEILING))
    return _clamp_months(wanted, cap, policy, adjustments)


def _clamp_down(
    requested: Decimal | None, lowest: Decimal, highest: Decimal, adjustments: list[str]
) -> Decimal:
    if requested is None:
        return lowest
    value = cents(requested)
    if value < lowest:
        adjustments.append("min_down_payment")
        return lowest
    if value > highest:
        adjustments.append("max_down_payment")
        return highest
    return value


def _clamp_start(start: date | None, today: date, policy: Policy, adjustments: list[str]) -> date:
    latest = today + timedelta(days=policy.plan_first_due_max_days)
    if start is None:
        return today
    if start < today:
        adjustments.append("start_in_past")
        return today
    if start > latest:
        adjustments.append("first_due_too_far")
        return latest
    return start


def _build(
    total: Decimal,
    down: Decimal,
    months: int,
    start: date,
    policy: Policy,
    adjustments: tuple[str, ...],
) -> PlanOffer:
    """Splits what remains after the down payment into equal monthly installments."""
    remaining = total - down
    base = cents_down(remaining / months)
    extra_cents = int((remaining - base * months) / CENT)
    schedule = [ScheduledPayment(start, down)]
    for k in range(1, months + 1):
        amount = base + CENT if k <= extra_cents else base
        schedule.append(ScheduledPayment(add_months(start, k), amount))
    return PlanOffer(
        total=total,
        down_payment=down,
        installments=tuple(schedule),
        months=months,
        monthly_amount=schedule[1].amount,
        needs_approval=total > policy.plan_approval_above,
        counteroffer=bool(adjustments),
        adjustments=adjustments,
    )


def _amount_problems(offer: PlanOffer, policy: Policy) -> list[str]:
    """The rules about money and counts: totals, down payment, installment sizes."""
    problems: list[str] = []
    amounts = [item.amount for item in offer.installments]
    monthly = amounts[1:]
    if offer.total < policy.plan_min_balance:
        problems.append(f"total {offer.total} below the plan minimum balance")
    if any(amount != cents(amount) for amount in [offer.total, *amounts]):
        problems.append("an amount is not in whole cents")
    if sum(amounts, Decimal(0)) != offer.total:
        problems.append("installments do not add up to the total")
    if not amounts or offer.down_payment != amounts[0]:
        problems.append("down_payment is not the first installment")
    if offer.down_payment < minimum_down_payment(offer.total, policy):
        problems.append(f"down payment {offer.down_payment} below the minimum")
    if not 1 <= offer.months == len(monthly) <= policy.plan_max_installments:
        problems.append(f"{len(monthly)} monthly installments, months={offer.months}")
    if monthly and min(monthly) < policy.plan_min_installment:
        problems.append(f"installment {min(monthly)} below the minimum")
    if monthly and (max(monthly) - min(monthly) > CENT or monthly != sorted(monthly, reverse=True)):
        problems.append("installments are not equal with leftover cents first")
    if monthly and offer.monthly_amount != max(monthly):
        problems.append("monthly_amount is not the largest installment")
    return problems
