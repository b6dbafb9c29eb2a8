"""Credit holds (SPEC §12): the facts that decide them, and the holds themselves.

The facts of many accounts are read in one statement per chunk of ids (all accounts when
no ids are given): open balance, limit, oldest undisputed open due date and whether the
latest plan defaulted. :func:`hold_changes` decides the reasons in that same statement
and returns only the accounts whose reasons differ from their open hold's, which
:func:`write_hold_changes` then writes with a few executemany statements. Nothing here
commits.
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
    case,
    exists,
    func,
    literal,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from bot.db.models import Account, CreditHold, Dispute, Invoice, PaymentPlan
from bot.db.types import as_decimal
from bot.policy.credit import HoldFacts
from bot.repositories.bulk_writes import insert_set
from bot.repositories.ledger import CHUNK, chunks, update_rows

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


def _balances(scope: Scope | None = None) -> Any:
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
        .where(_where(scope, Invoice.account_id))
        .group_by(Invoice.account_id)
        .subquery("balances")
    )


def _latest_plans(scope: Scope | None = None) -> Any:
    latest = (
        select(PaymentPlan.account_id, func.max(PaymentPlan.id).label("plan_id"))
        .where(_where(scope, PaymentPlan.account_id))
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
    for scope in _scopes(session, account_ids):
        balances, plans = _balances(scope), _latest_plans(scope)
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
            .where(_where(scope, Account.id))
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


@dataclass(frozen=True)
class HoldChange:
    """An account whose hold reasons now differ from its open hold's (none: no hold)."""

    account_id: int
    account_number: str
    reasons: str  # comma-separated, in the order of HOLD_REASONS; "" when none
    hold_id: int | None
    hold_reasons: str
    open_balance: Decimal
    credit_limit: Decimal | None


def _scopes(session: Session, ids: Collection[int] | None) -> Iterator[Scope | None]:
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


def _where(scope: Scope | None, column: Any) -> ColumnElement[bool]:
    return true() if scope is None else scope(column)


def _reasons(balances: Any, plans: Any, past_due_before: date) -> ColumnElement[str]:
    """The hold reasons of :func:`bot.policy.credit.hold_reasons`, as one SQL expression."""
    balance = func.round(func.coalesce(balances.c.open_balance, 0), 2)
    over = and_(Account.credit_limit.is_not(None), balance > Account.credit_limit)
    defaulted = and_(plans.c.status == "defaulted", balance > 0)
    listed = (
        case((over, literal("over_limit,")), else_=literal(""))
        .concat(case((balances.c.oldest_due < past_due_before, literal("past_due,")), else_=""))
        .concat(case((defaulted, literal("plan_default,")), else_=""))
    )
    return func.rtrim(listed, ",")


def hold_changes(
    session: Session, account_ids: Collection[int] | None, past_due_before: date
) -> list[HoldChange]:
    """The accounts among ``account_ids`` (None: all) whose hold reasons changed.

    The reasons are decided in SQL, so only the accounts to start, change or release come
    back: the daily review over every account reads a handful of rows on a quiet day.
    """
    found: list[HoldChange] = []
    for scope in _scopes(session, account_ids):
        balances, plans = _balances(scope), _latest_plans(scope)
        held = (
            select(CreditHold.account_id, CreditHold.id, CreditHold.reasons)
            .where(CreditHold.released_at.is_(None))
            .subquery("held")
        )
        decided = (
            select(
                Account.id, Account.account_number, Account.credit_limit,
                balances.c.open_balance, _reasons(balances, plans, past_due_before).label("now"),
                held.c.id.label("hold_id"), func.coalesce(held.c.reasons, "").label("was"),
            )
            .outerjoin(balances, balances.c.account_id == Account.id)
            .outerjoin(plans, plans.c.account_id == Account.id)
            .outerjoin(held, held.c.account_id == Account.id)
            .where(_where(scope, Account.id))
            .subquery("decided")
        )  # fmt: skip
        query = select(decided).where(decided.c.now != decided.c.was)
        found.extend(
            HoldChange(
                row.id, row.account_number, row.now, row.hold_id, row.was,
                as_decimal(row.open_balance), row.credit_limit,
            )
            for row in session.execute(query)
        )  # fmt: skip
    return sorted(found, key=lambda change: change.account_number)


def write_hold_changes(session: Session, changes: Sequence[HoldChange], at: datetime) -> None:
    """Starts (no open hold), updates (other reasons) and releases (no reason) the holds of
    ``changes`` at ``at``: one executemany per kind of write."""
    insert_set(
        session,
        CreditHold,
        [
            {"account_id": c.account_id, "reasons": c.reasons, "started_at": at,
             "released_at": None}
            for c in changes if c.hold_id is None and c.reasons
        ],
    )  # fmt: skip
    update_rows(
        session,
        CreditHold,
        [
            {"id": c.hold_id, "reasons": c.reasons} if c.reasons
            else {"id": c.hold_id, "released_at": at}
            for c in changes if c.hold_id is not None
        ],
    )  # fmt: skip
    for held in [o for o in session.identity_map.values() if isinstance(o, CreditHold)]:
        session.expire(held)  # the Core writes bypassed the loaded holds
