"""The facts a reminder decision needs, read for one page of accounts at a time.

Each reader runs one query over the page's account id range ``(after_id, last id]`` —
which the ``account_id`` indexes serve — and files its rows by account id into
:class:`Facts`; :func:`read_all` runs them all. Filters that would steer a planner to a
status index (read whole, once per page) are applied here in Python instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Executable, String, cast, exists, func, literal, select
from sqlalchemy.orm import Session

from bot.db.models import (
    Contact,
    ContactAttempt,
    Credit,
    Dispute,
    Escalation,
    Installment,
    Invoice,
    PaymentApplication,
    PaymentPlan,
    Promise,
)
from bot.db.types import as_decimal
from bot.policy.reminders import InstallmentState, InvoiceState, Notice, PromiseState
from bot.repositories.escalations import ACTIVE as ACTIVE_ESCALATIONS

#: attempt statuses that count as a message that went (or may have gone) out
SENT_STATUSES = ("sent", "sending")
#: how far back automated sends are read for the rolling-week frequency cap
RECENT_SENDS = timedelta(days=8)
#: a broken promise or a defaulted plan older than this gets no notice any more
NOTICE_WINDOW = timedelta(days=7)


@dataclass
class Facts:
    """Everything read about one page, by account id, before it becomes states."""

    invoices: dict[int, list[InvoiceState]] = field(default_factory=lambda: defaultdict(list))
    currencies: dict[int, str] = field(default_factory=dict)
    promises: dict[int, PromiseState] = field(default_factory=dict)
    plans: dict[int, tuple[bool, list[InstallmentState]]] = field(default_factory=dict)
    contacts: dict[int, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    escalations: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    sends: dict[int, list[tuple[datetime, str, str, date]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    targets: dict[int, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    notices: dict[int, list[Notice]] = field(default_factory=lambda: defaultdict(list))


def open_amount() -> ColumnElement[Any]:
    """An invoice's open amount: amount − payments applied − credits, rounded to the cent."""
    applied = (
        select(func.coalesce(func.sum(PaymentApplication.amount), 0))
        .where(PaymentApplication.invoice_id == Invoice.id)
        .correlate(Invoice)
        .scalar_subquery()
    )
    credited = (
        select(func.coalesce(func.sum(Credit.amount), 0))
        .where(Credit.invoice_id == Invoice.id)
        .correlate(Invoice)
        .scalar_subquery()
    )
    return func.round(Invoice.amount - applied - credited, 2)


def in_span(column: Any, span: tuple[int, int]) -> ColumnElement[bool]:
    """``column`` in the page's id range ``(after_id, last id]``."""
    low, high = span
    return (column > low) & (column <= high)  # type: ignore[no-any-return]


def _rows(session: Session, query: Executable) -> Iterator[Any]:
    """The rows of ``query`` as plain tuples, on the session's connection: Core result
    processing only, none of the ORM's per-row work (a page reads ~100k values), fetched
    at once rather than a row per driver call."""
    return iter(session.connection().execute(query).tuples().all())


def read_all(session: Session, span: tuple[int, int], now: datetime) -> Facts:
    """Every fact about the accounts in ``span``: eight queries, whatever the page size."""
    facts = Facts()
    _read_invoices(session, span, facts)
    _read_promises(session, span, facts)
    _read_plans(session, span, facts)
    _read_contacts(session, span, facts)
    _read_escalations(session, span, facts)
    _read_attempts(session, span, now, facts)
    _read_notices(session, span, now, facts)
    return facts


def _read_invoices(session: Session, span: tuple[int, int], facts: Facts) -> None:
    """The open invoices, oldest due first (paid ones are dropped here, not in SQL, so the
    open amount is computed once per invoice)."""
    disputed = (
        exists()
        .where(Dispute.invoice_id == Invoice.id, Dispute.status == "open")
        .correlate(Invoice)
        .label("disputed")
    )
    query = (
        select(
            Invoice.account_id,
            Invoice.invoice_number,
            Invoice.due_date,
            Invoice.currency,
            open_amount().label("open_amount"),
            disputed,
        )
        .where(in_span(Invoice.account_id, span))
        .order_by(Invoice.account_id, Invoice.due_date, Invoice.invoice_number)
    )
    for account_id, number, due, currency, left, disputed in _rows(session, query):
        amount = as_decimal(left)
        if amount > 0:
            facts.invoices[account_id].append(InvoiceState(number, due, amount, bool(disputed)))
            facts.currencies.setdefault(account_id, currency)


