"""The collectors' escalation queue as the console lists it: one query, whatever its length.

Each active escalation comes with what a collector sorts by — the past-due amount of its
account and the due date of the account's oldest past-due invoice (disputed invoices are
on hold and count for neither, as in the balance flow) — and with who owns it and when
the customer last wrote. Priority: the most past due first, then the longest late, then
the oldest case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, exists, func, select
from sqlalchemy.orm import Session

from bot.db.models import Account, CreditHold, Dispute, Escalation, Invoice, Message, User
from bot.db.types import as_decimal
from bot.repositories.escalations import ACTIVE

#: which escalations a collector asks for (``on_hold``: accounts on credit hold, SPEC §12)
VIEWS = ("mine", "unclaimed", "all", "on_hold")


@dataclass(frozen=True)
class QueueRecord:
    """One row of the queue as stored; days late are the service's to compute."""

    id: int
    reason: str
    status: str
    assigned_to: int | None
    collector_email: str | None
    account_id: int | None
    account_number: str | None
    account_name: str | None
    past_due: Decimal
    oldest_past_due: date | None
    channel: str | None
    conversation_id: int | None
    created_at: datetime
    last_customer_message_at: datetime | None
    named_account: str | None = None
    #: the stored handoff summary (JSON text), whose ``line`` the queue shows
    summary: str | None = None


def _past_due(today: date) -> Subquery:
    """Past-due amount and oldest past-due due date per account with an active case."""
    on_hold = exists().where(Dispute.invoice_id == Invoice.id, Dispute.status == "open")
    queued = select(Escalation.account_id).where(Escalation.status.in_(ACTIVE))
    return (
        select(
            Invoice.account_id.label("account_id"),
            func.sum(Invoice.open_amount).label("past_due"),
            func.min(Invoice.due_date).label("oldest_due"),
        )
        .where(
            Invoice.account_id.in_(queued),
            Invoice.open_amount > 0,
            Invoice.due_date < today,
            ~on_hold,
        )
        .group_by(Invoice.account_id)
        .subquery("past_due")
    )


def _last_customer_message() -> ColumnElement[datetime]:
    return (
        select(func.max(Message.created_at))
        .where(Message.conversation_id == Escalation.conversation_id, Message.direction == "in")
        .correlate(Escalation)
        .scalar_subquery()
    )


def _filtered(query: Select[Any], view: str, user_id: int) -> Select[Any]:
    if view == "mine":
        return query.where(Escalation.status == "claimed", Escalation.assigned_to == user_id)
    if view == "unclaimed":
        return query.where(Escalation.status == "open")
    if view == "on_hold":
        held = exists().where(
            CreditHold.account_id == Escalation.account_id, CreditHold.released_at.is_(None)
        )
        return query.where(Escalation.status.in_(ACTIVE), held)
    return query.where(Escalation.status.in_(ACTIVE))


def queue(session: Session, *, view: str, user_id: int, today: date) -> Sequence[QueueRecord]:
    """The active escalations in ``view`` (one of :data:`VIEWS`), highest priority first.

    ``mine`` is what ``user_id`` has claimed, ``unclaimed`` what nobody has, ``all`` both
    kinds, ``on_hold`` those of accounts on credit hold. Past due means due before ``today``.
    """
    due = _past_due(today)
    query = (
        select(
            Escalation.id,
            Escalation.reason,
            Escalation.status,
            Escalation.assigned_to,
            User.email,
            Escalation.account_id,
            Account.account_number,
            Account.name,
            due.c.past_due,
            due.c.oldest_due,
            Escalation.channel,
            Escalation.conversation_id,
            Escalation.created_at,
            _last_customer_message().label("last_in"),
            Escalation.named_account,
            Escalation.summary,
        )
        .outerjoin(User, User.id == Escalation.assigned_to)
        .outerjoin(Account, Account.id == Escalation.account_id)
        .outerjoin(due, due.c.account_id == Escalation.account_id)
        .order_by(
            func.coalesce(due.c.past_due, 0).desc(),
            due.c.oldest_due.is_(None),
            due.c.oldest_due,
            Escalation.created_at,
            Escalation.id,
        )
    )
    rows = session.execute(_filtered(query, view, user_id))
    return [
        QueueRecord(
            id=row.id,
            reason=row.reason,
            status=row.status,
            assigned_to=row.assigned_to,
            collector_email=row.email,
            account_id=row.account_id,
            account_number=row.account_number,
            account_name=row.name,
            past_due=as_decimal(row.past_due),
            oldest_past_due=row.oldest_due,
            channel=row.channel,
            conversation_id=row.conversation_id,
            created_at=row.created_at,
            last_customer_message_at=row.last_in,
            named_account=row.named_account,
            summary=row.summary,
        )
        for row in rows
    ]
