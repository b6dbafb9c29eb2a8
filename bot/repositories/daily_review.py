"""Reads for the daily review of promises and plans, a page at a time.

Pending promises and active plans are paged by their id (keyset pagination); the payments
and earlier broken promises of a page's accounts come in one query each. Nothing here
commits; status changes are written with :func:`bot.repositories.ledger.update_rows`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Date, bindparam, select
from sqlalchemy.orm import Session

from bot.db.models import Account, Installment, Payment, PaymentPlan, Promise
from bot.repositories.ledger import array_member, member_of, one_array


@dataclass(frozen=True)
class PendingPromise:
    id: int
    account_id: int
    amount: Decimal
    due_date: date
    created_at: datetime
    timezone: str | None


@dataclass(frozen=True)
class ScheduledInstallment:
    id: int
    sequence: int
    due_date: date
    amount: Decimal
    status: str


@dataclass(frozen=True)
class ActivePlan:
    id: int
    account_id: int
    created_at: datetime
    timezone: str | None
    installments: tuple[ScheduledInstallment, ...]


def pending_promises(
    session: Session, *, after_id: int, limit: int, account_id: int | None = None
) -> list[PendingPromise]:
    """The next ``limit`` pending promises after the promise ``after_id``, by id (of one
    account when ``account_id`` is given)."""
    query = (
        select(
            Promise.id,
            Promise.account_id,
            Promise.amount,
            Promise.due_date,
            Promise.created_at,
            Account.timezone,
        )
        .join(Account, Account.id == Promise.account_id)
        .where(Promise.id > after_id, Promise.status == "pending")
        .order_by(Promise.id)
        .limit(limit)
    )
    if account_id is not None:
        query = query.where(Promise.account_id == account_id)
    return [PendingPromise(*row) for row in session.execute(query)]


def active_plans(
    session: Session, *, after_id: int, limit: int, account_id: int | None = None
) -> list[ActivePlan]:
    """The next ``limit`` active plans after the plan ``after_id``, with their installments
    (of one account when ``account_id`` is given)."""
    query = (
        select(PaymentPlan.id, PaymentPlan.account_id, PaymentPlan.created_at, Account.timezone)
        .join(Account, Account.id == PaymentPlan.account_id)
        .where(PaymentPlan.id > after_id, PaymentPlan.status == "active")
        .order_by(PaymentPlan.id)
        .limit(limit)
    )
    if account_id is not None:
        query = query.where(PaymentPlan.account_id == account_id)
    plans = session.execute(query).all()
    if not plans:
        return []
    installments: dict[int, list[ScheduledInstallment]] = defaultdict(list)
    columns = (Installment.id, Installment.sequence, Installment.due_date, Installment.amount)
    for condition in member_of(session, Installment.plan_id, [p.id for p in plans]):
        rows = select(Installment.plan_id, *columns, Installment.status).where(condition)
        for plan_id, *fields in session.execute(rows.order_by(Installment.sequence)):
            installments[plan_id].append(ScheduledInstallment(*fields))
    return [
        ActivePlan(p.id, p.account_id, p.created_at, p.timezone, tuple(installments[p.id]))
        for p in plans
    ]


def payments(
    session: Session, account_ids: Collection[int], since: date
) -> dict[int, list[tuple[date, Decimal]]]:
    """(received date, amount) of the accounts' payments received on or after ``since``."""
    found: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    if one_array(session, account_ids):
        values = {"account_ids": sorted(account_ids), "since": since}
        results = [session.execute(_payments_of_array(), values)]
    else:
        results = [
            session.execute(_payments(condition, since))
            for condition in member_of(session, Payment.account_id, account_ids)
        ]
    for account_id, received, amount in (row for result in results for row in result):
        found[account_id].append((received, amount))
    return found


def _payments(of_accounts: Any, since: Any) -> Any:
    return select(Payment.account_id, Payment.received_date, Payment.amount).where(
        of_accounts, Payment.received_date >= since
    )


@cache
def _payments_of_array() -> Any:
    """:func:`payments`' statement with ``account_ids`` and ``since`` bound at execution,
    built once per process (every payment that may keep a promise asks it)."""
    return _payments(
        array_member(Payment.account_id, "account_ids"), bindparam("since", type_=Date())
    )


def broken_due_dates(
    session: Session, account_ids: Collection[int], since: date
) -> dict[int, list[date]]:
    """Due dates of the accounts' broken promises due on or after ``since``."""
    found: dict[int, list[date]] = defaultdict(list)
    for condition in member_of(session, Promise.account_id, account_ids):
        query = select(Promise.account_id, Promise.due_date).where(
            condition, Promise.status == "broken", Promise.due_date >= since
        )
        for account_id, due in session.execute(query):
            found[account_id].append(due)
    return found