def _read_promises(session: Session, span: tuple[int, int], facts: Facts) -> None:
    query = (
        select(Promise.id, Promise.account_id, Promise.amount, Promise.due_date)
        .where(in_span(Promise.account_id, span), Promise.status == "pending")
        .order_by(Promise.account_id, Promise.created_at, Promise.id)
    )
    for id_, account_id, amount, due in _rows(session, query):  # the newest one wins
        facts.promises[account_id] = PromiseState(id_, amount, due)


def _read_plans(session: Session, span: tuple[int, int], facts: Facts) -> None:
    """Active plans: whether any installment is missed, and the scheduled ones."""
    query = (
        select(
            PaymentPlan.account_id,
            PaymentPlan.id.label("plan_id"),
            Installment.id,
            Installment.sequence,
            Installment.due_date,
            Installment.amount,
            Installment.status,
        )
        .join(Installment, Installment.plan_id == PaymentPlan.id)
        .where(in_span(PaymentPlan.account_id, span), PaymentPlan.status == "active")
        .order_by(PaymentPlan.account_id, PaymentPlan.id, Installment.sequence)
    )
    for account_id, plan_id, id_, sequence, due, amount, status in _rows(session, query):
        standing, scheduled = facts.plans.setdefault(account_id, (True, []))
        if status == "missed":
            facts.plans[account_id] = (False, scheduled)
        elif status == "scheduled":
            scheduled.append(InstallmentState(id_, plan_id, sequence, due, amount))


def _read_contacts(session: Session, span: tuple[int, int], facts: Facts) -> None:
    """Phones and chat ids (by the account range alone, so the account index serves it)."""
    query = select(Contact.account_id, Contact.channel, Contact.address).where(
        in_span(Contact.account_id, span)
    )
    for account_id, channel, address in _rows(session, query):
        if channel in ("sms", "telegram"):
            facts.contacts[account_id][channel] = address


def _read_escalations(session: Session, span: tuple[int, int], facts: Facts) -> None:
    """Reasons of open or claimed escalations (status checked here: in SQL it would steer
    SQLite to the status index, read once per page over every account)."""
    query = select(Escalation.account_id, Escalation.reason, Escalation.status).where(
        in_span(Escalation.account_id, span)
    )
    for account_id, reason, status in _rows(session, query):
        if status in ACTIVE_ESCALATIONS:
            facts.escalations[account_id].add(reason)


def _read_attempts(session: Session, span: tuple[int, int], now: datetime, facts: Facts) -> None:
    """Automated messages sent in the last 8 days, and every (kind, target) ever sent."""
    sent = ContactAttempt.status.in_(SENT_STATUSES)
    recent = select(
        ContactAttempt.account_id,
        ContactAttempt.created_at,
        ContactAttempt.kind,
        ContactAttempt.target,
        ContactAttempt.local_date,
    ).where(
        in_span(ContactAttempt.account_id, span),
        sent,
        ContactAttempt.created_at > now - RECENT_SENDS,
    )
    for account_id, *send in _rows(session, recent):
        facts.sends[account_id].append(tuple(send))
    targets = (
        select(ContactAttempt.account_id, ContactAttempt.kind, ContactAttempt.target)
        .where(in_span(ContactAttempt.account_id, span), sent)
        .distinct()
    )
    for account_id, kind, target in _rows(session, targets):
        facts.targets[account_id].add((kind, target))


def _read_notices(session: Session, span: tuple[int, int], now: datetime, facts: Facts) -> None:
    """Promises broken and plans defaulted in the notice window (sent ones dropped later)."""
    cutoff = now - NOTICE_WINDOW
    paid = (
        select(func.coalesce(func.sum(Installment.amount), 0))
        .where(Installment.plan_id == PaymentPlan.id, Installment.status == "paid")
        .correlate(PaymentPlan)
        .scalar_subquery()
    )
    broken = select(
        Promise.account_id,
        literal("broken_promise").label("kind"),
        (literal("promise:") + cast(Promise.id, String)).label("target"),
        Promise.amount.label("amount"),
    ).where(
        in_span(Promise.account_id, span), Promise.status == "broken", Promise.resolved_at >= cutoff
    )
    defaulted = select(
        PaymentPlan.account_id,
        literal("plan_default").label("kind"),
        (literal("plan:") + cast(PaymentPlan.id, String)).label("target"),
        (PaymentPlan.total - paid).label("amount"),
    ).where(
        in_span(PaymentPlan.account_id, span),
        PaymentPlan.status == "defaulted",
        PaymentPlan.resolved_at >= cutoff,
    )
    query = broken.union_all(defaulted)
    for account_id, kind, target, amount in _rows(session, query):
        if (kind, target) not in facts.targets.get(account_id, ()):
            facts.notices[account_id].append(Notice(kind, target, as_decimal(amount)))
