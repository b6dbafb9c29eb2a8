"""The credit report's sums (SPEC §12): holds on a day, write-offs and finance charges.

One aggregate statement; the aging comes from :mod:`bot.repositories.reports`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.db.models import Credit, CreditHold, Invoice, WriteOff
from bot.db.types import as_decimal

#: the ``reason`` of a write-off credit, and of a waived finance charge
WRITE_OFF_REASON = "write_off"
WAIVER_REASON = "finance_charge_waiver"
#: finance-charge invoices are numbered ``FC-{account_number}-{YYYYMM}``
FINANCE_CHARGE_PREFIX = "FC-"


@dataclass(frozen=True)
class CreditSums:
    """The credit report's figures besides the aging."""

    holds: int
    proposed: int
    written_off: Decimal
    charges_posted: Decimal
    charges_waived: Decimal
    invoiced: Decimal


def credit_sums(session: Session, as_of: date, start: date, end: date) -> CreditSums:
    """Holds at the end of ``as_of`` (UTC), write-off proposals waiting (made by then) and
    the flows of [start, end], in one statement.

    ``invoiced`` counts every invoice issued in the period, finance charges included.
    """
    day_end = datetime.combine(as_of + timedelta(days=1), time(), timezone.utc)
    holds = (
        select(func.count())
        .select_from(CreditHold)
        .where(
            CreditHold.started_at < day_end,
            or_(CreditHold.released_at.is_(None), CreditHold.released_at >= day_end),
        )
        .scalar_subquery()
    )

    def credited(reason: str) -> Any:
        return (
            select(func.sum(Credit.amount))
            .where(Credit.reason == reason, Credit.credit_date.between(start, end))
            .scalar_subquery()
        )

    issued = Invoice.issue_date.between(start, end)
    charges = (
        select(func.sum(Invoice.amount))
        .where(issued, Invoice.invoice_number.startswith(FINANCE_CHARGE_PREFIX))
        .scalar_subquery()
    )
    sales = select(func.sum(Invoice.amount)).where(issued).scalar_subquery()
    waiting = (
        select(func.count())
        .select_from(WriteOff)
        .where(WriteOff.status == "proposed", WriteOff.proposed_at < day_end)
        .scalar_subquery()
    )
    row = session.execute(
        select(holds, waiting, credited(WRITE_OFF_REASON), charges, credited(WAIVER_REASON), sales)
    ).one()
    return CreditSums(int(row[0] or 0), int(row[1] or 0), *(as_decimal(v) for v in row[2:]))
