"""The integration change feed (SPEC §15): events noted in a transaction, written at its commit.

Every change the feed reports is already audited, so :func:`bot.repositories.audit.record`
notes the audit events the feed carries (:data:`FEED_TYPES`), and the cash application
notes ``payment.received`` itself (:func:`emit`). Noted events wait in the session; just
before the session commits (``before_commit``), they are written in that same transaction —
no change without its event, no event without its change — and a rollback drops them.

**Commit order.** A sequence gives ids in the order transactions *ask*, not the order they
commit: on PostgreSQL a reader could see id 7 before id 6 commits and skip 6 for good. Here
the ids come from the one row of ``feed_counter``, taken ``FOR UPDATE`` as the last thing a
transaction does before it commits: the next writer waits on that row lock until this one
has committed, so ids increase in commit order and a reader that has seen id N never sees
a smaller one appear later. The lock is held only for the commit itself (it is the last
lock taken, so it cannot be part of a deadlock). SQLite serialises writers anyway
(``BEGIN IMMEDIATE``), so there the same code is simply exact.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, bindparam, event, insert, select, update
from sqlalchemy.orm import Session

from bot.db.models import (
    Account,
    Dispute,
    Escalation,
    FeedCounter,
    FeedEvent,
    Invoice,
    Payment,
    PaymentPlan,
    Promise,
    WriteOff,
)
from bot.repositories.ledger import member_of, table

#: the feed type of each audited (entity, action) the feed carries
FEED_TYPES: Mapping[tuple[str, str], str] = {
    ("payment", "reversed"): "payment.reversed",
    ("promise", "created"): "promise.created",
    ("promise", "kept"): "promise.kept",
    ("promise", "broken"): "promise.broken",
    ("plan", "created"): "plan.created",
    ("plan", "defaulted"): "plan.defaulted",
    ("plan", "completed"): "plan.completed",
    ("dispute", "opened"): "dispute.opened",
    ("dispute", "upheld"): "dispute.resolved",
    ("dispute", "rejected"): "dispute.resolved",
    ("escalation", "opened"): "escalation.opened",
    ("escalation", "resolved"): "escalation.resolved",
    ("account", "credit_hold_started"): "credit_hold.started",
    ("account", "credit_hold_released"): "credit_hold.released",
    ("write_off", "write_off_approved"): "write_off.approved",
    ("contact_preference", "opt_out"): "contact.opted_out",
    ("contact_preference", "opt_in"): "contact.opted_in",
    ("contact_preference", "cease"): "contact.ceased",
}
#: every type the feed may carry, in SPEC order
TYPES = ("payment.received", *dict.fromkeys(FEED_TYPES.values()))
_PENDING = "arbot_feed_pending"
#: detail fields that are internal ids, not for the receiver
_INTERNAL = frozenset({"account_id"})


@dataclass
class Noted:
    """An event waiting for its transaction's commit; the account is found at commit."""

    type: str
    at: datetime
    entity: str
    entity_id: str
    data: dict[str, Any]
    account_number: str | None = None


@dataclass(frozen=True)
class StoredEvent:
    id: int
    type: str
    occurred_at: datetime
    account_number: str | None
    data: dict[str, Any]


def note_audited(
    session: Session,
    *,
    at: datetime,
    entity: str,
    entity_id: object,
    action: str,
    detail: Mapping[str, object] | None,
) -> None:
    """Notes the feed event of an audit event, when the feed carries that change."""
    kind = FEED_TYPES.get((entity, action))
    if kind is None:
        return
    data = {k: v for k, v in (detail or {}).items() if k not in _INTERNAL}
    if entity == "dispute":
        data["status"] = action
    if entity in ("promise", "plan", "dispute", "escalation", "write_off"):
        data = {"id": _plain(entity_id), **data}
    _pending(session).append(Noted(kind, at, entity, str(entity_id), data))


def emit(
    session: Session, kind: str, *, at: datetime, account_number: str | None, data: dict[str, Any]
) -> None:
    """Notes one event whose account is known (``payment.received``)."""
    _pending(session).append(Noted(kind, at, "", "", data, account_number))


def page(session: Session, *, after: int, limit: int) -> list[StoredEvent]:
    """The events after id ``after``, oldest first, at most ``limit``."""
    rows = session.execute(
        select(FeedEvent).where(FeedEvent.id > after).order_by(FeedEvent.id).limit(limit)
    ).scalars()
    return [
        StoredEvent(r.id, r.type, r.occurred_at, r.account_number, json.loads(r.data)) for r in rows
    ]


