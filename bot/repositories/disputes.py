"""Disputes, their references, and the payments a "we already paid" claim may match."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Dispute, Payment, PaymentApplication

REFERENCE_PREFIX = "D-"
#: how many of the longest references are read to find the highest number
_REFERENCE_SCAN = 50


def open_by_invoice(session: Session, invoice_ids: Collection[int]) -> dict[int, Dispute]:
    """The open dispute of each of these invoices that has one."""
    if not invoice_ids:
        return {}
    query = (
        select(Dispute)
        .where(Dispute.invoice_id.in_(sorted(invoice_ids)), Dispute.status == "open")
        .order_by(Dispute.id)
    )
    found: dict[int, Dispute] = {}
    for dispute in session.scalars(query):
        found.setdefault(dispute.invoice_id, dispute)
    return found


def highest_reference_number(session: Session) -> int:
    """The highest number of a ``D-<number>`` reference (0 when there is none).

    References are compared as numbers, not strings: the longest come first, and a
    reference that is not ``D-`` + digits is skipped.
    """
    query = (
        select(Dispute.reference)
        .where(Dispute.reference.like(f"{REFERENCE_PREFIX}%"))
        .order_by(func.length(Dispute.reference).desc(), Dispute.reference.desc())
        .limit(_REFERENCE_SCAN)
    )
    numbers = [
        int(suffix)
        for reference in session.scalars(query)
        if (suffix := reference[len(REFERENCE_PREFIX) :]).isascii() and suffix.isdigit()
    ]
    return max(numbers, default=0)


def payment_applied_to(session: Session, invoice_id: int) -> Payment | None:
    """The latest payment applied to this invoice, if any (a reversal is not one)."""
    query = (
        select(Payment)
        .join(PaymentApplication, PaymentApplication.payment_id == Payment.id)
        .where(PaymentApplication.invoice_id == invoice_id, Payment.amount > 0)
        .order_by(Payment.received_date.desc(), Payment.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def payment_received_since(session: Session, account_id: int, since: date) -> Payment | None:
    """The account's latest payment received on or after ``since``, if any (a Stripe
    payment is one from the moment its webhook is applied; a reversal is not one)."""
    query = (
        select(Payment)
        .where(Payment.account_id == account_id, Payment.received_date >= since, Payment.amount > 0)
        .order_by(Payment.received_date.desc(), Payment.id.desc())
        .limit(1)
    )
    return session.scalar(query)
