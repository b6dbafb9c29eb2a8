"""Credit holds (SPEC §12): the facts that decide them, and the holds themselves.

The facts of many accounts are read in one statement per chunk of ids (all accounts when
no ids are given): open balance, limit, oldest undisputed open due date and whether the
latest plan defaulted (:mod:`bot.repositories.hold_changes` decides the holds to start,
change and release from the same subqueries). Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    any_,
    bindparam,
    exists,
    func,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from bot.db.models import Account, CreditHold, Dispute, Invoice, PaymentPlan
from bot.db.types import as_decimal
from bot.policy.credit import HoldFacts
from bot.repositories.ledger import CHUNK, chunks

#: builds the condition that a column holds one of a chunk of account ids
Scope = Callable[[Any], ColumnElement[bool]]


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


def open_balances(scope: Scope | None = None) -> Any:
    """Per account (in ``scope``): its open balance and oldest undisputed open due date."""
    disputed = (
        exists()
        .where(Dispute.invoice_id == Invoice.id, Dispute.status == "open")
        .correlate(Invoice)
    )
    is_open = Invoice.open_amount > 0
    return (
        select(
            Invoice.account_id,
            func.sum(Invoice.open_amount).filter(is_open).label("open_balance"),
            func.min(Invoice.due_date).filter(is_open, ~disputed).label("oldest_due"),
        )
        .where(where_in(scope, Invoice.account_id))
        .group_by(Invoice.account_id)
        .subquery("balances")
    )


def latest_plans(scope: Scope | None = None) -> Any:
    """Per account (in ``scope``): the status of its latest payment plan."""
    latest = (
        select(PaymentPlan.account_id, func.max(PaymentPlan.id).label("plan_id"))
        .where(where_in(scope, PaymentPlan.account_id))
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
    held = (
        select(CreditHold.account_id, CreditHold.id, CreditHold.reasons)
        .where(CreditHold.released_at.is_(None))
        .subquery("held")
    )
    found: list[AccountFacts] = []
    for scope in scopes(session, account_ids):
        balances, plans = open_balances(scope), latest_plans(scope)
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
            .where(where_in(scope, Account.id))
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


def held_accounts(session: Session) -> list[HeldAccount]:
    """The accounts on hold now, longest held first."""
    balances = open_balances()
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


def scopes(session: Session, ids: Collection[int] | None) -> Iterator[Scope | None]:
    """One account-id condition builder per chunk of ``ids`` (None: every account).

    PostgreSQL takes all the ids as one array, so the invoices are read in one pass.
    """
    if ids is None:
        yield None
    elif session.get_bind().dialect.name == "postgresql":
        yield partial(_member, values=sorted(ids), array=True)
    else:
        for part in chunks(sorted(ids), CHUNK // 2):  # bound three times: well under 999
            yield partial(_member, values=part, array=False)


def _member(column: Any, values: Sequence[int], *, array: bool) -> ColumnElement[bool]:
    if array:
        return cast(
            ColumnElement[bool],
            column == any_(bindparam(None, list(values), type_=ARRAY(Integer()))),
        )
    return cast(ColumnElement[bool], column.in_(values))


def where_in(scope: Scope | None, column: Any) -> ColumnElement[bool]:
    return true() if scope is None else scope(column)
