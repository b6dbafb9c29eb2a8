"""SQL aggregates behind the reports (SPEC §8): AR as of a day, aging, sales, promises.

Everything is summed in the database, so a report over a million invoices is one or two
queries rather than a Python loop. "As of D" means invoices issued on or before D, less the
payments received and the credits dated on or before D.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import Row, Subquery, and_, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.db.models import (
    Account,
    Conversation,
    Credit,
    Invoice,
    Payment,
    PaymentApplication,
    Promise,
)
from bot.db.types import as_decimal
from bot.policy.aging import BUCKET_BOUNDS


def _applied_as_of(day: date) -> Subquery:
    return (
        select(
            PaymentApplication.invoice_id.label("invoice_id"),
            func.sum(PaymentApplication.amount).label("total"),
        )
        .join(Payment, Payment.id == PaymentApplication.payment_id)
        .where(Payment.received_date <= day)
        .group_by(PaymentApplication.invoice_id)
        .subquery("applied")
    )


def _credited_as_of(day: date) -> Subquery:
    return (
        select(Credit.invoice_id.label("invoice_id"), func.sum(Credit.amount).label("total"))
        .where(Credit.credit_date <= day)
        .group_by(Credit.invoice_id)
        .subquery("credited")
    )


def _open_as_of(day: date) -> tuple[ColumnElement[Decimal], Subquery, Subquery]:
    applied, credited = _applied_as_of(day), _credited_as_of(day)
    open_amount = (
        Invoice.amount - func.coalesce(applied.c.total, 0) - func.coalesce(credited.c.total, 0)
    )
    return open_amount, applied, credited


def _bucket(day: date) -> ColumnElement[str]:
    """CASE expression naming the aging bucket of Invoice.due_date on ``day``.

    Days past due = day − due_date; compared as dates so the query stays portable and can
    use the due-date index.
    """
    whens = []
    for name, low, high in BUCKET_BOUNDS:
        conditions = []
        if low is not None:  # days >= low  <=>  due_date <= day - low
            conditions.append(Invoice.due_date <= day - timedelta(days=low))
        if high is not None:  # days <= high  <=>  due_date >= day - high
            conditions.append(Invoice.due_date >= day - timedelta(days=high))
        whens.append((and_(*conditions), name))
    return case(*whens, else_=BUCKET_BOUNDS[-1][0])


def aging_buckets(session: Session, day: date) -> dict[str, Decimal]:
    """Open amount per aging bucket as of ``day`` (buckets with nothing are left out)."""
    open_amount, applied, credited = _open_as_of(day)
    bucket = _bucket(day).label("bucket")
    inner = (
        select(bucket, open_amount.label("open_amount"))
        .outerjoin(applied, applied.c.invoice_id == Invoice.id)
        .outerjoin(credited, credited.c.invoice_id == Invoice.id)
        .where(Invoice.issue_date <= day)
        .subquery()
    )
    query = select(inner.c.bucket, func.sum(inner.c.open_amount)).group_by(inner.c.bucket)
    return {name: as_decimal(total) for name, total in session.execute(query)}


def receivables(session: Session, day: date) -> tuple[Decimal, Decimal]:
    """(AR, current AR) as of ``day``; current = not past due on that day."""
    open_amount, applied, credited = _open_as_of(day)
    current = case((Invoice.due_date >= day, open_amount), else_=0)
    query = (
        select(func.sum(open_amount), func.sum(current))
        .outerjoin(applied, applied.c.invoice_id == Invoice.id)
        .outerjoin(credited, credited.c.invoice_id == Invoice.id)
        .where(Invoice.issue_date <= day)
    )
    total, current_total = session.execute(query).one()
    return as_decimal(total), as_decimal(current_total)


def credit_sales(session: Session, start: date, end: date) -> Decimal:
    """Σ amounts of invoices issued in [start, end]."""
    query = select(func.sum(Invoice.amount)).where(Invoice.issue_date.between(start, end))
    return as_decimal(session.scalar(query))


def promises_due(session: Session, start: date, end: date) -> Sequence[Row[tuple[Promise, str]]]:
    """Promises whose date falls in [start, end], with their account numbers."""
    query = (
        select(Promise, Account.account_number)
        .join(Account, Account.id == Promise.account_id)
        .where(Promise.due_date.between(start, end))
        .order_by(Promise.due_date, Promise.id)
    )
    return session.execute(query).all()


def promise_outcomes(session: Session, start: date, end: date) -> dict[str, int]:
    """How many promises dated in [start, end] are in each status."""
    query = (
        select(Promise.status, func.count())
        .where(Promise.due_date.between(start, end))
        .group_by(Promise.status)
    )
    return {status: int(n) for status, n in session.execute(query)}


def conversation_counts(session: Session, start: date, end: date) -> tuple[int, int]:
    """(all conversations, conversations without an escalation) started in [start, end] (UTC)."""
    since = datetime.combine(start, time(), timezone.utc)
    until = datetime.combine(end + timedelta(days=1), time(), timezone.utc)
    query = select(
        func.count(),
        func.sum(case((Conversation.escalated.is_(False), 1), else_=0)),
    ).where(Conversation.started_at >= since, Conversation.started_at < until)
    total, contained = session.execute(query).one()
    return int(total or 0), int(contained or 0)
