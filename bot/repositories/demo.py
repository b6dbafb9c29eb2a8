"""Lookups the demo loader needs after the CSV import."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import Account, AuditEvent, ContactPreference, Invoice


def account_ids(session: Session, numbers: Sequence[str]) -> dict[str, int]:
    """Account id by account number."""
    query = select(Account.account_number, Account.id).where(Account.account_number.in_(numbers))
    return {number: id_ for number, id_ in session.execute(query)}


def invoice_ids(session: Session, numbers: Sequence[str]) -> dict[str, int]:
    """Invoice id by invoice number."""
    if not numbers:
        return {}
    query = select(Invoice.invoice_number, Invoice.id).where(Invoice.invoice_number.in_(numbers))
    return {number: id_ for number, id_ in session.execute(query)}


def set_preferences(
    session: Session, account_id: int, *, sms_opt_out: bool, telegram_opt_out: bool, cease: bool
) -> None:
    """Sets the opt-outs and cease flag the import left at their defaults."""
    session.execute(
        update(ContactPreference)
        .where(ContactPreference.account_id == account_id)
        .values(sms_opt_out=sms_opt_out, telegram_opt_out=telegram_opt_out, cease=cease)
    )


def portfolio_loaded(session: Session) -> bool:
    """True when ``arbot demo`` loaded its portfolio into this database (it audits that)."""
    query = select(AuditEvent.id).where(
        AuditEvent.entity == "demo", AuditEvent.entity_id == "portfolio"
    )
    return session.scalar(query.limit(1)) is not None
