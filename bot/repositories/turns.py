"""The bot's turns behind the webhooks: inbound messages waiting for the turn worker.

A webhook records an SMS or Telegram message with turn state ``pending`` and answers;
the turn worker claims it (``working``), asks the bot and queues the replies, and marks
it ``done``. Claiming takes at most the first waiting message of each conversation and
none of a conversation with a turn under way, so a customer's messages are answered in
order; on PostgreSQL the pick is ``FOR UPDATE SKIP LOCKED``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session, aliased

from bot.db.models import Account, Conversation, Escalation, Message
from bot.repositories.ledger import table

PENDING, WORKING, DONE = "pending", "working", "done"


@dataclass(frozen=True)
class Turn:
    """An inbound message the bot is to answer."""

    id: int
    conversation_id: int
    channel: str
    address: str
    body: str


def claim(session: Session, *, limit: int) -> list[Turn]:
    """Marks up to ``limit`` waiting messages ``working``, at most one per conversation."""
    earlier = aliased(Message)
    blocked = (
        select(earlier.id)
        .where(
            earlier.conversation_id == Message.conversation_id,
            earlier.id < Message.id,
            earlier.turn_state.in_((PENDING, WORKING)),
        )
        .exists()
    )
    due = select(Message.id).where(Message.turn_state == PENDING, ~blocked)
    due = due.order_by(Message.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    target = table(Message)
    statement = (
        update(target)
        .where(target.c.id.in_(due.scalar_subquery()), target.c.turn_state == PENDING)
        .values(turn_state=WORKING)
        .returning(
            target.c.id, target.c.conversation_id, target.c.channel, target.c.address,
            target.c.body,
        )
    )  # fmt: skip
    return sorted((Turn(*row) for row in session.execute(statement)), key=lambda t: t.id)


def finish(session: Session, message_id: int) -> None:
    """The turn is answered (its replies are queued)."""
    session.execute(update(table(Message)).where(Message.id == message_id).values(turn_state=DONE))


def release(session: Session, message_id: int) -> None:
    """Puts one turn under way back in line."""
    session.execute(
        update(table(Message))
        .where(Message.id == message_id, Message.turn_state == WORKING)
        .values(turn_state=PENDING)
    )


def release_working(session: Session) -> int:
    """Puts turns a dead worker left ``working`` back in line (their replies are keyed by
    the message, so a turn answered twice is sent once); how many."""
    result = session.execute(
        update(table(Message)).where(Message.turn_state == WORKING).values(turn_state=PENDING)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class TurnFacts:
    """What decides whether and how the bot answers a turn."""

    owner: int | None
    consumer: bool
    has_outbound: bool


def facts(session: Session, conversation_id: int) -> TurnFacts:
    """Who owns the conversation, whether it is a consumer's, whether anything was sent."""
    owner = (
        select(Escalation.assigned_to)
        .where(Escalation.conversation_id == conversation_id, Escalation.status == "claimed")
        .order_by(Escalation.claimed_at.desc(), Escalation.id.desc())
        .limit(1)
    )
    sent = exists().where(Message.conversation_id == conversation_id, Message.direction == "out")
    consumer = (
        select(Account.consumer)
        .join(Conversation, Conversation.account_id == Account.id)
        .where(Conversation.id == conversation_id)
    )
    row = session.execute(select(owner.scalar_subquery(), consumer.scalar_subquery(), sent)).one()
    return TurnFacts(row[0], bool(row[1]), bool(row[2]))
