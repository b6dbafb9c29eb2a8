"""Conversations and their transcript."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot.db.models import Conversation, Message


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
