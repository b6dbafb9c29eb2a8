"""Cash application: how a payment is spread over an account's open invoices (SPEC §4).

A payment that names an invoice pays that invoice first, up to what is open on it (the
remitter said so, even if the invoice is disputed). Whatever is left, or the whole payment
when no invoice is named, pays the open, undisputed invoices oldest due first, ties broken by
invoice number so the result never depends on input order. What is still left after that is
an unapplied credit on the account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class OpenInvoice:
    """An invoice as cash application sees it."""

    invoice_number: str
    due_date: date
    open_amount: Decimal
    disputed: bool = False


def allocate(
    amount: Decimal, invoices: Sequence[OpenInvoice], named_invoice: str | None = None
) -> tuple[dict[str, Decimal], Decimal]:
    """Applies ``amount`` to ``invoices``.

    Args:
        amount: the payment, in cents; never negative.
        invoices: the account's invoices; those with nothing open receive nothing.
        named_invoice: the invoice the remitter named, if any.

    Returns:
        The amount applied per invoice number (only invoices that received something, in the
        order they received it) and the unapplied remainder. The applied amounts and the
        remainder add up to ``amount``; no invoice receives more than its open amount.

    Raises:
        ValueError: when ``amount`` is negative.
    """
    if amount < 0:
        raise ValueError(f"a payment cannot be negative: {amount}")
    applied: dict[str, Decimal] = {}
    left = amount
    named = [i for i in invoices if i.invoice_number == named_invoice]
    rest = sorted(
        (i for i in invoices if i.invoice_number != named_invoice and not i.disputed),
        key=lambda i: (i.due_date, i.invoice_number),
    )
    for invoice in named + rest:
        if left <= 0:
            break
        share = min(left, invoice.open_amount)
        if share <= 0:
            continue
        applied[invoice.invoice_number] = applied.get(invoice.invoice_number, ZERO) + share
        left -= share
    return applied, left
