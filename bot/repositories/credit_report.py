"""The credit report's sums (SPEC §12): holds on a day, write-offs and finance charges.

Each is one aggregate statement; the aging comes from :mod:`bot.repositories.reports`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.db.models import Credit, CreditHold, Invoice
from bot.db.types import as_decimal

#: the ``reason`` of a write-off credit, and of a waived finance charge
WRITE_OFF_REASON = "write_off"
WAIVER_REASON = "finance_charge_waiver"
#: finance-charge invoices are numbered ``FC-{account_number}-{YYYYMM}``
FINANCE_CHARGE_PREFIX = "FC-"


def holds_on(session: Session, day: date) -> int:
    """Accounts on hold at the end of ``day`` (UTC)."""
    end = datetime.combine(day + timedelta(days=1), time(), timezone.utc)
    query = select(func.count()).where(
        CreditHold.started_at < end,
        or_(CreditHold.released_at.is_(None), CreditHold.released_at >= end),
    )
    return int(session.execute(query).scalar_one())


def credits_with_reason(session: Session, reason: str, start: date, end: date) -> Decimal:
    """The credits of ``reason`` dated in [start, end]."""
    query = select(func.sum(Credit.amount)).where(
        Credit.reason == reason, Credit.credit_date.between(start, end)
    )
    return as_decimal(session.execute(query).scalar_one())


def invoiced(session: Session, start: date, end: date, *, finance_charges: bool) -> Decimal:
    """Invoices issued in [start, end]: finance charges only, or every invoice."""
    query = select(func.sum(Invoice.amount)).where(Invoice.issue_date.between(start, end))
    if finance_charges:
        query = query.where(Invoice.invoice_number.startswith(FINANCE_CHARGE_PREFIX))
    return as_decimal(session.execute(query).scalar_one())
