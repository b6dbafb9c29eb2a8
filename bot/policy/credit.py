"""Credit control rules (SPEC §12): when an account is on hold, and the allowance.

Pure functions on ``Decimal`` and ``date``: the services read the facts and act on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from bot.policy.aging import BUCKETS
from bot.policy.balances import days_past_due
from bot.policy.money import cents

#: why an account is on hold, in the order they are listed
HOLD_REASONS: tuple[str, ...] = ("over_limit", "past_due", "plan_default")
#: an undisputed invoice more than this many days past due puts its account on hold
HOLD_DAYS_PAST_DUE = 60
#: an undisputed invoice more than this many days past due may be written off
WRITE_OFF_DAYS = 180
#: ... when its account paid nothing in this many days
WRITE_OFF_QUIET_DAYS = 90
#: ``ARBOT_ALLOWANCE_RATES``' default, percent per aging bucket
DEFAULT_ALLOWANCE_RATES = "current:1,1-30:3,31-60:10,61-90:25,91-120:50,120+:90"


@dataclass(frozen=True)
class HoldFacts:
    """What decides one account's hold.

    Attributes:
        open_balance: the sum of its invoices' open amounts.
        credit_limit: its limit; None means no limit.
        oldest_undisputed_due: the due date of its oldest open invoice not in dispute.
        plan_defaulted: its latest payment plan defaulted and money is still open.
    """

    open_balance: Decimal
    credit_limit: Decimal | None
    oldest_undisputed_due: date | None
    plan_defaulted: bool


def hold_reasons(
    facts: HoldFacts, today: date, days_limit: int = HOLD_DAYS_PAST_DUE
) -> tuple[str, ...]:
    """The reasons the account is on hold on ``today``; empty when it is not."""
    reasons: list[str] = []
    if facts.credit_limit is not None and facts.open_balance > facts.credit_limit:
        reasons.append("over_limit")
    due = facts.oldest_undisputed_due
    if due is not None and days_past_due(due, today) > days_limit:
        reasons.append("past_due")
    if facts.plan_defaulted and facts.open_balance > 0:
        reasons.append("plan_default")
    return tuple(reasons)


def past_due_before(today: date, days_limit: int = HOLD_DAYS_PAST_DUE) -> date:
    """An undisputed open invoice due before this day is more than ``days_limit`` days past
    due on ``today`` (the ``past_due`` reason, as a bound a query can compare with)."""
    return today - timedelta(days=days_limit)


def amount_to_limit(open_balance: Decimal, credit_limit: Decimal | None) -> Decimal:
    """What a payment must be to bring the balance back under the limit (0: it is under).

    "Under" means at most the limit: a balance equal to the limit is not over it.
    """
    if credit_limit is None or open_balance <= credit_limit:
        return Decimal("0.00")
    return cents(open_balance - credit_limit)


def parse_allowance_rates(text: str) -> dict[str, Decimal]:
    """``bucket:percent,…`` → rate per aging bucket, every bucket named exactly once.

    Raises:
        ValueError: naming the part that is malformed, unknown, repeated or missing.
    """
    rates: dict[str, Decimal] = {}
    for part in (p.strip() for p in text.split(",")):
        name, sep, value = part.partition(":")
        name = name.strip()
        if not sep:
            raise ValueError(f"{part!r} is not bucket:percent")
        if name not in BUCKETS:
            raise ValueError(f"{part!r}: {name!r} is not one of {', '.join(BUCKETS)}")
        if name in rates:
            raise ValueError(f"{part!r}: {name} is given twice")
        try:
            rate = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{part!r}: {value.strip()!r} is not a number") from None
        if not rate.is_finite() or not 0 <= rate <= 100:
            raise ValueError(f"{part!r}: {value.strip()} is not a percentage from 0 to 100")
        rates[name] = rate
    missing = [name for name in BUCKETS if name not in rates]
    if missing:
        raise ValueError(f"no rate for {', '.join(missing)}")
    return {name: rates[name] for name in BUCKETS}


def allowance(
    buckets: Mapping[str, Decimal], rates: Mapping[str, Decimal]
) -> tuple[dict[str, Decimal], Decimal]:
    """The allowance for doubtful accounts: per bucket (amount × rate %, to cents) and total."""
    per_bucket = {name: cents(buckets[name] * rates[name] / 100) for name in BUCKETS}
    return per_bucket, sum(per_bucket.values(), Decimal("0.00"))


def bad_debt_ratio(written_off: Decimal, credit_sales: Decimal) -> Decimal | None:
    """Write-offs approved in a period ÷ its credit sales (None without sales), 4 places."""
    if credit_sales <= 0:
        return None
    return (written_off / credit_sales).quantize(Decimal("0.0001"))
