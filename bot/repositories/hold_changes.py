"""The credit holds to start, change and release, decided and written set-based (SPEC §12).

:func:`hold_changes` decides every account's reasons in one statement (per chunk of ids)
and returns only the accounts whose reasons differ from their open hold's — on a quiet
day the daily review over every account reads a handful of rows. On PostgreSQL the same
statement starts the new holds and writes their audit events (``INSERT … SELECT`` in
data-modifying CTEs), so a portfolio's first evaluation sends no row back to be written;
:func:`write_hold_changes` writes the rest. Nothing here commits.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    String,
    and_,
    any_,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from bot.db.models import Account, AuditEvent, CreditHold
from bot.db.types import as_decimal
from bot.repositories.bulk_writes import insert_set
from bot.repositories.credit_holds import latest_plans, open_balances, scopes, where_in
from bot.repositories.ledger import table, update_rows

#: the audit action of a hold that starts
STARTED = "credit_hold_started"


@dataclass(frozen=True)
class HoldChange:
    """An account whose hold reasons now differ from its open hold's (none: no hold).

    ``written``: the hold was started and audited by the statement that found it.
    """

    account_id: int
    account_number: str
    reasons: str  # comma-separated, in the order of HOLD_REASONS; "" when none
    hold_id: int | None
    hold_reasons: str
    open_balance: Decimal
    credit_limit: Decimal | None
    written: bool = False


@dataclass(frozen=True)
class StartStamp:
    """Who starts the new holds, when and why: what their audit events say."""

    at: datetime
    actor: str
    why: str


def _reasons(balances: Any, plans: Any, past_due_before: Any) -> ColumnElement[str]:
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


def _decided(scope: Any, past_due_before: Any) -> Any:
    balances, plans = open_balances(scope), latest_plans(scope)
    held = (
        select(CreditHold.account_id, CreditHold.id, CreditHold.reasons)
        .where(CreditHold.released_at.is_(None))
        .subquery("held")
    )
    return (
        select(
            Account.id, Account.account_number, Account.credit_limit,
            balances.c.open_balance, _reasons(balances, plans, past_due_before).label("now"),
            held.c.id.label("hold_id"), func.coalesce(held.c.reasons, "").label("was"),
        )
        .outerjoin(balances, balances.c.account_id == Account.id)
        .outerjoin(plans, plans.c.account_id == Account.id)
        .outerjoin(held, held.c.account_id == Account.id)
        .where(where_in(scope, Account.id))
    )  # fmt: skip


def _started_detail(decided: Any) -> ColumnElement[str]:
    """The JSON :func:`bot.repositories.audit.record` writes for a start, built in SQL:
    ``{"credit_limit", "open_balance", "reasons", "why"}``, keys sorted, money as text (the
    ``why`` bound as JSON text)."""
    limit = case(
        (decided.c.credit_limit.is_(None), literal("null")),
        else_=literal('"').concat(cast(decided.c.credit_limit, String)).concat('"'),
    )
    balance = cast(func.round(func.coalesce(decided.c.open_balance, 0), 2), String)
    return (
        literal('{"credit_limit": ')
        .concat(limit)
        .concat(', "open_balance": "')
        .concat(balance)
        .concat('", "reasons": ["')
        .concat(func.replace(decided.c.now, ",", '", "'))
        .concat('"], "why": ')
        .concat(bindparam("why_json", type_=String()))
        .concat("}")
    )


def _writing_starts(decided: Any) -> Any:
    """``decided`` with data-modifying CTEs that start and audit its new holds (who, when
    and why bound as ``at``, ``actor`` and ``why_json``)."""
    at_type = CreditHold.started_at.type
    at = cast(bindparam("at", type_=at_type), at_type)
    holds = select(decided.c.id, decided.c.now, at).where(decided.c.hold_id.is_(None))
    events = select(
        at, bindparam("actor", type_=String()), literal("account"), decided.c.account_number,
        literal(STARTED), _started_detail(decided),
    ).where(decided.c.hold_id.is_(None))  # fmt: skip
    started = insert(table(CreditHold)).from_select(["account_id", "reasons", "started_at"], holds)
    audited = insert(table(AuditEvent)).from_select(
        ["at", "actor", "entity", "entity_id", "action", "detail"], events
    )
    return select(decided).add_cte(started.cte("started")).add_cte(audited.cte("audited"))


def _statement(scope: Any, writes: bool) -> Any:
    """The statement of :func:`hold_changes` over ``scope``, its values bound by name at
    execution: ``past_due_before``, and with ``writes`` the :func:`_writing_starts` ones."""
    query = _decided(scope, bindparam("past_due_before", type_=Date()))
    decided = query.where(query.selected_columns.now != query.selected_columns.was).cte("decided")
    return _writing_starts(decided) if writes else select(decided)


def _array_member(column: Any) -> ColumnElement[bool]:
    return column == any_(bindparam("ids", type_=ARRAY(Integer())))  # type: ignore[no-any-return]


@cache
def _by_ids(writes: bool) -> Any:
    """:func:`_statement` over the account ids bound as one array ``ids`` (PostgreSQL),
    built once per process: a payment's reconciliation (every webhook event) neither
    builds the statement again nor works out its cache key."""
    return _statement(_array_member, writes)


def hold_changes(
    session: Session,
    account_ids: Collection[int] | None,
    past_due_before: date,
    start: StartStamp | None = None,
) -> list[HoldChange]:
    """The accounts among ``account_ids`` (None: all) whose hold reasons changed.

    With ``start`` on PostgreSQL, the new holds are started and audited by the same
    statement (their changes come back ``written``).
    """
    postgresql = session.get_bind().dialect.name == "postgresql"
    writes = start is not None and postgresql
    values: dict[str, Any] = {"past_due_before": past_due_before}
    if start is not None:
        values |= {"at": start.at, "actor": start.actor, "why_json": json.dumps(start.why)}
    session.flush()  # the statements below go to the connection: no autoflush
    connection = session.connection()
    found: list[HoldChange] = []
    if postgresql and account_ids is not None:  # the ids as one array: a prepared statement
        statements = [(_by_ids(writes), values | {"ids": sorted(account_ids)})]
    else:
        statements = [(_statement(scope, writes), values) for scope in scopes(session, account_ids)]
    for statement, bound in statements:
        rows = connection.execute(statement, bound).all()
        found.extend(
            HoldChange(
                id_, number, now, hold_id, was, as_decimal(balance), limit,
                writes and hold_id is None,
            )
            for id_, number, limit, balance, now, hold_id, was in rows
        )  # fmt: skip
    return sorted(found, key=lambda change: change.account_number)


def write_hold_changes(session: Session, changes: Sequence[HoldChange], at: datetime) -> None:
    """Starts (no open hold), updates (other reasons) and releases (no reason) the holds of
    ``changes`` at ``at`` that are not ``written`` yet: one statement per kind of write."""
    insert_set(
        session,
        CreditHold,
        [
            {"account_id": c.account_id, "reasons": c.reasons, "started_at": at,
             "released_at": None}
            for c in changes if c.hold_id is None and c.reasons and not c.written
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
