"""SQL behind the insight figures (SPEC §13): a month's rolls and cure, a period's contact.

A month's rolls are **one statement returning one row**, like the §8 reports
(:mod:`bot.repositories.reports`): sums over the ledger's flows — every invoice's amount
and every signed change to it, each counting from a day and, for payments received later,
until one — filtered by the day they are read on and by their invoice's due date. Open
AR at the end of M − 1 per bucket, what of it sits in a later bucket at the end of M, and
(grouped by account) who was past due at the end of M − 1 and who is not at the end of M.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import (
    Date,
    Subquery,
    and_,
    case,
    cast,
    exists,
    func,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.db.models import (
    ContactAttempt,
    Conversation,
    Invoice,
    Payment,
    PaymentPlan,
    Promise,
    VerificationAttempt,
)
from bot.db.types import as_decimal
from bot.policy.aging import BUCKET_BOUNDS
from bot.policy.insight import ROLL_BUCKETS, ContactCounts, RollInputs, SentReminder
from bot.repositories.reports import movements

_NO_DAY = cast(null(), Date)


def ledger(earliest: date, latest: date) -> Subquery:
    """Invoice amounts and their movements, with the invoice's due date and account.

    Columns: ``since``, ``until``, ``due_date``, ``issue_date``, ``account_id``, ``amount``;
    a row adds ``amount`` to AR on the days in [since, until). Only invoices issued by
    ``latest`` are read; payments received after ``earliest`` count back until they came.
    """
    moved = movements(earliest, latest)
    invoiced = select(
        Invoice.issue_date.label("since"),
        _NO_DAY.label("until"),
        Invoice.due_date,
        Invoice.issue_date,
        Invoice.account_id,
        Invoice.amount,
    ).where(Invoice.issue_date <= latest)
    changes = (
        select(
            case((moved.c.since > Invoice.issue_date, moved.c.since), else_=Invoice.issue_date),
            moved.c.until,
            Invoice.due_date,
            Invoice.issue_date,
            Invoice.account_id,
            moved.c.amount,
        )
        .join(Invoice, Invoice.id == moved.c.invoice_id)
        .where(Invoice.issue_date <= latest)
    )
    return union_all(invoiced, changes).subquery("ledger")


def counts_on(flows: Subquery, day: date) -> ColumnElement[bool]:
    """True for the rows of :func:`ledger` that make up AR as of ``day``."""
    return and_(flows.c.since <= day, or_(flows.c.until.is_(None), flows.c.until > day))


def _due_in(
    flows: Subquery, day: date, low: int | None, high: int | None
) -> list[ColumnElement[bool]]:
    conditions = []
    if low is not None:
        conditions.append(flows.c.due_date <= day - timedelta(days=low))
    if high is not None:
        conditions.append(flows.c.due_date >= day - timedelta(days=high))
    return conditions


def _roll_sums(flows: Subquery, before: date, end: date) -> list[Any]:
    columns: list[Any] = []
    for name, low, high in BUCKET_BOUNDS:
        if name not in ROLL_BUCKETS or high is None:
            continue
        was_in = _due_in(flows, before, low, high)
        later = flows.c.due_date < end - timedelta(days=high)
        columns.append(
            func.sum(flows.c.amount).filter(counts_on(flows, before), *was_in).label(f"o_{name}")
        )
        columns.append(
            func.sum(flows.c.amount)
            .filter(counts_on(flows, end), flows.c.issue_date <= before, later, *was_in)
            .label(f"r_{name}")
        )
    return columns


def roll_inputs(session: Session, first: date, end: date) -> RollInputs:
    """The month [first, end]'s rolls and cure inputs, in one statement."""
    before = first - timedelta(days=1)
    flows = ledger(before, end)
    sums = select(*_roll_sums(flows, before, end)).subquery("rolls")
    late = flows.c.due_date < end
    by_account = (
        select(
            func.sum(flows.c.amount)
            .filter(counts_on(flows, before), flows.c.due_date < before)
            .label("pd0"),
            func.sum(flows.c.amount).filter(counts_on(flows, end)).label("pd1"),
        )
        .where(late)
        .group_by(flows.c.account_id)
        .subquery("by_account")
    )
    cure = select(
        func.count().filter(by_account.c.pd0 > 0).label("past_due"),
        func.count()
        .filter(by_account.c.pd0 > 0, func.coalesce(by_account.c.pd1, 0) <= 0)
        .label("cured"),
    ).subquery("cure")
    row = session.execute(select(sums, cure).select_from(sums.join(cure, true()))).one()
    return RollInputs(
        month=first,
        opening={b: as_decimal(getattr(row, f"o_{b}")) for b in ROLL_BUCKETS},
        rolled={b: as_decimal(getattr(row, f"r_{b}")) for b in ROLL_BUCKETS},
        past_due_accounts=int(row.past_due or 0),
        cured_accounts=int(row.cured or 0),
    )


