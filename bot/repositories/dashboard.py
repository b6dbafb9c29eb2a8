"""SQL aggregates behind the manager dashboard (SPEC §8, issue 6 point 4).

Each function is one ``GROUP BY`` (or one correlated query), so the dashboard costs the
same fixed number of queries whatever the size of the portfolio. A period's timestamps are
the UTC days [start 00:00, end + 1 00:00), as in
:func:`bot.repositories.reports.conversation_counts`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import ColumnElement, Row, and_, case, func, or_, select
from sqlalchemy.orm import Session

from bot.db.models import (
    Account,
    AuditEvent,
    ContactAttempt,
    ContactPreference,
    Escalation,
    Message,
    Promise,
    User,
)
from bot.db.types import as_decimal
from bot.policy.compliance import PromiseCount
from bot.repositories.escalations import ACTIVE

#: the audit actions that change what a customer agreed to receive
PREFERENCE_ACTIONS = ("opt_out", "opt_in", "cease")


def utc_span(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants [start 00:00 UTC, end + 1 day 00:00 UTC) of a period of days."""
    since = datetime.combine(start, time(), timezone.utc)
    return since, datetime.combine(end + timedelta(days=1), time(), timezone.utc)


def promise_counts(session: Session, start: date, end: date) -> list[PromiseCount]:
    """Promises dated in [start, end], counted per date, channel, taker and status."""
    query = (
        select(
            Promise.due_date,
            Promise.channel,
            Promise.taken_by,
            Promise.status,
            func.count(),
            func.sum(Promise.amount),
            func.sum(Promise.amount_collected),
        )
        .where(Promise.due_date.between(start, end))
        .group_by(Promise.due_date, Promise.channel, Promise.taken_by, Promise.status)
    )
    return [
        PromiseCount(day, channel, taker, status, int(n), as_decimal(amount), as_decimal(paid))
        for day, channel, taker, status, n, amount, paid in session.execute(query)
    ]


@dataclass(frozen=True)
class BrokenPromise:
    """A broken promise a collector should follow up."""

    promise_id: int
    account_number: str
    account_name: str
    amount: Decimal
    amount_collected: Decimal
    due_date: date
    channel: str
    taken_by: str
    collector_email: str | None
    open_escalation_id: int | None


def broken_promises(session: Session, start: date, end: date) -> list[BrokenPromise]:
    """Broken promises dated in [start, end], oldest first, with the account's open escalation."""
    open_escalation = (
        select(func.min(Escalation.id))
        .where(Escalation.account_id == Promise.account_id, Escalation.status.in_(ACTIVE))
        .scalar_subquery()
    )
    query = (
        select(
            Promise.id,
            Account.account_number,
            Account.name,
            Promise.amount,
            Promise.amount_collected,
            Promise.due_date,
            Promise.channel,
            Promise.taken_by,
            User.email,
            open_escalation,
        )
        .join(Account, Account.id == Promise.account_id)
        .outerjoin(User, User.id == Promise.collector_id)
        .where(Promise.status == "broken", Promise.due_date.between(start, end))
        .order_by(Promise.due_date, Promise.id)
    )
    return [BrokenPromise(*row) for row in session.execute(query)]


def preference_changes(
    session: Session, start: date, end: date
) -> Sequence[Row[tuple[str, str, int, int]]]:
    """Audited opt-outs, opt-ins and ceases in the period: (action, detail JSON, events,
    distinct accounts) per action and detail (the detail names the channel)."""
    since, until = utc_span(start, end)
    query = (
        select(
            AuditEvent.action,
            AuditEvent.detail,
            func.count(),
            func.count(func.distinct(AuditEvent.entity_id)),
        )
        .where(
            AuditEvent.entity == "contact_preference",
            AuditEvent.action.in_(PREFERENCE_ACTIONS),
            AuditEvent.at >= since,
            AuditEvent.at < until,
        )
        .group_by(AuditEvent.action, AuditEvent.detail)
    )
    return session.execute(query).all()


