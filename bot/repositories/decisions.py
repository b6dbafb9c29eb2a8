"""What waits for a collector's decision: open disputes and plans pending approval."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.db.models import Account, Dispute, Invoice, PaymentPlan


@dataclass(frozen=True)
class OpenDispute:
    """An open dispute with its account and the invoice it holds."""

    id: int
    reference: str
    account_number: str
    account_name: str
    invoice_number: str
    invoice_amount: Decimal
    open_amount: Decimal
    due_date: date
    reason: str
    description: str
    created_at: datetime


def open_disputes(session: Session) -> list[OpenDispute]:
    """Every open dispute, oldest first (one query)."""
    query = (
        select(
            Dispute.id,
            Dispute.reference,
            Account.account_number,
            Account.name,
            Invoice.invoice_number,
            Invoice.amount,
            Invoice.open_amount,
            Invoice.due_date,
            Dispute.reason,
            Dispute.description,
            Dispute.created_at,
        )
        .join(Account, Account.id == Dispute.account_id)
        .join(Invoice, Invoice.id == Dispute.invoice_id)
        .where(Dispute.status == "open")
        .order_by(Dispute.created_at, Dispute.id)
    )
    return [OpenDispute(*row) for row in session.execute(query)]


def pending_plans(session: Session) -> Sequence[tuple[PaymentPlan, str, str]]:
    """Plans waiting for approval with their account's number and name, oldest first
    (installments loaded with one more query)."""
    query = (
        select(PaymentPlan, Account.account_number, Account.name)
        .join(Account, Account.id == PaymentPlan.account_id)
        .where(PaymentPlan.status == "pending_approval")
        .options(selectinload(PaymentPlan.installments))
        .order_by(PaymentPlan.created_at, PaymentPlan.id)
    )
    return [(plan, number, name) for plan, number, name in session.execute(query)]


def dispute(session: Session, dispute_id: int, *, lock: bool = False) -> Dispute | None:
    """The dispute with this id; ``lock`` holds its row until the transaction ends."""
    return session.get(Dispute, dispute_id, with_for_update=lock)


def plan(session: Session, plan_id: int, *, lock: bool = False) -> PaymentPlan | None:
    """The plan with this id; ``lock`` holds its row until the transaction ends."""
    return session.get(PaymentPlan, plan_id, with_for_update=lock)


def invoice(session: Session, invoice_id: int, *, lock: bool = False) -> Invoice | None:
    """The invoice with this id; ``lock`` holds its row until the transaction ends."""
    return session.get(Invoice, invoice_id, with_for_update=lock)


def open_disputes_of_account(session: Session, account_id: int) -> int:
    """How many of the account's disputes are still open."""
    query = select(func.count()).where(Dispute.account_id == account_id, Dispute.status == "open")
    return session.scalar(query) or 0
