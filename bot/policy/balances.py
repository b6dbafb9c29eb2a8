"""What a customer owes: the numbers of the balance flow (SPEC §5 Balance).

Disputed invoices stay in the total but are never asked for: they are excluded from the
collectible and past-due amounts, and from the oldest past-due invoice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.policy.money import cents


@dataclass(frozen=True)
class OpenItem:
    """One invoice with money still open on it."""

    invoice_number: str
    due_date: date
    open_amount: Decimal
    disputed: bool = False


@dataclass(frozen=True)
class BalanceSummary:
    """An account's balance as the bot tells it (all amounts in cents).

    Attributes:
        total: every open amount, disputed or not.
        collectible: ``total`` minus disputed invoices: the most a promise may cover.
        past_due: collectible invoices whose due date has passed.
        disputed: open amount on disputed invoices.
        open_count: invoices with an open amount, disputed ones included.
        oldest_past_due: the collectible past-due invoice due first, if any.
        oldest_days_late: how many days late ``oldest_past_due`` is.
    """

    total: Decimal
    collectible: Decimal
    past_due: Decimal
    disputed: Decimal
    open_count: int
    oldest_past_due: OpenItem | None
    oldest_days_late: int | None


def days_past_due(due_date: date, as_of: date) -> int:
    """Days an invoice is late on ``as_of``: 0 on the due date, negative before it."""
    return (as_of - due_date).days


def summarize(items: Iterable[OpenItem], today: date) -> BalanceSummary:
    """Sums an account's open invoices as of ``today``.

    Items whose open amount is zero or negative (paid, or credit) are ignored. The oldest
    past-due invoice is the earliest due collectible one; ties go to the lower invoice number
    so the answer is stable.
    """
    open_items = [item for item in items if item.open_amount > 0]
    disputed = [item for item in open_items if item.disputed]
    collectible = [item for item in open_items if not item.disputed]
    past_due = [item for item in collectible if item.due_date < today]
    oldest = min(past_due, key=lambda item: (item.due_date, item.invoice_number), default=None)
    total = cents(sum((item.open_amount for item in open_items), Decimal(0)))
    disputed_total = cents(sum((item.open_amount for item in disputed), Decimal(0)))
    return BalanceSummary(
        total=total,
        collectible=total - disputed_total,
        past_due=cents(sum((item.open_amount for item in past_due), Decimal(0))),
        disputed=disputed_total,
        open_count=len(open_items),
        oldest_past_due=oldest,
        oldest_days_late=None if oldest is None else days_past_due(oldest.due_date, today),
    )
