"""SQL behind the 13-week cash forecast (SPEC §13, :mod:`bot.policy.forecast`).

Three statements, each summed in the database: the commitments (pending promises and
scheduled installments ahead, and how the ones due in the 180 days before D went); the
open AR by due date on the day before each of the 13 trailing weeks and on D − 1 (one
pass over the ledger's flows, grouped by due date — a few thousand groups however many
invoices); and the payments applied in those weeks by due date and day received.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select, union
from sqlalchemy.orm import Session

from bot.db.models import (
    Installment,
    Invoice,
    Payment,
    PaymentApplication,
    PaymentPlan,
    Promise,
)
from bot.db.types import as_decimal
from bot.policy.forecast import HISTORY_DAYS, WEEKS, Outcomes, trailing_starts
from bot.repositories.insight import counts_on, ledger


@dataclass(frozen=True)
class Commitments:
    promises: list[tuple[date, Decimal]]
    installments: list[tuple[date, Decimal]]
    promise_outcomes: Outcomes
    installment_outcomes: Outcomes


@dataclass(frozen=True)
class Exposure:
    """Open AR by due date: the day before each trailing week, and D − 1 (forecast base)."""

    trailing: dict[date, dict[date, Decimal]]
    base: dict[date, Decimal]


def commitments(session: Session, as_of: date) -> Commitments:
    """Pending promises and active plans' scheduled installments due in the 13 weeks from
    ``as_of``, and the outcomes of those due in the 180 days before it."""
    last = as_of + timedelta(days=7 * WEEKS - 1)
    first = as_of - timedelta(days=HISTORY_DAYS)
    history = Promise.due_date.between(first, as_of - timedelta(days=1))
    promised = select(Promise.due_date, Promise.amount).where(
        Promise.status == "pending", Promise.due_date.between(as_of, last)
    )
    scheduled = (
        select(Installment.due_date, Installment.amount)
        .join(PaymentPlan, PaymentPlan.id == Installment.plan_id)
        .where(
            Installment.status == "scheduled",
            PaymentPlan.status == "active",
            Installment.due_date.between(as_of, last),
        )
    )
    promise_counts = select(
        func.count().filter(Promise.status == "kept"),
        func.count().filter(Promise.status == "broken"),
    ).where(history)
    installment_counts = select(
        func.count().filter(Installment.status == "paid"),
        func.count().filter(Installment.status == "missed"),
    ).where(Installment.due_date.between(first, as_of - timedelta(days=1)))
    kept, broken = session.execute(promise_counts).one()
    paid, missed = session.execute(installment_counts).one()
    return Commitments(
        promises=[(d, as_decimal(a)) for d, a in session.execute(promised)],
        installments=[(d, as_decimal(a)) for d, a in session.execute(scheduled)],
        promise_outcomes=Outcomes(int(kept or 0), int(broken or 0)),
        installment_outcomes=Outcomes(int(paid or 0), int(missed or 0)),
    )


def _committed_accounts() -> ColumnElement[int]:
    pending = select(Promise.account_id).where(Promise.status == "pending")
    active = select(PaymentPlan.account_id).where(PaymentPlan.status == "active")
    return union(pending, active).subquery("committed").c.account_id


def exposure(session: Session, as_of: date) -> Exposure:
    """Open AR by due date before each trailing week and on D − 1, in one statement.

    The base leaves out the accounts with a pending promise or an active plan: their
    money is the committed part's.
    """
    days = [start - timedelta(days=1) for start in trailing_starts(as_of)]
    base_day = as_of - timedelta(days=1)
    flows = ledger(days[0], base_day)
    committed = _committed_accounts()
    columns = [func.sum(flows.c.amount).filter(counts_on(flows, day)) for day in days]
    base = func.sum(flows.c.amount).filter(
        counts_on(flows, base_day), flows.c.account_id.not_in(select(committed))
    )
    query = select(flows.c.due_date, base, *columns).group_by(flows.c.due_date)
    trailing: dict[date, dict[date, Decimal]] = {d + timedelta(days=1): {} for d in days}
    open_base: dict[date, Decimal] = {}
    for due, base_amount, *amounts in session.execute(query):
        if base_amount:
            open_base[due] = as_decimal(base_amount)
        for day, amount in zip(days, amounts, strict=True):
            if amount:
                trailing[day + timedelta(days=1)][due] = as_decimal(amount)
    return Exposure(trailing, open_base)


def receipts(session: Session, as_of: date) -> list[tuple[date, date, Decimal]]:
    """(due date, received date, amount) of the payments applied in the 13 weeks before D."""
    first = trailing_starts(as_of)[0]
    query = (
        select(Invoice.due_date, Payment.received_date, func.sum(PaymentApplication.amount))
        .join(Payment, Payment.id == PaymentApplication.payment_id)
        .join(Invoice, Invoice.id == PaymentApplication.invoice_id)
        .where(Payment.received_date.between(first, as_of - timedelta(days=1)))
        .group_by(Invoice.due_date, Payment.received_date)
    )
    return [(due, day, as_decimal(amount)) for due, day, amount in session.execute(query)]


def received_by_week(session: Session, starts: list[date]) -> list[Decimal]:
    """Payments received in each week starting on ``starts`` (for the backtest's actuals)."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    query = (
        select(Payment.received_date, func.sum(Payment.amount))
        .where(Payment.received_date.between(starts[0], starts[-1] + timedelta(days=6)))
        .group_by(Payment.received_date)
    )
    for day, amount in session.execute(query):
        totals[(day - starts[0]).days // 7] += as_decimal(amount)
    return [totals[i] for i in range(len(starts))]
