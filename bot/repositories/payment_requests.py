"""Queries of paying in the chat: payment requests, Stripe events handled, reversals.

Nothing here commits: :mod:`bot.payments` owns the transactions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Integer, String, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.models import (
    Account,
    Contact,
    ContactPreference,
    Conversation,
    Installment,
    Invoice,
    Payment,
    PaymentApplication,
    PaymentPlan,
    PaymentRequest,
    PaymentReversal,
    Promise,
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
    statement = _claiming(session.get_bind().dialect.name)
    values = {"id": event_id, "type": event_type[:64], "received_at": now}
    return session.execute(statement, values).first() is not None


@cache
def _claiming(dialect: str) -> Any:
    """:func:`claim_event`'s statement, built once per process and dialect (values bound
    by column name at execution)."""
    module = postgresql if dialect == "postgresql" else sqlite
    events = table(StripeEvent)
    return (
        module.insert(events).on_conflict_do_nothing(index_elements=["id"]).returning(events.c.id)
    )


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


# --- the webhook's hot path: one statement per question, Core, no ORM loading -----------


@dataclass(frozen=True)
class PayingRequest:
    """A payment request with its account, as recording a payment needs them, and what
    else the payment may touch (so nothing is asked about what the account does not have)."""

    id: int
    status: str
    purpose: str
    target: str | None
    account_id: int
    account_number: str
    timezone: str | None
    consumer: bool
    recorded: bool  # a payment with this PaymentIntent exists already
    reversals_waiting: bool
    pending_promise: bool
    active_plan: bool


def lock_paying(session: Session, request_id: int, intent: str) -> PayingRequest | None:
    """The request and its account, both rows held (``FOR UPDATE``) until the end of the
    transaction, in one statement: two events of one payment, or two payments of one
    account, are applied one after the other."""
    values = {"request_id": request_id, "intent": intent}
    row = session.execute(_locking_paying(), values).first()
    return None if row is None else PayingRequest(*row)


@cache
def _locking_paying() -> Any:
    """:func:`lock_paying`'s statement, built once per process (every paid webhook event
    runs it): ``request_id`` and ``intent`` bound at execution."""
    intent = bindparam("intent", type_=String())
    pending = (
        select(Promise.id)
        .where(Promise.account_id == Account.id, Promise.status == "pending")
        .exists()
    )
    plan = (
        select(PaymentPlan.id)
        .where(PaymentPlan.account_id == Account.id, PaymentPlan.status == "active")
        .exists()
    )
    return (
        select(
            PaymentRequest.id,
            PaymentRequest.status,
            PaymentRequest.purpose,
            PaymentRequest.target,
            Account.id,
            Account.account_number,
            Account.timezone,
            Account.consumer,
            select(Payment.id).where(Payment.payment_id == intent).exists(),
            select(PaymentReversal.id)
            .where(
                PaymentReversal.payment_intent == intent,
                PaymentReversal.reversal_payment_id.is_(None),
            )
            .exists(),
            pending,
            plan,
        )
        .join(Account, Account.id == PaymentRequest.account_id)
        .where(PaymentRequest.id == bindparam("request_id", type_=Integer()))
        .with_for_update(of=[table(PaymentRequest), table(Account)])
    )


def mark_paid(session: Session, request_id: int, intent: str, now: datetime) -> None:
    """The request is paid by ``intent``."""
    values = {"request_id": request_id, "paid_by": intent, "paid_at": now}
    session.execute(_marking_paid(), values)


@cache
def _marking_paid() -> Any:
    """:func:`mark_paid`'s statement, built once per process (every paid event runs it)."""
    requests = table(PaymentRequest)
    return (
        update(requests)
        .where(requests.c.id == bindparam("request_id", type_=Integer()))
        .values(
            status="paid",
            payment_intent=bindparam("paid_by", type_=String()),
            updated_at=bindparam("paid_at", type_=requests.c.updated_at.type),
        )
    )


@dataclass(frozen=True)
class Reach:
    """Where the account can be told something: its latest open conversation, its
    contacts and consent, and the currency it is billed in."""

    conversation_channel: str | None
    conversation_sender: str | None
    sms: str | None
    telegram: str | None
    sms_consent: bool
    sms_opt_out: bool
    telegram_opt_out: bool
    cease: bool
    currency: str
    #: the account's language (SPEC §14)
    language: str = "en"


def reach(session: Session, account_id: int) -> Reach:
    """:class:`Reach` of the account, in one statement."""
    row = session.execute(_reaching(), {"account_id": account_id}).one()
    return Reach(
        row[0], row[1], row[2], row[3], bool(row[4]), bool(row[5]), bool(row[6]), bool(row[7]),
        row[8] or "USD", row[9] or "en",
    )  # fmt: skip


@cache
def _reaching() -> Any:
    """:func:`reach`'s statement, built once per process (every receipt runs it):
    ``account_id`` bound at execution."""
    account_id = bindparam("account_id", type_=Integer())
    latest = (
        select(Conversation.channel, Conversation.sender)
        .where(Conversation.account_id == account_id, Conversation.ended_at.is_(None))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(1)
    )

    def contact(channel: str) -> Any:
        return (
            select(Contact.address)
            .where(Contact.account_id == account_id, Contact.channel == channel)
            .scalar_subquery()
        )

    def preference(column: Any) -> Any:
        return select(column).where(ContactPreference.account_id == account_id).scalar_subquery()

    currency = (
        select(Invoice.currency)
        .where(Invoice.account_id == account_id)
        .order_by(Invoice.issue_date.desc(), Invoice.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return select(
        latest.with_only_columns(Conversation.channel).scalar_subquery(),
        latest.with_only_columns(Conversation.sender).scalar_subquery(),
        contact("sms"),
        contact("telegram"),
        preference(ContactPreference.sms_consent),
        preference(ContactPreference.sms_opt_out),
        preference(ContactPreference.telegram_opt_out),
        preference(ContactPreference.cease),
        currency,
        select(Account.language).where(Account.id == account_id).scalar_subquery(),
    )
