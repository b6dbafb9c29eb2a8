"""Rules of paying in the chat (SPEC §11): what a link asks for, and what the customer hears.

Pure: amounts are ``Decimal``, dates plain, no clock. The services decide when; this module
decides how much and what to say.

* A link asks, when it is opened, for what is still owed on its purpose — never more than
  the collectible balance (disputed invoices excluded), and nothing when nothing is owed.
* Stripe counts in minor units; arbot in ``Decimal`` with two places.
* A receipt says what was received, what it paid and what is left; a bank debit being
  processed, and one that failed, are said once each. Invoice numbers are named to a
  business only, as in reminders.
* A reversal (a refund or a card dispute) takes back first the unapplied credit the
  payment left, then its applications, the invoice that received cash last first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from bot.policy.catalog import say
from bot.policy.decision_notices import Addressee, frame
from bot.policy.money import CENT
from bot.policy.reminder_text import format_amount

ZERO = Decimal("0.00")
#: ``pay_now`` offers the installment due within this many days
INSTALLMENT_HORIZON_DAYS = 7


class Purpose(str, Enum):
    """What a payment request pays."""

    BALANCE = "balance"
    PROMISE = "promise"
    INSTALLMENT = "installment"
    INVOICE = "invoice"


def amount_owed(wanted: Decimal, collectible: Decimal) -> Decimal:
    """What a link asks for now: ``wanted`` (what its purpose still needs), capped by the
    collectible balance; zero when either is not positive."""
    return max(min(wanted, collectible), ZERO).quantize(CENT)


def to_minor_units(amount: Decimal) -> int:
    """``Decimal`` dollars to Stripe's integer cents (two-decimal currencies)."""
    return int((amount * 100).quantize(Decimal(1)))


def from_minor_units(cents: int) -> Decimal:
    """Stripe's integer cents to ``Decimal`` dollars."""
    return (Decimal(cents) / 100).quantize(CENT)


@dataclass(frozen=True)
class Due:
    """Something the customer agreed to pay, as ``pay_now`` may offer it."""

    purpose: Purpose
    target: str | None
    due_date: date | None
    amount: Decimal


def link_choices(
    collectible: Decimal,
    promise: Due | None,
    installments: Sequence[Due],
    today: date,
) -> list[Due]:
    """What ``pay_now`` offers links for: the pending promise and the installment due within
    :data:`INSTALLMENT_HORIZON_DAYS` when there are any (then the balance too, as the
    last choice), else only the balance. Nothing when nothing is collectible."""
    if collectible <= 0:
        return []
    horizon = today + timedelta(days=INSTALLMENT_HORIZON_DAYS)
    agreed: list[Due] = [promise] if promise is not None else []
    upcoming = sorted(
        (i for i in installments if i.due_date is not None and i.due_date <= horizon),
        key=lambda i: (i.due_date or today, i.target or ""),
    )
    agreed += upcoming[:1]
    balance = Due(Purpose.BALANCE, None, None, collectible)
    agreed = [d for d in agreed if amount_owed(d.amount, collectible) > 0]
    return [*agreed, balance] if agreed else [balance]


@dataclass(frozen=True)
class Allocation:
    """An amount applied to one invoice, as a receipt names it."""

    invoice_number: str
    amount: Decimal


def receipt(
    amount: Decimal, applied: Sequence[Allocation], credit: Decimal, left: Decimal, to: Addressee
) -> str:
    """The receipt of a payment: received, what it paid, what is left."""
    money, lang = to.currency, to.language
    body = say("receipt", lang, amount=format_amount(amount, money))
    if applied and not to.consumer:
        parts = ", ".join(f"{a.invoice_number} ({format_amount(a.amount, money)})" for a in applied)
        body += say(
            "receipt_invoices" if len(applied) > 1 else "receipt_invoice", lang, parts=parts
        )
    elif applied:
        count = len(applied)
        body += say("receipt_count", lang, count=count) if count > 1 else say("receipt_one", lang)
    if credit > 0:
        body += say("receipt_credit", lang, amount=format_amount(credit, money))
    if left > 0:
        body += say("receipt_left", lang, amount=format_amount(left, money))
    else:
        body += say("receipt_nothing_left", lang)
    return frame(body, to)


def processing(amount: Decimal, to: Addressee) -> str:
    """A bank debit was authorised and is being processed (days, not seconds)."""
    body = say("bank_processing", to.language, amount=format_amount(amount, to.currency))
    return frame(body, to)


def failed(amount: Decimal, to: Addressee) -> str:
    """A bank debit did not go through; nothing was paid."""
    body = say("bank_failed", to.language, amount=format_amount(amount, to.currency))
    return frame(body, to)


def reverse(
    amount: Decimal, credit: Decimal, applications: Sequence[tuple[int, Decimal]]
) -> tuple[Decimal, list[tuple[int, Decimal]]]:
    """Splits a reversal of ``amount``: from the unapplied ``credit`` first, then from the
    ``applications`` (invoice id, amount, in the order cash was applied) last first.

    Returns:
        The credit taken back and the amount taken back per invoice id; together never more
        than ``amount`` nor than the payment had.
    """
    left = max(amount, ZERO)
    from_credit = min(left, max(credit, ZERO))
    left -= from_credit
    taken: list[tuple[int, Decimal]] = []
    for invoice_id, applied in reversed(applications):
        if left <= 0:
            break
        share = min(left, applied)
        if share > 0:
            taken.append((invoice_id, share))
            left -= share
    return from_credit, taken


#: reminder kinds that carry a pay link with Stripe on (a promise's, an installment's)
LINKED_REMINDERS = frozenset({"ptp_reminder", "installment_reminder"})


def link_slot(public_url: str) -> str:
    """The placeholder a reminder is worded with until its pay link is made at sending."""
    return f"{public_url.rstrip('/')}/pay/…"


def reminder_link(provider: str, public_url: str, template_link: str, kind: str) -> str | None:
    """The link a reminder of ``kind`` is worded with: with Stripe, the placeholder for a
    promise or installment reminder (and none for others); else ``ARBOT_PAYMENT_LINK``."""
    if provider == "stripe":
        return link_slot(public_url) if kind in LINKED_REMINDERS else None
    return template_link