def page_json(session: Session, *, after: int, limit: int) -> tuple[list[str], int]:
    """The events after id ``after`` as JSON texts, oldest first (their ``data`` spliced
    in as stored, not parsed again), and the last id of the page (``after`` when none)."""
    rows = session.execute(
        select(FeedEvent.id, FeedEvent.type, FeedEvent.occurred_at, FeedEvent.account_number,
               FeedEvent.data)
        .where(FeedEvent.id > after).order_by(FeedEvent.id).limit(limit)
    ).tuples().all()  # fmt: skip
    texts = [
        f'{{"id":{i},"type":{json.dumps(kind)},"occurred_at":"{at.isoformat()}",'
        f'"account_number":{json.dumps(account)},"data":{data}}}'
        for i, kind, at, account, data in rows
    ]
    return texts, rows[-1][0] if rows else after


def last_id(session: Session) -> int:
    """The newest event id (0 before the first)."""
    return int(session.scalar(select(FeedCounter.last_id).where(FeedCounter.id == 1)) or 0)


def _pending(session: Session) -> list[Noted]:
    pending: list[Noted] = session.info.setdefault(_PENDING, [])
    return pending


def _plain(value: str | object) -> object:
    text = str(value)
    return int(text) if text.isdigit() else text


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    """Writes the noted events in the committing transaction, ids in commit order."""
    pending: list[Noted] = session.info.pop(_PENDING, [])
    if not pending:
        return
    session.flush()  # every other change first: the counter's lock is the last one taken
    _find_accounts(session, pending)
    first = _take_ids(session, len(pending))
    rows = [
        {
            "id": first + n,
            "type": item.type,
            "occurred_at": item.at,
            "account_number": item.account_number,
            "data": json.dumps(item.data, default=str, sort_keys=True),
        }
        for n, item in enumerate(pending)
    ]
    session.execute(insert(table(FeedEvent)), rows)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, _previous: object) -> None:
    session.info.pop(_PENDING, None)


def _take_ids(session: Session, count: int) -> int:
    """Reserves ``count`` ids under the counter's row lock (one ``UPDATE … RETURNING``, the
    lock taken and the ids read in one round trip); returns the first."""
    last = session.execute(_taking(), {"taken": count}).scalar()
    if last is None:  # a schema made without the migration's row
        session.add(FeedCounter(id=1, last_id=count))
        session.flush()
        last = count
    return int(last) - count + 1


@cache
def _taking() -> Any:
    """:func:`_take_ids`' statement, built once per process (every commit with events)."""
    counter = table(FeedCounter)
    return (
        update(counter)
        .where(counter.c.id == 1)
        .values(last_id=counter.c.last_id + bindparam("taken", type_=Integer()))
        .returning(counter.c.last_id)
    )


#: how each audited entity reaches its account id
_OWNER: dict[str, tuple[Any, Any]] = {
    "promise": (Promise.id, Promise.account_id),
    "plan": (PaymentPlan.id, PaymentPlan.account_id),
    "dispute": (Dispute.id, Dispute.account_id),
    "escalation": (Escalation.id, Escalation.account_id),
    "payment": (Payment.payment_id, Payment.account_id),
}


def _find_accounts(session: Session, pending: list[Noted]) -> None:
    """Fills in the account number of every noted event from its entity."""
    wanted: dict[str, set[str]] = {}
    for item in pending:
        if item.entity and item.entity != "account":
            wanted.setdefault(item.entity, set()).add(item.entity_id)
    numbers: dict[tuple[str, str], str] = {}
    for entity, ids in wanted.items():
        numbers.update({(entity, k): v for k, v in _owners(session, entity, ids).items()})
    for item in pending:
        if item.entity == "account":
            item.account_number = item.entity_id
        elif item.entity:
            item.account_number = numbers.get((item.entity, item.entity_id))


def _owners(session: Session, entity: str, ids: Collection[str]) -> dict[str, str]:
    """The account number of each of these entities that has an account (one statement
    per chunk of ids, the account joined)."""
    key: Any
    if entity == "contact_preference":
        key, base = Account.id, select(Account.id, Account.account_number)
    elif entity == "write_off":
        key = WriteOff.id
        base = (
            select(key, Account.account_number)
            .join(Invoice, Invoice.id == WriteOff.invoice_id)
            .join(Account, Account.id == Invoice.account_id)
        )
    else:
        key, owner = _OWNER[entity]
        base = select(key, Account.account_number).join(Account, Account.id == owner)
    typed: Collection[object] = ids if entity == "payment" else {int(i) for i in ids}
    found: dict[str, str] = {}
    for condition in member_of(session, key, typed):
        found.update({str(k): v for k, v in session.execute(base.where(condition)).tuples()})
    return found
