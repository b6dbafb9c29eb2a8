"""The transcript: every inbound and outbound message, grouped into conversations.

A conversation is the sender's latest one until it has been idle for more than
``policy.session_idle_minutes`` (SPEC §5: a verified session ends after 30 minutes idle);
the next message then ends it (``ended_at`` = its last message) and starts a new one —
unless a collector has claimed an escalation on it: a conversation a person owns does not
time out under them. Messages are their own record; conversations starting, ending and
escalating are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import Conversation, Message
from bot.errors import NotFound
from bot.policy.rules import DEFAULT_POLICY, Policy
from bot.policy.verification import session_expired
from bot.repositories import audit, contacts, conversations, escalations
from bot.services.customers import contact_channel, sender_address


@dataclass(frozen=True)
class MessageRecord:
    """A message in the transcript; ``duplicate`` when a provider retry was recognised."""

    id: int
    conversation_id: int
    duplicate: bool


def record_inbound(
    session: Session,
    channel: str,
    address: str,
    body: str,
    *,
    now: datetime,
    provider_id: str | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> MessageRecord:
    """Records a customer's message; a repeated ``(channel, provider_id)`` writes nothing.

    Raises:
        InputError: naming the channel or address when either is not acceptable.
    """
    return _record(session, channel, address, body, "in", "customer", now, provider_id, policy)


def record_outbound(
    session: Session,
    channel: str,
    address: str,
    body: str,
    *,
    now: datetime,
    author: str = "bot",
    provider_id: str | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> MessageRecord:
    """Records a message to the customer from the bot, a collector or the system.

    Raises:
        InputError: naming the channel or address when either is not acceptable.
    """
    return _record(session, channel, address, body, "out", author, now, provider_id, policy)


def mark_escalated(session: Session, conversation_id: int, *, now: datetime) -> None:
    """Marks a conversation as handed to people (it no longer counts as contained).

    Raises:
        NotFound: naming the conversation id.
    """
    with session.begin():
        conversation = conversations.get(session, conversation_id)
        if conversation is None:
            raise NotFound(f"conversation {conversation_id} does not exist")
        if not conversation.escalated:
            conversation.escalated = True
            audit.record(
                session,
                at=now,
                entity="conversation",
                entity_id=conversation_id,
                action="escalated",
            )


def has_outbound(session: Session, conversation_id: int) -> bool:
    """Whether the customer has been sent anything in this conversation yet."""
    with session.begin():
        return conversations.has_outbound(session, conversation_id)


def _record(
    session: Session,
    channel: str,
    address: str,
    body: str,
    direction: str,
    author: str,
    now: datetime,
    provider_id: str | None,
    policy: Policy,
) -> MessageRecord:
    address = sender_address(channel, address)
    with session.begin():
        if provider_id is not None:
            known = conversations.message_by_provider_id(session, channel, provider_id)
            if known is not None:
                return _duplicate(known)
        conversation = _conversation(session, channel, address, now, policy)
        message = Message(
            conversation_id=conversation.id,
            channel=channel,
            direction=direction,
            author=author,
            address=address,
            body=body,
            provider_id=provider_id,
            created_at=now,
        )
        try:
            with session.begin_nested():
                session.add(message)
        except IntegrityError:  # a concurrent retry of the same provider message won
            known = conversations.message_by_provider_id(session, channel, provider_id or "")
            if known is None:
                raise
            return _duplicate(known)
        conversation.last_message_at = max(conversation.last_message_at, now)
        return MessageRecord(message.id, conversation.id, duplicate=False)


def _duplicate(message: Message) -> MessageRecord:
    return MessageRecord(message.id, message.conversation_id or 0, duplicate=True)


def _conversation(
    session: Session, channel: str, address: str, now: datetime, policy: Policy
) -> Conversation:
    """The sender's conversation for a message at ``now``, started or renewed as needed."""
    accounts = contacts.accounts_for(session, contact_channel(channel), address)
    account_id = accounts[0].id if accounts else None
    latest = conversations.current(session, channel, address)
    if latest is not None and _idle(session, latest, now, policy):
        latest.ended_at = latest.last_message_at
        audit.record(session, at=now, entity="conversation", entity_id=latest.id, action="ended")
        latest = None
    if latest is None:
        latest = conversations.start(session, channel, address, account_id, now)
        audit.record(
            session,
            at=now,
            entity="conversation",
            entity_id=latest.id,
            action="started",
            detail={"channel": channel, "account_id": account_id},
        )
    elif latest.account_id is None and account_id is not None:
        latest.account_id = account_id
    return latest


def _idle(session: Session, conversation: Conversation, now: datetime, policy: Policy) -> bool:
    """Idle too long, and no collector holds it."""
    if not session_expired(conversation.last_message_at, now, policy):
        return False
    return escalations.claimed_on(session, conversation.id) is None
