"""Write-offs (SPEC §12): the candidates, in one statement, and the proposals.

A candidate is an undisputed invoice with money open more than the write-off days past
due, on an account with no payment in the quiet days, no pending promise and no active
plan, and not already proposed or written off. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from bot.db.models import (
    Account,
    Credit,
    Dispute,
    Invoice,
    Payment,
    PaymentPlan,
    Promise,
    User,
    WriteOff,
)
from bot.repositories.ledger import member_of

#: write-offs that stand: a proposal waiting, or one approved
STANDING = ("proposed", "approved")
#: the ``reason`` of the negative credit that reinstates a written-off amount a payment
#: recovers
RECOVERY_REASON = "write_off_recovery"


@dataclass(frozen=True)
class Candidate:
    invoice_id: int
    invoice_number: str
    account_number: str
    due_date: date
    open_amount: Decimal


@dataclass(frozen=True)
class WriteOffRow:
    id: int
    invoice_number: str
    account_number: str
    amount: Decimal
    status: str
    proposed_by: str | None
    proposed_at: datetime
    decided_by: str | None
    decided_at: datetime | None


def candidates(
    session: Session, today: date, days: int, quiet_days: int, invoice_id: int | None = None
) -> list[Candidate]:
    """The invoices that may be written off on ``today``, oldest due first."""
    account = Invoice.account_id
    conditions = [
        Invoice.open_amount > 0,
        Invoice.due_date < today - timedelta(days=days),
        ~exists().where(Dispute.invoice_id == Invoice.id, Dispute.status == "open"),
        ~exists().where(
            Payment.account_id == account,
            Payment.amount > 0,
            Payment.received_date > today - timedelta(days=quiet_days),
        ),
        ~exists().where(Promise.account_id == account, Promise.status == "pending"),
        ~exists().where(PaymentPlan.account_id == account, PaymentPlan.status == "active"),
        ~exists().where(WriteOff.invoice_id == Invoice.id, WriteOff.status.in_(STANDING)),
    ]
    if invoice_id is not None:
        conditions.append(Invoice.id == invoice_id)
    query = (
        select(
            Invoice.id,
            Invoice.invoice_number,
            Account.account_number,
            Invoice.due_date,
            Invoice.open_amount,
        )
        .join(Account, Account.id == Invoice.account_id)
        .where(*conditions)
        .order_by(Invoice.due_date, Invoice.invoice_number)
    )
    return [Candidate(*row) for row in session.execute(query)]


def listing(
    session: Session, limit: int = 500, write_off_id: int | None = None
) -> list[WriteOffRow]:
    """Write-offs, the proposals waiting first, then the newest (or the one asked for)."""
    proposer, decider = aliased(User), aliased(User)
    query = (
        select(
            WriteOff.id,
            Invoice.invoice_number,
            Account.account_number,
            WriteOff.amount,
            WriteOff.status,
            proposer.email,
            WriteOff.proposed_at,
            decider.email,
            WriteOff.decided_at,
        )
        .join(Invoice, Invoice.id == WriteOff.invoice_id)
        .join(Account, Account.id == Invoice.account_id)
        .outerjoin(proposer, proposer.id == WriteOff.proposed_by)
        .outerjoin(decider, decider.id == WriteOff.decided_by)
        .order_by((WriteOff.status != "proposed"), WriteOff.proposed_at.desc(), WriteOff.id)
        .limit(limit)
    )
    if write_off_id is not None:
        query = query.where(WriteOff.id == write_off_id)
    return [WriteOffRow(*row) for row in session.execute(query)]


def locked(session: Session, write_off_id: int) -> WriteOff | None:
    """The write-off, locked so two decisions on it queue up."""
    query = select(WriteOff).where(WriteOff.id == write_off_id).with_for_update()
    return session.scalars(query).first()


def approved_on(session: Session, invoice_id: int) -> WriteOff | None:
    """The approved write-off of an invoice, if any."""
    query = select(WriteOff).where(WriteOff.invoice_id == invoice_id, WriteOff.status == "approved")
    return session.scalars(query).first()


@dataclass(frozen=True)
class WrittenOff:
    """An invoice written off, with what is left to recover on it."""

    invoice_id: int
    invoice_number: str
    account_id: int
    write_off_id: int
    recoverable: Decimal


def written_off(session: Session, numbers: list[str]) -> dict[str, WrittenOff]:
    """The invoices among ``numbers`` with an approved write-off not yet fully recovered."""
    recovered = (
        select(func.coalesce(func.sum(-Credit.amount), 0))
        .where(Credit.invoice_id == Invoice.id, Credit.reason == RECOVERY_REASON)
        .correlate(Invoice)
        .scalar_subquery()
    )
    found: dict[str, WrittenOff] = {}
    for condition in member_of(session, Invoice.invoice_number, numbers):
        query = (
            select(
                Invoice.id, Invoice.invoice_number, Invoice.account_id, WriteOff.id,
                WriteOff.amount - recovered,
            )
            .join(WriteOff, WriteOff.invoice_id == Invoice.id)
            .where(condition, WriteOff.status == "approved")
        )  # fmt: skip
        for row in session.execute(query):
            if row[4] > 0:
                found[row[1]] = WrittenOff(*row)
    return found