def _utc_days(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time(), timezone.utc),
        datetime.combine(end + timedelta(days=1), time(), timezone.utc),
    )


def _verified() -> ColumnElement[bool]:
    """The conversation's sender passed verification while it lasted."""
    return (
        exists()
        .where(
            VerificationAttempt.channel == Conversation.channel,
            VerificationAttempt.sender == Conversation.sender,
            VerificationAttempt.succeeded.is_(True),
            VerificationAttempt.at >= Conversation.started_at,
            VerificationAttempt.at
            <= func.coalesce(Conversation.ended_at, Conversation.last_message_at),
        )
        .correlate(Conversation)
    )


def _converted() -> ColumnElement[bool]:
    """A promise or a plan was recorded in the conversation."""
    promise = exists().where(Promise.conversation_id == Conversation.id).correlate(Conversation)
    plan = exists().where(PaymentPlan.conversation_id == Conversation.id).correlate(Conversation)
    return or_(promise, plan)


def contact_counts(session: Session, start: date, end: date) -> dict[str, ContactCounts]:
    """Conversations started in the UTC days [start, end], per channel: all, verified, converted."""
    since, until = _utc_days(start, end)
    verified = _verified()
    query = (
        select(
            Conversation.channel,
            func.count(),
            func.count().filter(verified),
            func.count().filter(verified, _converted()),
        )
        .where(Conversation.started_at >= since, Conversation.started_at < until)
        .group_by(Conversation.channel)
    )
    return {
        channel: ContactCounts(int(a), int(v), int(c))
        for channel, a, v, c in session.execute(query)
    }


def reminders_sent(session: Session, start: date, end: date) -> Sequence[SentReminder]:
    """Reminders sent in the UTC days [start, end]."""
    since, until = _utc_days(start, end)
    query = select(ContactAttempt.kind, ContactAttempt.account_id, ContactAttempt.created_at).where(
        ContactAttempt.status == "sent",
        ContactAttempt.created_at >= since,
        ContactAttempt.created_at < until,
    )
    return [SentReminder(kind, account_id, at) for kind, account_id, at in session.execute(query)]


def follow_ups(
    session: Session, start: date, end: date
) -> tuple[dict[int, list[datetime]], dict[int, list[datetime]], dict[int, list[date]]]:
    """Conversations started, promises and plans made, payments received, by account, in
    [start, end + 8 days]: what a reminder of the period may have led to."""
    since, until = _utc_days(start, end + timedelta(days=8))
    talks: dict[int, list[datetime]] = defaultdict(list)
    deals: dict[int, list[datetime]] = defaultdict(list)
    paid: dict[int, list[date]] = defaultdict(list)
    sources: tuple[tuple[Any, Any, dict[int, list[datetime]]], ...] = (
        (Conversation.account_id, Conversation.started_at, talks),
        (Promise.account_id, Promise.created_at, deals),
        (PaymentPlan.account_id, PaymentPlan.created_at, deals),
    )
    for account, at, target in sources:
        found = select(account, at).where(account.is_not(None), at >= since, at < until)
        for account_id, when in session.execute(found):
            target[account_id].append(when)
    query = select(Payment.account_id, Payment.received_date).where(
        Payment.received_date.between(start, end + timedelta(days=8))
    )
    for account_id, day in session.execute(query):
        paid[account_id].append(day)
    return dict(talks), dict(deals), dict(paid)
