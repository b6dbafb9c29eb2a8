"""The transcript: every inbound and outbound message, grouped into conversations.

A conversation is the sender's latest one until it has been idle for more than
``policy.session_idle_minutes`` (SPEC §5: a verified session ends after 30 minutes idle);
the next message then ends it (``ended_at`` = its last message) and starts a new one —
unless a collector has claimed an escalation on it: a conversation a person owns does not
time out under them. Messages are their own record; conversations starting, ending and
escalating are audited.

Recording an inbound message also answers what the gateway must know before it lets the
bot speak — is it a provider's retry, does a collector own the conversation, is a consumer
disclosure due — in the same single transaction: this runs for every message.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import Message
from bot.errors import NotFound
from bot.policy.rules import DEFAULT_POLICY, Policy
from bot.policy.verification import session_expired
from bot.repositories import audit, contacts, conversations, messages, reminder_attempts
from bot.services.customers import contact_channel, sender_address
from integrations.rasa import Button

#: a customer's message within this long of a reminder counts as its answer (its outcome)
REPLY_WINDOW = timedelta(days=3)


@dataclass(frozen=True)
class MessageRecord:
    """A message in the transcript; ``duplicate`` when a provider retry was recognised."""

    id: int
    conversation_id: int
    duplicate: bool


@dataclass(frozen=True)
class InboundRecord(MessageRecord):
    """A customer's message as recorded, with what decides whether and how the bot answers.

    Attributes:
        owner: the collector (user id) who has claimed the conversation, if any.
        disclose: the sender's account is a consumer's and nothing has been sent to them
            in this conversation yet (the first reply carries the disclosure).
    """

    owner: int | None = None
    disclose: bool = False


def record_inbound(
    session: Session,
    channel: str,
    address: str,
    body: str,
    *,
    now: datetime,
    provider_id: str | None = None,
    policy: Policy = DEFAULT_POLICY,
    turn: bool = False,
) -> InboundRecord:
    """Records a customer's message; a repeated ``(channel, provider_id)`` writes nothing.

    ``turn``: the bot answers it later, behind the webhook (the turn worker of
    :mod:`bot.services.turns` finds it waiting).

    Raises:
        InputError: naming the channel or address when either is not acceptable.
    """
    return _record(
        session, channel, address, body, "in", "customer", now, provider_id, policy, turn=turn
    )


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


def record_replies(
    session: Session,
    conversation_id: int,
    bodies: Sequence[str],
    *,
    now: datetime,
    author: str = "bot",
    buttons: Sequence[str | None] | None = None,
) -> list[int]:
    """Records the bot's replies to a message in the conversation that message is in.

    ``buttons`` holds each reply's suggested replies as JSON (:func:`buttons_json`).

    Returns:
        The ids of the messages, in order.

    Raises:
        NotFound: naming the conversation id.
    """
    with session.begin():
        found = conversations.channel_and_sender(session, conversation_id)
        if found is None:
            raise NotFound(f"conversation {conversation_id} does not exist")
        channel, sender = found
        return conversations.add_messages(
            session,
            conversation_id,
            channel,
            sender,
            bodies,
            direction="out",
            author=author,
            at=now,
            buttons=buttons,
        )


def buttons_json(buttons: Sequence[Button]) -> str | None:
    """Suggested replies as stored with a message (None when there are none)."""
    if not buttons:
        return None
    return json.dumps([{"title": b.title, "payload": b.payload} for b in buttons])


def chosen_payload(session: Session, conversation_id: int, answer: str) -> str | None:
    """What a numbered answer ("2") picks from the options the customer was last offered.

    SMS has no buttons: they are sent as numbered options (SPEC §7), and the number that
    comes back means that option's payload. None when ``answer`` is not such a number.
    """
    number = answer.strip().rstrip(".)")
    if not number.isdigit():
        return None
    with session.begin():
        stored = conversations.last_buttons(session, conversation_id)
    if stored is None:
        return None
    options = json.loads(stored)
    index = int(number) - 1
    if not 0 <= index < len(options):
        return None
    return str(options[index]["payload"])


def add_delivery(
    session: Session,
    channel: str,
    address: str,
    body: str,
    *,
    now: datetime,
    author: str,
    provider: str,
    key: str,
    conversation_id: int | None = None,
    buttons: str | None = None,
    policy: Policy = DEFAULT_POLICY,
    automated: bool = False,
) -> MessageRecord:
    """Records a message about to be handed to ``provider``, once per idempotency ``key``,
    inside the caller's transaction (the delivery service sends in batches).

    The message goes into ``conversation_id`` when given (a reply), else into the
    sender's current conversation, started if needed (a collector's or the scheduler's
    message). A key recorded before — a retried request, a rerun pass — writes nothing
    and comes back with ``duplicate`` set.

    Raises:
        InputError: naming the channel or address when either is not acceptable.
        NotFound: naming the conversation id.
        IntegrityError: when a concurrent transaction recorded the same key first.
    """
    address = sender_address(channel, address)
    known = messages.by_key(session, key)
    if known is not None:
        return MessageRecord(known.id, known.conversation_id or 0, duplicate=True)
    if conversation_id is None:
        accounts = contacts.sender_accounts(session, contact_channel(channel), address)
        conversation_id = _current(session, channel, address, accounts, now, policy).id
    elif conversations.get(session, conversation_id) is None:
        raise NotFound(f"conversation {conversation_id} does not exist")
    (message_id,) = conversations.add_messages(
        session,
        conversation_id,
        channel,
        address,
        [body],
        direction="out",
        author=author,
        at=now,
        provider=provider,
        keys=[key],
        buttons=[buttons],
        automated=automated,
    )
    return MessageRecord(message_id, conversation_id, duplicate=False)


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
    *,
    turn: bool = False,
) -> InboundRecord:
    address = sender_address(channel, address)
    with session.begin():
        known = _known(session, channel, provider_id)
        if known is not None:
            return InboundRecord(known.id, known.conversation_id or 0, duplicate=True)
        accounts = contacts.sender_accounts(session, contact_channel(channel), address)
        state = _current(session, channel, address, accounts, now, policy)
        message_id = _add(
            session, state.id, channel, address, body, direction, author, now, provider_id,
            turn_state="pending" if turn else None,
        )  # fmt: skip
        if message_id is None:
            return _duplicate_of(session, channel, provider_id)
        if direction == "in":
            reminder_attempts.mark_replied(session, [a.id for a in accounts], now - REPLY_WINDOW)
        consumer = bool(accounts) and accounts[0].consumer
        return InboundRecord(
            message_id,
            state.id,
            duplicate=False,
            owner=state.owner,
            disclose=consumer and not state.has_outbound,
        )


def _known(session: Session, channel: str, provider_id: str | None) -> Message | None:
    if provider_id is None:
        return None
    return conversations.message_by_provider_id(session, channel, provider_id)


def _add(
    session: Session,
    conversation_id: int,
    channel: str,
    address: str,
    body: str,
    direction: str,
    author: str,
    now: datetime,
    provider_id: str | None,
    turn_state: str | None = None,
) -> int | None:
    """Adds a message; None when a concurrent retry of the same provider message won."""

    def add() -> int:
        (message_id,) = conversations.add_messages(
            session,
            conversation_id,
            channel,
            address,
            [body],
            direction=direction,
            author=author,
            at=now,
            provider_id=provider_id,
            turn_state=turn_state,
        )
        return message_id

    if provider_id is None:  # nothing unique to collide on: no savepoint needed
        return add()
    try:
        with session.begin_nested():
            return add()
    except IntegrityError:
        return None


def _duplicate_of(session: Session, channel: str, provider_id: str | None) -> InboundRecord:
    known = _known(session, channel, provider_id)
    if known is None:  # the unique index refused it, yet it is not there: not a retry
        raise RuntimeError(f"message {provider_id!r} on {channel} was refused but not stored")
    return InboundRecord(known.id, known.conversation_id or 0, duplicate=True)


def _current(
    session: Session,
    channel: str,
    address: str,
    accounts: Sequence[contacts.SenderAccount],
    now: datetime,
    policy: Policy,
) -> conversations.CurrentState:
    """The sender's conversation for a message at ``now``, started or renewed as needed.

    An idle one is ended and a new one started, unless a collector has claimed it.
    """
    account_id = accounts[0].id if accounts else None
    state = conversations.current_state(session, channel, address)
    if state is not None and not state.claimed and _idle(state.last_message_at, now, policy):
        conversations.end(session, state.id)
        audit.record(session, at=now, entity="conversation", entity_id=state.id, action="ended")
        state = None
    if state is None:
        started = conversations.start(session, channel, address, account_id, now)
        audit.record(
            session,
            at=now,
            entity="conversation",
            entity_id=started.id,
            action="started",
            detail={"channel": channel, "account_id": account_id},
        )
        return conversations.CurrentState(started.id, account_id, now, None, False, False)
    if state.account_id is None and account_id is not None:
        conversations.set_account(session, state.id, account_id)
    return state


def _idle(last_message_at: datetime, now: datetime, policy: Policy) -> bool:
    return session_expired(last_message_at, now, policy)
