"""Conversations and their transcript."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, exists, insert, select, update
from sqlalchemy.orm import Session

from bot.db.models import Conversation, Escalation, Message
from bot.repositories.ledger import array_member, member_of, one_array, table


def current(session: Session, channel: str, sender: str) -> Conversation | None:
    """The sender's latest conversation that has not ended."""
    query = (
        select(Conversation)
        .where(
            Conversation.channel == channel,
            Conversation.sender == sender,
            Conversation.ended_at.is_(None),
        )
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def start(
    session: Session, channel: str, sender: str, account_id: int | None, now: datetime
) -> Conversation:
    """A new conversation with the sender, starting ``now``."""
    conversation = Conversation(
        channel=channel,
        sender=sender,
        account_id=account_id,
        started_at=now,
        last_message_at=now,
        escalated=False,
    )
    session.add(conversation)
    session.flush()
    return conversation


def get(session: Session, conversation_id: int) -> Conversation | None:
    """The conversation with this id, or None."""
    return session.get(Conversation, conversation_id)


def message_by_provider_id(session: Session, channel: str, provider_id: str) -> Message | None:
    """The message a provider already delivered under this id (a webhook retry)."""
    query = select(Message).where(Message.channel == channel, Message.provider_id == provider_id)
    return session.scalar(query)


def has_outbound(session: Session, conversation_id: int) -> bool:
    """Whether anything was sent to the customer in this conversation yet."""
    query = select(
        exists().where(Message.conversation_id == conversation_id, Message.direction == "out")
    )
    return bool(session.scalar(query))


def latest_of_account(session: Session, account_id: int) -> Conversation | None:
    """The account's most recent conversation that has not ended, on any channel."""
    query = (
        select(Conversation)
        .where(Conversation.account_id == account_id, Conversation.ended_at.is_(None))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(1)
    )
    return session.scalar(query)


# --- the gateway's hot path: one row per question, Core statements, no ORM flush ----------


@dataclass(frozen=True)
class CurrentState:
    """The sender's current conversation as an inbound message needs it."""

    id: int
    account_id: int | None
    last_message_at: datetime
    owner: int | None  # the collector who claimed it
    claimed: bool
    has_outbound: bool


def current_state(session: Session, channel: str, sender: str) -> CurrentState | None:
    """The sender's latest open conversation with its claim and whether anything was sent."""
    claim = (
        select(Escalation.assigned_to)
        .where(Escalation.conversation_id == Conversation.id, Escalation.status == "claimed")
        .order_by(Escalation.claimed_at.desc(), Escalation.id.desc())
        .limit(1)
    )
    claimed = exists().where(
        Escalation.conversation_id == Conversation.id, Escalation.status == "claimed"
    )
    sent = exists().where(Message.conversation_id == Conversation.id, Message.direction == "out")
    query = (
        select(
            Conversation.id,
            Conversation.account_id,
            Conversation.last_message_at,
            claim.scalar_subquery().label("owner"),
            claimed.label("claimed"),
            sent.label("has_outbound"),
        )
        .where(
            Conversation.channel == channel,
            Conversation.sender == sender,
            Conversation.ended_at.is_(None),
        )
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(1)
    )
    row = session.execute(query).first()
    if row is None:
        return None
    return CurrentState(
        row.id,
        row.account_id,
        row.last_message_at,
        row.owner,
        bool(row.claimed),
        bool(row.has_outbound),
    )


def end(session: Session, conversation_id: int) -> None:
    """Ends a conversation at its last message."""
    session.execute(
        update(table(Conversation))
        .where(Conversation.id == conversation_id)
        .values(ended_at=Conversation.last_message_at)
    )


def add_messages(
    session: Session,
    conversation_id: int,
    channel: str,
    address: str,
    bodies: Sequence[str],
    *,
    direction: str,
    author: str,
    at: datetime,
    provider_id: str | None = None,
    provider: str | None = None,
    keys: Sequence[str | None] | None = None,
    buttons: Sequence[str | None] | None = None,
    automated: bool = False,
    turn_state: str | None = None,
) -> list[int]:
    """Inserts messages into a conversation and moves its ``last_message_at`` up to ``at``.

    ``provider`` and ``keys`` (one idempotency key per body) mark outbound messages that
    are handed to a provider; they start ``queued``. ``buttons`` holds each message's
    suggested replies as JSON.
    """
    messages = table(Message)
    keys = keys if keys is not None else [None] * len(bodies)
    buttons = buttons if buttons is not None else [None] * len(bodies)
    ids = [
        session.execute(
            insert(messages)
            .values(
                conversation_id=conversation_id,
                channel=channel,
                direction=direction,
                author=author,
                address=address,
                body=body,
                provider_id=provider_id,
                provider=provider,
                idempotency_key=key,
                delivery_status="queued" if provider is not None else None,
                dispatch_state="pending" if provider is not None else None,
                automated=automated,
                turn_state=turn_state,
                buttons=choices,
                created_at=at,
            )
            .returning(messages.c.id)
        ).scalar_one()
        for body, key, choices in zip(bodies, keys, buttons, strict=True)
    ]
    session.execute(
        update(table(Conversation))
        .where(Conversation.id == conversation_id, Conversation.last_message_at < at)
        .values(last_message_at=at)
    )
    return ids


def last_buttons(session: Session, conversation_id: int) -> str | None:
    """The suggested replies (JSON) of the latest outbound message of a conversation."""
    query = (
        select(Message.buttons)
        .where(Message.conversation_id == conversation_id, Message.direction == "out")
        .order_by(Message.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def transcript(
    session: Session, conversation_id: int
) -> Sequence[tuple[int, str, str, str, str | None, datetime]]:
    """(id, direction, author, body, delivery status, created at) of every message of a
    conversation, oldest first."""
    query = (
        select(
            Message.id,
            Message.direction,
            Message.author,
            Message.body,
            Message.delivery_status,
            Message.created_at,
        )
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.id)
    )
    return [tuple(row) for row in session.execute(query)]


def set_account(session: Session, conversation_id: int, account_id: int) -> None:
    """Attaches a conversation that started without an account to the sender's account."""
    session.execute(
        update(table(Conversation))
        .where(Conversation.id == conversation_id, Conversation.account_id.is_(None))
        .values(account_id=account_id)
    )


def channel_and_sender(session: Session, conversation_id: int) -> tuple[str, str] | None:
    """The channel and sender of a conversation, or None when there is no such one."""
    query = select(Conversation.channel, Conversation.sender).where(
        Conversation.id == conversation_id
    )
    row = session.execute(query).first()
    return None if row is None else (row.channel, row.sender)


# --- a group of outbound messages: one statement per question for the whole group -------


@dataclass(frozen=True)
class OpenConversation:
    """A sender's current conversation as an outbound message needs it."""

    id: int
    account_id: int | None
    last_message_at: datetime
    claimed: bool


def open_of_senders(
    session: Session, senders: Collection[tuple[str, str]]
) -> dict[tuple[str, str], OpenConversation]:
    """The latest open conversation of each ``(channel, sender)`` that has one
    (:func:`current_state` for many senders, without owner and outbound flag)."""
    wanted = set(senders)
    channels = sorted({channel for channel, _ in wanted})
    addresses = {s for _, s in wanted}
    if one_array(session, addresses):
        values = {"senders": sorted(addresses), "channels": channels}
        results = [session.execute(_open_of_arrays(), values)]
    else:
        results = [
            session.execute(_open_of(condition, Conversation.channel.in_(channels)))
            for condition in member_of(session, Conversation.sender, addresses)
        ]
    found: dict[tuple[str, str], OpenConversation] = {}
    for row in (row for result in results for row in result):
        pair = (row.channel, row.sender)
        if pair in wanted and pair not in found:
            found[pair] = OpenConversation(
                row.id, row.account_id, row.last_message_at, bool(row.claimed)
            )
    return found


def _open_of(sent_by: Any, channeled: Any) -> Any:
    claimed = exists().where(
        Escalation.conversation_id == Conversation.id, Escalation.status == "claimed"
    )
    return (
        select(
            Conversation.channel,
            Conversation.sender,
            Conversation.id,
            Conversation.account_id,
            Conversation.last_message_at,
            claimed.label("claimed"),
        )
        .where(sent_by, channeled, Conversation.ended_at.is_(None))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
    )


@cache
def _open_of_arrays() -> Any:
    """:func:`open_of_senders`' statement with ``senders`` and ``channels`` bound as
    arrays, built once per process (every outbound message asks it)."""
    return _open_of(
        array_member(Conversation.sender, "senders"), array_member(Conversation.channel, "channels")
    )


def end_many(session: Session, conversation_ids: Collection[int]) -> None:
    """Ends conversations, each at its last message."""
    target = table(Conversation)
    for condition in member_of(session, target.c.id, conversation_ids):
        session.execute(update(target).where(condition).values(ended_at=target.c.last_message_at))


def start_many(
    session: Session, senders: Sequence[tuple[str, str, int | None]], now: datetime
) -> list[int]:
    """Starts a conversation with each ``(channel, sender, account id)`` (each sender once)
    in one statement.

    Returns:
        The new ids, in the order of ``senders``.
    """
    if not senders:
        return []
    target = table(Conversation)
    rows = [
        {"channel": channel, "sender": sender, "account_id": account_id, "started_at": now,
         "last_message_at": now, "ended_at": None, "escalated": False}
        for channel, sender, account_id in senders
    ]  # fmt: skip
    # matched by sender: asking for the parameters' order would send the rows one at a time
    statement = insert(target).returning(target.c.channel, target.c.sender, target.c.id)
    ids = {(channel, sender): id_ for channel, sender, id_ in session.execute(statement, rows)}
    return [ids[(channel, sender)] for channel, sender, _ in senders]


def set_accounts(session: Session, accounts: Mapping[int, int]) -> None:
    """:func:`set_account` for many conversations (conversation id → account id)."""
    if not accounts:
        return
    target = table(Conversation)
    statement = (
        update(target)
        .where(target.c.id == bindparam("c_id"), target.c.account_id.is_(None))
        .values(account_id=bindparam("c_account_id"))
    )
    session.execute(statement, [{"c_id": c, "c_account_id": a} for c, a in accounts.items()])


def touch(session: Session, conversation_ids: Collection[int], at: datetime) -> None:
    """Moves the ``last_message_at`` of conversations up to ``at``."""
    target = table(Conversation)
    if one_array(session, conversation_ids):
        values = {"conversation_ids": sorted(conversation_ids), "touched_at": at}
        session.execute(_touching(), values)
        return
    for condition in member_of(session, target.c.id, conversation_ids):
        session.execute(
            update(target)
            .where(condition, target.c.last_message_at < at)
            .values(last_message_at=at)
        )


@cache
def _touching() -> Any:
    """:func:`touch`'s statement with ``conversation_ids`` and ``touched_at`` bound at
    execution, built once per process (every outbound message runs it)."""
    target = table(Conversation)
    at = bindparam("touched_at", type_=target.c.last_message_at.type)
    return (
        update(target)
        .where(array_member(target.c.id, "conversation_ids"), target.c.last_message_at < at)
        .values(last_message_at=at)
    )


def existing(session: Session, conversation_ids: Collection[int]) -> set[int]:
    """Which of these conversation ids exist."""
    found: set[int] = set()
    for condition in member_of(session, Conversation.id, conversation_ids):
        found.update(session.scalars(select(Conversation.id).where(condition)))
    return found
