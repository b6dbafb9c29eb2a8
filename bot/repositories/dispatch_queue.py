"""The dispatch queue: outbound messages waiting for, or taken by, the dispatcher.

Claiming is one statement that picks the oldest due ``pending`` messages — at most the
first of each conversation, and none of a conversation whose earlier message is still
``pending`` or ``sending`` — and marks them ``sending``. On PostgreSQL the pick is
``FOR UPDATE SKIP LOCKED``, so two dispatchers never take one row, and a message whose
predecessor another dispatcher holds is not due; on SQLite the statement runs under the
database's single writer lock, which does the same.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.db.models import EarlyStatus, Message
from bot.policy.retries import IN_DOUBT, NEEDS_A_PERSON, PENDING, SENDING
from bot.repositories.ledger import table


@dataclass(frozen=True)
class Claimed:
    """A message the dispatcher took, as the sender needs it."""

    id: int
    conversation_id: int | None
    channel: str
    address: str
    body: str
    buttons: str | None
    key: str
    automated: bool
    attempts: int
    created_at: datetime


def claim(
    session: Session, now: datetime, *, limit: int, ids: Collection[int] | None = None
) -> list[Claimed]:
    """Marks up to ``limit`` due messages ``sending`` (of ``ids`` only, when given);
    returns them, oldest first."""
    earlier = aliased(Message)
    blocked = (
        select(earlier.id)
        .where(
            earlier.conversation_id == Message.conversation_id,
            earlier.id < Message.id,
            earlier.dispatch_state.in_((PENDING, SENDING)),
        )
        .exists()
    )
    due = select(Message.id).where(
        Message.dispatch_state == PENDING,
        or_(Message.next_attempt_at.is_(None), Message.next_attempt_at <= now),
        ~blocked,
    )
    if ids is not None:
        due = due.where(Message.id.in_(sorted(ids)))
    due = due.order_by(Message.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    target = table(Message)
    statement = (
        update(target)
        .where(target.c.id.in_(due.scalar_subquery()), target.c.dispatch_state == PENDING)
        .values(dispatch_state=SENDING, sending_at=now, attempts=target.c.attempts + 1)
        .returning(
            target.c.id, target.c.conversation_id, target.c.channel, target.c.address,
            target.c.body, target.c.buttons, target.c.idempotency_key, target.c.automated,
            target.c.attempts, target.c.created_at,
        )
    )  # fmt: skip
    rows = [Claimed(*row) for row in session.execute(statement)]
    return sorted(rows, key=lambda row: row.id)


def mark_done_many(session: Session, receipts: Sequence[tuple[int, str, str, str]]) -> None:
    """Stores the providers' receipts ``(message id, provider, provider id, status)``: one
    executemany; the messages are ``done``."""
    if not receipts:
        return
    target = table(Message)
    session.execute(
        update(target)
        .where(target.c.id == bindparam("r_id"))
        .values(
            dispatch_state="done", provider=bindparam("r_provider"),
            provider_id=bindparam("r_provider_id"),
            delivery_status=bindparam("r_status"), error=None,
        ),
        [
            {"r_id": i, "r_provider": v, "r_provider_id": p, "r_status": s}
            for i, v, p, s in receipts
        ],
    )  # fmt: skip


def release(session: Session, message_ids: Collection[int]) -> None:
    """Puts claimed messages no sender was given back in the queue."""
    target = table(Message)
    session.execute(
        update(target)
        .where(target.c.id.in_(sorted(message_ids)), target.c.dispatch_state == SENDING)
        .values(dispatch_state=PENDING, attempts=target.c.attempts - 1)
    )


def mark_retry(session: Session, message_id: int, at: datetime, error: str) -> None:
    """Puts a failed message back in the queue, due at ``at``."""
    session.execute(
        update(table(Message))
        .where(Message.id == message_id)
        .values(dispatch_state=PENDING, next_attempt_at=at, error=error)
    )


def mark_failed(session: Session, message_id: int, reason: str) -> None:
    """Gives a message up: ``failed`` with the reason."""
    session.execute(
        update(table(Message))
        .where(Message.id == message_id)
        .values(dispatch_state="failed", delivery_status="failed", error=reason)
    )


def settle_in_doubt(session: Session, *, handed_before: datetime) -> list[int]:
    """Marks ``in_doubt`` the messages handed to a provider before ``handed_before`` and
    still ``sending`` (their dispatcher died before storing the answer); their ids."""
    target = table(Message)
    statement = (
        update(target)
        .where(target.c.dispatch_state == SENDING, target.c.sending_at < handed_before)
        .values(
            dispatch_state=IN_DOUBT,
            error="handed to the provider, no answer recorded: not sent again automatically",
        )
        .returning(target.c.id)
    )
    return sorted(session.scalars(statement))


@dataclass(frozen=True)
class Stuck:
    """A message a person must look at: failed or in doubt."""

    id: int
    conversation_id: int | None
    channel: str
    address: str
    author: str
    body: str
    state: str
    attempts: int
    error: str | None
    created_at: datetime


def needing_a_person(session: Session, *, limit: int = 200) -> list[Stuck]:
    """Failed and in-doubt messages, oldest first."""
    query = (
        select(
            Message.id, Message.conversation_id, Message.channel, Message.address,
            Message.author, Message.body, Message.dispatch_state, Message.attempts,
            Message.error, Message.created_at,
        )
        .where(Message.dispatch_state.in_(NEEDS_A_PERSON))
        .order_by(Message.id)
        .limit(limit)
    )  # fmt: skip
    return [Stuck(*row) for row in session.execute(query)]


def stuck(session: Session, message_id: int) -> Stuck | None:
    """One message, when it is failed or in doubt (locked for the change)."""
    query = (
        select(
            Message.id, Message.conversation_id, Message.channel, Message.address,
            Message.author, Message.body, Message.dispatch_state, Message.attempts,
            Message.error, Message.created_at,
        )
        .where(Message.id == message_id, Message.dispatch_state.in_(NEEDS_A_PERSON))
        .with_for_update()
    )  # fmt: skip
    row = session.execute(query).first()
    return None if row is None else Stuck(*row)


def requeue(session: Session, message_id: int, now: datetime) -> None:
    """Puts a failed or in-doubt message back in the queue, due now, as a new message
    with a new 24-hour span of retries."""
    session.execute(
        update(table(Message))
        .where(Message.id == message_id)
        .values(
            dispatch_state=PENDING, delivery_status="queued", next_attempt_at=now,
            attempts=0, error=None,
        )
    )  # fmt: skip


def discard(session: Session, message_id: int) -> None:
    """Gives a failed or in-doubt message up for good."""
    session.execute(
        update(table(Message)).where(Message.id == message_id).values(dispatch_state="discarded")
    )


def counts(session: Session) -> dict[str, int]:
    """How many outbound messages are in each dispatch state."""
    query = (
        select(Message.dispatch_state, func.count())
        .where(Message.dispatch_state.is_not(None))
        .group_by(Message.dispatch_state)
    )
    return {state or "": n for state, n in session.execute(query).tuples()}


def keep_early_status(
    session: Session, provider: str, provider_id: str, status: str, error: str | None, now: datetime
) -> None:
    """Keeps a status callback whose message is not known by that provider id yet."""
    session.execute(
        insert(table(EarlyStatus)).values(
            provider=provider, provider_id=provider_id, status=status, error=error,
            received_at=now,
        )
    )  # fmt: skip


@dataclass(frozen=True)
class Early:
    status: str
    error: str | None


def take_early_statuses(session: Session, provider: str, provider_id: str) -> Sequence[Early]:
    """The status callbacks kept for ``provider_id``, oldest first; removed."""
    condition = and_(EarlyStatus.provider == provider, EarlyStatus.provider_id == provider_id)
    rows = session.execute(
        select(EarlyStatus.status, EarlyStatus.error).where(condition).order_by(EarlyStatus.id)
    ).all()
    if rows:
        session.execute(delete(EarlyStatus).where(condition))
    return [Early(*row) for row in rows]