def opted_out_now(session: Session) -> dict[str, int]:
    """How many accounts stand opted out of SMS, of Telegram, and ceased, today."""
    query = select(
        *(
            func.sum(case((flag.is_(True), 1), else_=0))
            for flag in (
                ContactPreference.sms_opt_out,
                ContactPreference.telegram_opt_out,
                ContactPreference.cease,
            )
        )
    )
    sms, telegram, cease = session.execute(query).one()
    return {"sms": int(sms or 0), "telegram": int(telegram or 0), "cease": int(cease or 0)}


def contact_attempts(
    session: Session, start: date, end: date
) -> list[tuple[str, str | None, str | None, int]]:
    """Reminder attempts logged in the period per (status, delivery outcome, hold reason).

    The outcome is the latest delivery status of the message sent (provider callbacks update
    the message), else the one stored on the attempt.
    """
    since, until = utc_span(start, end)
    outcome = func.coalesce(Message.delivery_status, ContactAttempt.delivery_status)
    query = (
        select(ContactAttempt.status, outcome, ContactAttempt.reason, func.count())
        .outerjoin(Message, Message.id == ContactAttempt.message_id)
        .where(ContactAttempt.created_at >= since, ContactAttempt.created_at < until)
        .group_by(ContactAttempt.status, outcome, ContactAttempt.reason)
    )
    return [(status, out, reason, int(n)) for status, out, reason, n in session.execute(query)]


def _resolved_in(start: date, end: date) -> list[ColumnElement[bool]]:
    since, until = utc_span(start, end)
    return [
        Escalation.status == "resolved",
        Escalation.assigned_to.is_not(None),
        Escalation.resolved_at >= since,
        Escalation.resolved_at < until,
    ]


def escalations_handled(session: Session, start: date, end: date) -> dict[int, int]:
    """Escalations resolved in the period, per collector they were assigned to."""
    query = (
        select(Escalation.assigned_to, func.count())
        .where(*_resolved_in(start, end))
        .group_by(Escalation.assigned_to)
    )
    return {int(user): int(n) for user, n in session.execute(query)}


def first_replies(
    session: Session, start: date, end: date
) -> Sequence[Row[tuple[int, datetime, datetime]]]:
    """(collector, claimed at, first reply at) of each escalation resolved in the period
    that a collector answered: the first outbound collector message in its conversation
    between the claim and the resolution."""
    first = (
        select(func.min(Message.created_at))
        .where(
            Message.conversation_id == Escalation.conversation_id,
            Message.direction == "out",
            Message.author == "collector",
            Message.created_at >= Escalation.claimed_at,
            Message.created_at <= Escalation.resolved_at,
        )
        .scalar_subquery()
    )
    inner = (
        select(
            Escalation.assigned_to.label("user_id"),
            Escalation.claimed_at.label("claimed_at"),
            first.label("replied_at"),
        )
        .where(*_resolved_in(start, end), Escalation.claimed_at.is_not(None))
        .subquery()
    )
    query = select(inner.c.user_id, inner.c.claimed_at, inner.c.replied_at).where(
        inner.c.replied_at.is_not(None)
    )
    return session.execute(query).all()


def collector_promises(session: Session, start: date, end: date) -> dict[int, dict[str, int]]:
    """Promises dated in the period that a named collector took, per collector and status."""
    query = (
        select(Promise.collector_id, Promise.status, func.count())
        .where(Promise.collector_id.is_not(None), Promise.due_date.between(start, end))
        .group_by(Promise.collector_id, Promise.status)
    )
    counts: dict[int, dict[str, int]] = {}
    for user, status, n in session.execute(query):
        counts.setdefault(int(user), {})[status] = int(n)
    return counts


def collectors(session: Session, ids: Collection[int]) -> dict[int, str]:
    """E-mail of each active collector, and of every user in ``ids``, by user id."""
    condition = and_(User.role == "collector", User.active.is_(True))
    if ids:
        condition = or_(condition, User.id.in_(list(ids)))
    query = select(User.id, User.email).where(condition).order_by(User.email)
    return {int(user): email for user, email in session.execute(query)}
