"""Queries about one account and what hangs off it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.db.models import (
    Account,
    Contact,
    ContactPreference,
    Dispute,
    Escalation,
    Invoice,
    PaymentPlan,
    Promise,
)


def by_number(session: Session, account_number: str) -> Account | None:
    """The account with this number, or None."""
    return session.scalar(select(Account).where(Account.account_number == account_number))


def count(session: Session) -> int:
    """How many accounts the database holds."""
    return session.scalar(select(func.count()).select_from(Account)) or 0


def invoices(session: Session, account_id: int) -> Sequence[Invoice]:
    """Every invoice of the account, oldest due first."""
    query = (
        select(Invoice)
        .where(Invoice.account_id == account_id)
        .order_by(Invoice.due_date, Invoice.invoice_number)
    )
    return session.scalars(query).all()


def open_dispute_invoice_ids(session: Session, account_id: int) -> set[int]:
    """Ids of the account's invoices that are on hold by an open dispute."""
    query = select(Dispute.invoice_id).where(
        Dispute.account_id == account_id, Dispute.status == "open"
    )
    return set(session.scalars(query))


def promises(session: Session, account_id: int) -> Sequence[Promise]:
    """The account's promises, newest first."""
    query = (
        select(Promise)
        .where(Promise.account_id == account_id)
        .order_by(Promise.created_at.desc(), Promise.id.desc())
    )
    return session.scalars(query).all()


def plans(session: Session, account_id: int) -> Sequence[PaymentPlan]:
    """The account's payment plans with their installments, newest first."""
    query = (
        select(PaymentPlan)
        .where(PaymentPlan.account_id == account_id)
        .options(selectinload(PaymentPlan.installments))
        .order_by(PaymentPlan.created_at.desc(), PaymentPlan.id.desc())
    )
    return session.scalars(query).all()


def disputes(session: Session, account_id: int) -> Sequence[tuple[Dispute, str]]:
    """The account's disputes with the number of the invoice each concerns."""
    query = (
        select(Dispute, Invoice.invoice_number)
        .join(Invoice, Invoice.id == Dispute.invoice_id)
        .where(Dispute.account_id == account_id)
        .order_by(Dispute.created_at, Dispute.id)
    )
    return [(dispute, number) for dispute, number in session.execute(query)]


def escalations(session: Session, account_id: int) -> Sequence[Escalation]:
    """The account's escalations, newest first."""
    query = (
        select(Escalation)
        .where(Escalation.account_id == account_id)
        .order_by(Escalation.created_at.desc(), Escalation.id.desc())
    )
    return session.scalars(query).all()


def contacts(session: Session, account_id: int) -> Sequence[Contact]:
    """The account's phone, Telegram chat and e-mail."""
    query = select(Contact).where(Contact.account_id == account_id).order_by(Contact.channel)
    return session.scalars(query).all()


def preferences(session: Session, account_id: int) -> ContactPreference | None:
    """The account's consent and opt-outs, if recorded."""
    return session.get(ContactPreference, account_id)
