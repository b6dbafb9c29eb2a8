"""Queries of paying in the chat: payment requests, Stripe events handled, reversals.

Nothing here commits: :mod:`bot.payments` owns the transactions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.models import (
    Account,
    Installment,
    Invoice,
    Payment,
    PaymentApplication,
    PaymentPlan,
    PaymentRequest,
    PaymentReversal,
    StripeEvent,
)
from bot.db.types import as_decimal
from bot.repositories.ledger import table


def by_token_hash(
    session: Session, token_hash: str, *, lock: bool = False
) -> PaymentRequest | None:
    """The request whose token hashes to ``token_hash``; ``lock`` holds its row."""
    query = select(PaymentRequest).where(PaymentRequest.token_hash == token_hash)
    return session.scalar(query.with_for_update() if lock else query)


def get(session: Session, request_id: int, *, lock: bool = False) -> PaymentRequest | None:
    """The request ``request_id``; ``lock`` holds its row until the transaction ends."""
    query = select(PaymentRequest).where(PaymentRequest.id == request_id)
    return session.scalar(query.with_for_update() if lock else query)


def lock_account(session: Session, account_id: int) -> Account | None:
    """The account, its row held: cash is applied to one account at a time."""
    return session.scalar(select(Account).where(Account.id == account_id).with_for_update())


def claim_event(session: Session, event_id: str, event_type: str, now: datetime) -> bool:
    """Marks a Stripe event as handled; False when it was already (or is being) handled.

    ``INSERT … ON CONFLICT DO NOTHING`` as the transaction's first write: a second delivery
    of the same event waits on the first's row lock on PostgreSQL, then inserts nothing.
    """
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = (
        module.insert(table(StripeEvent))
        .values(id=event_id, type=event_type[:64], received_at=now)
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(table(StripeEvent).c.id)
    )
    return session.execute(statement).first() is not None


def payment_by_id(session: Session, payment_id: str) -> Payment | None:
    """The payment with this ``payment_id`` (a Stripe PaymentIntent id for Stripe payments)."""
    return session.scalar(select(Payment).where(Payment.payment_id == payment_id))


def applications(session: Session, payment_ids: Sequence[int]) -> list[tuple[int, Decimal]]:
    """(invoice id, amount) applied by these payments, netted per invoice, in the order the
    cash was first applied."""
    query = (
        select(PaymentApplication.invoice_id, func.sum(PaymentApplication.amount))
        .where(PaymentApplication.payment_id.in_(payment_ids))
        .group_by(PaymentApplication.invoice_id)
        .order_by(func.min(PaymentApplication.id))
    )
    return [(invoice_id, as_decimal(amount)) for invoice_id, amount in session.execute(query)]


def reversals_of(session: Session, payment_intent: str) -> list[PaymentReversal]:
    """The refunds and disputes of a PaymentIntent, oldest first."""
    query = (
        select(PaymentReversal)
        .where(PaymentReversal.payment_intent == payment_intent)
        .order_by(PaymentReversal.id)
    )
    return list(session.scalars(query))


def reversal(session: Session, source: str) -> PaymentReversal | None:
    """The reversal recorded for ``source`` (a dispute id, a refund level), if any."""
    return session.scalar(select(PaymentReversal).where(PaymentReversal.source == source))


def open_invoice(session: Session, account_id: int, invoice_number: str) -> Invoice | None:
    """The account's invoice ``invoice_number``."""
    query = select(Invoice).where(
        Invoice.account_id == account_id, Invoice.invoice_number == invoice_number
    )
    return session.scalar(query)


def invoices_by_id(session: Session, ids: Sequence[int]) -> dict[int, Invoice]:
    """Invoices by id."""
    if not ids:
        return {}
    return {i.id: i for i in session.scalars(select(Invoice).where(Invoice.id.in_(ids)))}


def installment_of_account(
    session: Session, account_id: int, installment_id: int
) -> Installment | None:
    """The installment ``installment_id`` if it belongs to a plan of the account."""
    query = (
        select(Installment)
        .join(PaymentPlan, PaymentPlan.id == Installment.plan_id)
        .where(Installment.id == installment_id, PaymentPlan.account_id == account_id)
    )
    return session.scalar(query)


def due_installments(session: Session, account_id: int) -> list[Installment]:
    """The scheduled installments of the account's active plan, by due date."""
    query = (
        select(Installment)
        .join(PaymentPlan, PaymentPlan.id == Installment.plan_id)
        .where(
            PaymentPlan.account_id == account_id,
            PaymentPlan.status == "active",
            Installment.status == "scheduled",
        )
        .order_by(Installment.due_date, Installment.sequence)
    )
    return list(session.scalars(query))


def received_since(session: Session, account_id: int, since: date) -> Decimal:
    """What the account paid on or after ``since`` (reversals count negative)."""
    query = select(func.coalesce(func.sum(Payment.amount), 0)).where(
        Payment.account_id == account_id, Payment.received_date >= since
    )
    return as_decimal(session.scalar(query))


@dataclass(frozen=True)
class PaymentLine:
    """One payment of an account, as ``arbot payments`` lists it."""

    payment_id: str
    received_date: date
    amount: Decimal
    method: str | None
    invoice_number: str | None
    unapplied_amount: Decimal
    created_at: datetime


def payments_of(session: Session, account_id: int) -> list[PaymentLine]:
    """The account's payments and reversals, newest first."""
    query = (
        select(
            Payment.payment_id,
            Payment.received_date,
            Payment.amount,
            Payment.method,
            Payment.invoice_number,
            Payment.unapplied_amount,
            Payment.created_at,
        )
        .where(Payment.account_id == account_id)
        .order_by(Payment.received_date.desc(), Payment.id.desc())
    )
    return [PaymentLine(*row) for row in session.execute(query)]


def collected_with(session: Session, method: str, start: date, end: date) -> Decimal:
    """What payments by ``method`` received from ``start`` to ``end`` inclusive add up to."""
    query = select(func.coalesce(func.sum(Payment.amount), 0)).where(
        Payment.method == method, Payment.received_date.between(start, end)
    )
    return as_decimal(session.scalar(query))


def recent_payments(session: Session, limit: int) -> list[tuple[PaymentLine, str]]:
    """The latest ``limit`` payments of all accounts with their account number."""
    query = (
        select(
            Payment.payment_id,
            Payment.received_date,
            Payment.amount,
            Payment.method,
            Payment.invoice_number,
            Payment.unapplied_amount,
            Payment.created_at,
            Account.account_number,
        )
        .join(Account, Account.id == Payment.account_id)
        .order_by(Payment.received_date.desc(), Payment.id.desc())
        .limit(limit)
    )
    return [(PaymentLine(*row[:7]), row[7]) for row in session.execute(query)]
