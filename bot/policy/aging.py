"""AR aging: open amounts by days past due (SPEC §8).

``BUCKET_BOUNDS`` is the single definition of the buckets; ``bucket_for`` and the SQL
report query (which builds ``CASE`` expressions from it) both read it, so they agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.policy.balances import days_past_due
from bot.policy.money import cents

BUCKETS: tuple[str, ...] = ("current", "1-30", "31-60", "61-90", "91-120", "120+")

# (name, lowest days past due inclusive, highest inclusive); None means unbounded.
BUCKET_BOUNDS: tuple[tuple[str, int | None, int | None], ...] = (
    ("current", None, 0),
    ("1-30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-120", 91, 120),
    ("120+", 121, None),
)


@dataclass(frozen=True)
class Aging:
    """Open AR as of one day, by bucket.

    Attributes:
        as_of: the day the ages are counted on.
        buckets: open amount per bucket; all six keys, in ``BUCKETS`` order.
        total: the sum of the buckets.
    """

    as_of: date
    buckets: dict[str, Decimal]
    total: Decimal


def bucket_for(days_past_due: int) -> str:
    """The aging bucket of an invoice that is ``days_past_due`` days late (≤ 0: current)."""
    for name, lowest, highest in BUCKET_BOUNDS:
        if (lowest is None or days_past_due >= lowest) and (
            highest is None or days_past_due <= highest
        ):
            return name
    raise AssertionError(f"no aging bucket holds {days_past_due} days")  # bounds cover all ints


def age(items: Iterable[tuple[date, Decimal]], as_of: date) -> Aging:
    """Ages open amounts as of a day.

    Args:
        items: ``(due_date, open amount as of as_of)`` per invoice; zero amounts are ignored.
        as_of: the day the ages are counted on.
    """
    buckets = {name: Decimal("0.00") for name in BUCKETS}
    for due_date, amount in items:
        if amount != 0:
            name = bucket_for(days_past_due(due_date, as_of))
            buckets[name] += cents(amount)
    return Aging(as_of=as_of, buckets=buckets, total=sum(buckets.values(), Decimal("0.00")))
