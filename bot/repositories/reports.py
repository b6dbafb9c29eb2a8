"""SQL aggregates behind the reports (SPEC §8): aging as of a day, a period's KPI inputs, promises.

"As of D" means invoices issued on or before D, less the payments received and the credits
dated on or before D. Aging and the KPI inputs are each **one statement returning one row**,
summed in the database: a report over a million invoices is one round trip, not a Python
loop.

They are sums over *flows* (:func:`_flows`): every invoice's amount and every signed change to
it, each with the first day it counts on (``since``) and, for some, the first day it no
longer does (``until``). So AR as of D is Σ amount over the flows with ``since ≤ D`` and
``until`` empty or after D, and one pass gives AR on two days (the KPIs need the day before
the period and its last day). Summing flows by the due date of their invoice needs no
``GROUP BY`` invoice first — over a million invoices that grouping spilled to disk and took
several times as long (``bench/reports_scale.py`` measures the reports).

A payment application counts from its invoice's issue day whatever day its payment came:
the payments table is read only for payments received after the earliest day asked about
(the index on the received date), which count back until the day they came. On the usual
"as of today" that is a handful of rows rather than a join of every payment.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import (
    Date,
    Row,
    Subquery,
    and_,
    case,
    cast,
    false,
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
from bot.policy.kpis import KpiInputs

_NO_DAY = cast(null(), Date)


def movements(earliest: date, latest: date) -> Subquery:
    """Signed changes to invoices' open amounts: (invoice_id, since, until, amount).

    Every application takes its amount off from the start (``since`` empty); one whose
    payment came after ``earliest`` gives it back until the day it came; a credit dated by
    ``latest`` takes its amount off from its date.
    """
    applied = select(
        PaymentApplication.invoice_id,
        _NO_DAY.label("since"),
        _NO_DAY.label("until"),
        (-PaymentApplication.amount).label("amount"),
    )
    received_later = (
        select(
            PaymentApplication.invoice_id, _NO_DAY, Payment.received_date, PaymentApplication.amount
        )
        .join(Payment, Payment.id == PaymentApplication.payment_id)
        .where(Payment.received_date > earliest)
    )
    credited = select(Credit.invoice_id, Credit.credit_date, _NO_DAY, -Credit.amount).where(
        Credit.credit_date <= latest
    )
    return union_all(applied, received_later, credited).subquery("movements")


def _flows(earliest: date, latest: date) -> Subquery:
    """Invoice amounts and their movements, for days in [earliest, latest].

    Columns: ``sale`` (true for an invoice's own amount), ``since``, ``until``, ``due_date``
    (of the invoice) and ``amount`` (what the row adds to AR). Only invoices issued by
    ``latest`` are read; :func:`_counts_on` says which rows make up AR on a day.
    """
    moved = movements(earliest, latest)
    invoiced = select(
        true().label("sale"),
        Invoice.issue_date.label("since"),
        _NO_DAY.label("until"),
        Invoice.due_date,
        Invoice.amount,
    ).where(Invoice.issue_date <= latest)
    changes = (
        select(
            false(),
            case((moved.c.since > Invoice.issue_date, moved.c.since), else_=Invoice.issue_date),
            moved.c.until,
            Invoice.due_date,
            moved.c.amount,
        )
        .join(Invoice, Invoice.id == moved.c.invoice_id)
        .where(Invoice.issue_date <= latest)
    )
    return union_all(invoiced, changes).subquery("flows")


def _counts_on(ledger: Subquery, day: date) -> ColumnElement[bool]:
    """True for the rows of :func:`_flows` that make up AR as of ``day``."""
    return and_(ledger.c.since <= day, or_(ledger.c.until.is_(None), ledger.c.until > day))


def _in_bucket(
    ledger: Subquery, day: date, low: int | None, high: int | None
) -> list[ColumnElement[bool]]:
    """Days past due in [low, high] (None: unbounded), compared as due dates."""
    conditions = []
    if low is not None:  # days >= low  <=>  due_date <= day - low
        conditions.append(ledger.c.due_date <= day - timedelta(days=low))
    if high is not None:  # days <= high  <=>  due_date >= day - high
        conditions.append(ledger.c.due_date >= day - timedelta(days=high))
    return conditions


def aging_buckets(session: Session, day: date) -> dict[str, Decimal]:
    """Open amount per aging bucket as of ``day``: every bucket, in one statement."""
    ledger = _flows(day, day)
    query = select(
        *(
            func.sum(ledger.c.amount)
            .filter(_counts_on(ledger, day), *_in_bucket(ledger, day, low, high))
            .label(name)
            for name, low, high in BUCKET_BOUNDS
        )
    )
    row = session.execute(query).one()
    return {name: as_decimal(total) for (name, _, _), total in zip(BUCKET_BOUNDS, row, strict=True)}


def conversation_counts(start: date, end: date) -> Subquery:
    """One row: (conversations, contained) started in the UTC days [start, end].

    ``contained`` are those that ended without an escalation.
    """
    since = datetime.combine(start, time(), timezone.utc)
    until = datetime.combine(end + timedelta(days=1), time(), timezone.utc)
    return (
        select(
            func.count().label("conversations"),
            func.count().filter(Conversation.escalated.is_(false())).label("contained"),
        )
        .where(Conversation.started_at >= since, Conversation.started_at < until)
        .subquery("conversation_counts")
    )


def _promise_outcomes(start: date, end: date) -> Subquery:
    """One row: (kept, broken) promises dated in [start, end]."""
    return (
        select(
            func.count().filter(Promise.status == "kept").label("kept"),
            func.count().filter(Promise.status == "broken").label("broken"),
        )
        .where(Promise.due_date.between(start, end))
        .subquery("promise_outcomes")
    )


def period_totals(session: Session, start: date, end: date) -> KpiInputs:
    """Everything the KPIs of [start, end] are computed from, in one statement.

    AR the day before the period and on its last day (and the part not past due then),
    the credit sales of the period, its promises kept and broken, its conversations and
    what was paid in the chat (payments by method ``stripe``, SPEC §11).
    """
    before = start - timedelta(days=1)
    ledger = _flows(before, end)
    owed_at_end = _counts_on(ledger, end)
    ar = select(
        func.sum(ledger.c.amount).filter(_counts_on(ledger, before)).label("ar_before"),
        func.sum(ledger.c.amount).filter(owed_at_end).label("ar_end"),
        func.sum(ledger.c.amount)
        .filter(owed_at_end, ledger.c.due_date >= end)
        .label("current_ar_end"),
        func.sum(ledger.c.amount)
        .filter(ledger.c.sale.is_(true()), ledger.c.since >= start)
        .label("credit_sales"),
    ).subquery("ar")
    promises, talks = _promise_outcomes(start, end), conversation_counts(start, end)
    in_chat = (
        select(func.sum(Payment.amount))
        .where(Payment.method == "stripe", Payment.received_date.between(start, end))
        .scalar_subquery()
        .label("in_chat")
    )
    query = select(ar, promises, talks, in_chat).select_from(
        ar.join(promises, true()).join(talks, true())
    )
    row = session.execute(query).one()
    return KpiInputs(
        period_start=start,
        period_end=end,
        ar_before=as_decimal(row.ar_before),
        ar_end=as_decimal(row.ar_end),
        current_ar_end=as_decimal(row.current_ar_end),
        credit_sales=as_decimal(row.credit_sales),
        promises_kept=int(row.kept or 0),
        promises_broken=int(row.broken or 0),
        conversations=int(row.conversations or 0),
        conversations_contained=int(row.contained or 0),
        collected_in_chat=as_decimal(row.in_chat),
    )


def promises_due(session: Session, start: date, end: date) -> Sequence[Row[tuple[Promise, str]]]:
    """Promises whose date falls in [start, end], with their account numbers."""
    query = (
        select(Promise, Account.account_number)
        .join(Account, Account.id == Promise.account_id)
        .where(Promise.due_date.between(start, end))
        .order_by(Promise.due_date, Promise.id)
    )
    return session.execute(query).all()
