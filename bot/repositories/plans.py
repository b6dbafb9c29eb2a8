"""Payment plans."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import PaymentPlan

#: plans that are in force or waiting for a collector: an account has at most one
CURRENT = ("pending_approval", "active")


def current(session: Session, account_id: int) -> PaymentPlan | None:
    """The account's active or pending plan, if any."""
    query = (
        select(PaymentPlan)
        .where(PaymentPlan.account_id == account_id, PaymentPlan.status.in_(CURRENT))
        .order_by(PaymentPlan.id.desc())
        .limit(1)
    )
    return session.scalar(query)
