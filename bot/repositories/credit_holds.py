"""Credit holds (SPEC §12): the facts that decide them, and the holds themselves.

The facts of many accounts are read in one statement per chunk of ids (all accounts when
no ids are given): open balance, limit, oldest undisputed open due date and whether the
latest plan defaulted. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, select, true
from sqlalchemy.orm import Session

from bot.db.models import Account, CreditHold, Dispute, Invoice, PaymentPlan
from bot.db.types import as_decimal
from bot.policy.credit import HoldFacts
from bot.repositories.ledger import chunks, member_of


@dataclass(frozen=True)
class AccountFacts:
    """One account's hold facts, with its open hold (id and reasons) if it has one."""

    account_id: int
    account_number: str
    facts: HoldFacts
    hold_id: int | None = None
    hold_reasons: str = ""


@dataclass(frozen=True)
class HeldAccount:
    """An account on hold, as ``arbot holds`` lists it."""

    account_number: str
    reasons: tuple[str, ...]
    since: datetime
    open_balance: Decimal
    credit_limit: Decimal | None


def _balances(where: ColumnElement[bool] | None = None) -> Any:
    """Open balance and oldest undisputed due date per account (``where``: of the invoices
    it names only, so a few accounts do not aggregate the whole ledger)."""
    disputed = (
        exists()
        .where(Dispute.invoice_id == Invoice.id, Dispute.status == "open")
        .correlate(Invoice)
    )
    is_open = Invoice.open_amount > 0
    query = select(
        Invoice.account_id,
        func.sum(Invoice.open_amount).filter(is_open).label("open_balance"),
        func.min(Invoice.due_date).filter(is_open, ~disputed).label("oldest_due"),
    )
    if where is not None:
        query = query.where(where)
    return query.group_by(Invoice.account_id).subquery("balances")


def _latest_plans() -> Any:
    latest = (
        select(PaymentPlan.account_id, func.max(PaymentPlan.id).label("plan_id"))
        .group_by(PaymentPlan.account_id)
        .subquery("latest")
    )
    return (
        select(latest.c.account_id, PaymentPlan.status)
        .join(PaymentPlan, PaymentPlan.id == latest.c.plan_id)
        .subquery("latest_plans")
    )


def facts(session: Session, account_ids: Collection[int] | None) -> list[AccountFacts]:
    """The hold facts and open holds of the accounts ``account_ids`` (None: every account).

    One statement per chunk of ids: an import of many accounts reads them in a few.
    """
    plans = _latest_plans()
    held = (
        select(CreditHold.account_id, CreditHold.id, CreditHold.reasons)
        .where(CreditHold.released_at.is_(None))
        .subquery("held")
    )
    found: list[AccountFacts] = []
    for part in _parts(account_ids):
        condition = true() if part is None else _one(member_of(session, Account.id, part))
        balances = _balances(
            None if part is None else _one(member_of(session, Invoice.account_id, part))
        )
        query: Select[Any] = (
            select(
                Account.id,
                Account.account_number,
                Account.credit_limit,
                balances.c.open_balance,
                balances.c.oldest_due,
                plans.c.status,
                held.c.id.label("hold_id"),
                held.c.reasons.label("hold_reasons"),
            )
            .outerjoin(balances, balances.c.account_id == Account.id)
            .outerjoin(plans, plans.c.account_id == Account.id)
            .outerjoin(held, held.c.account_id == Account.id)
            .where(condition)
        )
        for row in session.execute(query):
            oldest: date | None = row.oldest_due
            found.append(
                AccountFacts(
                    row.id,
                    row.account_number,
                    HoldFacts(
                        open_balance=as_decimal(row.open_balance),
                        credit_limit=row.credit_limit,
                        oldest_undisputed_due=oldest,
                        plan_defaulted=row.status == "defaulted",
                    ),
                    row.hold_id,
                    row.hold_reasons or "",
                )
            )
    return found


def _parts(ids: Collection[int] | None) -> Iterator[Sequence[int] | None]:
    """None for every account, else the ids in chunks one membership test covers."""
    if ids is None:
        yield None
    else:
        yield from chunks(sorted(ids))


def _one(conditions: Iterator[ColumnElement[bool]]) -> ColumnElement[bool]:
    [condition] = conditions
    return condition


def held_accounts(session: Session) -> list[HeldAccount]:
    """The accounts on hold now, longest held first."""
    balances = _balances()
    query = (
        select(
            Account.account_number,
            CreditHold.reasons,
            CreditHold.started_at,
            balances.c.open_balance,
            Account.credit_limit,
        )
        .join(Account, Account.id == CreditHold.account_id)
        .outerjoin(balances, balances.c.account_id == Account.id)
        .where(CreditHold.released_at.is_(None))
        .order_by(CreditHold.started_at, Account.account_number)
    )
    return [
        HeldAccount(
            account_number=row.account_number,
            reasons=tuple(r for r in row.reasons.split(",") if r),
            since=row.started_at,
            open_balance=as_decimal(row.open_balance),
            credit_limit=row.credit_limit,
        )
        for row in session.execute(query)
    ]


def open_hold_count(session: Session) -> int:
    """How many accounts are on hold now."""
    query = select(func.count()).select_from(CreditHold).where(CreditHold.released_at.is_(None))
    return int(session.execute(query).scalar_one())


def account_hold(session: Session, account_id: int) -> CreditHold | None:
    """The account's open hold, if any."""
    query = select(CreditHold).where(
        and_(CreditHold.account_id == account_id, CreditHold.released_at.is_(None))
    )
    return session.scalars(query).first()


def stamped_accounts(session: Session, kind: str, at: datetime) -> set[int]:
    """The accounts an import stamped at ``at``: its customers, or its invoices' accounts."""
    if kind == "customers":
        query = select(Account.id).where(Account.updated_at == at)
    else:
        query = select(Invoice.account_id).where(Invoice.updated_at == at).distinct()
    return set(session.scalars(query))
