"""Invoices of one account as the conversation flows see them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Invoice


def of_account(session: Session, account_id: int, invoice_number: str) -> Invoice | None:
    """The account's invoice with this number (another account's is not found)."""
    query = select(Invoice).where(
        Invoice.account_id == account_id, Invoice.invoice_number == invoice_number
    )
    return session.scalar(query)


def open_of_account(session: Session, account_id: int) -> Sequence[Invoice]:
    """The account's invoices with money open on them, oldest due first."""
    query = (
        select(Invoice)
        .where(Invoice.account_id == account_id, Invoice.open_amount > 0)
        .order_by(Invoice.due_date, Invoice.invoice_number)
    )
    return session.scalars(query).all()


def currency_of(session: Session, account_id: int) -> str:
    """The currency the account is billed in (its newest invoice's; USD without any)."""
    query = (
        select(Invoice.currency)
        .where(Invoice.account_id == account_id)
        .order_by(Invoice.issue_date.desc(), Invoice.id.desc())
        .limit(1)
    )
    return session.scalar(query) or "USD"
