"""Promises to pay."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Promise


def pending(session: Session, account_id: int) -> Promise | None:
    """The account's pending promise (there is at most one), newest first if not."""
    query = (
        select(Promise)
        .where(Promise.account_id == account_id, Promise.status == "pending")
        .order_by(Promise.created_at.desc(), Promise.id.desc())
        .limit(1)
    )
    return session.scalar(query)
