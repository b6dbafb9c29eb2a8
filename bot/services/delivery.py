"""Sending a message to a customer: recorded once, handed to the provider once (SPEC §7).

Every outbound message — the bot's reply on SMS or Telegram, a collector's answer, a
carrier-keyword confirmation, later a reminder — goes through :func:`deliver`:

1. it is written to the transcript under its idempotency key, ``queued``, in the
   conversation it belongs to; a key seen before means it was handled already, and
   nothing is sent again (a provider retrying a webhook, a rerun pass);
2. an ``automated`` message is held instead when the customer opted out of the channel
   or asked for no contact at all (nothing is written, nothing sent);
3. the channel's :class:`~integrations.senders.MessageSender` sends it — retrying a busy
   or failing provider is the sender's job;
4. the receipt (provider id and status) or the failure is stored on the message.

Database work runs in a worker thread, never across the provider call.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.clock import Clock
from bot.db.models import ContactPreference
from bot.errors import DeliveryFailed, InputError
from bot.policy.delivery_status import supersedes
from bot.repositories import contacts, messages
from bot.services import conversations
from bot.services.customers import contact_channel, sender_address
from integrations.rasa import BotMessage
from integrations.senders import MessageSender, Outbound

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Postman:
    """What sending needs: the database, the clock and a sender for each channel."""

    sessions: sessionmaker[Session]
    clock: Clock
    senders: Mapping[str, MessageSender]

    def sender(self, channel: str) -> MessageSender:
        """The sender for ``channel``.

        Raises:
            InputError: naming the channel when no sender carries it.
        """
        found = self.senders.get(channel)
        if found is None:
            raise InputError(f"channel: no sender is configured for {channel!r}")
        return found


@dataclass(frozen=True)
class Delivered:
    """What became of one message.

    Attributes:
        message_id: the transcript row (None when held: nothing was written).
        status: the provider's status (``queued``, ``sent``, ``delivered`` …), ``failed``,
            or ``held``.
        duplicate: the key had been handled before; nothing was sent this time.
        reason: why it was held (``opted_out``, ``cease``) or why it failed.
    """

    message_id: int | None
    status: str
    duplicate: bool = False
    reason: str | None = None


def new_key(prefix: str) -> str:
    """A key for a message that has no natural one (a collector's answer …)."""
    return f"{prefix}:{uuid.uuid4().hex}"


async def deliver(
    postman: Postman,
    channel: str,
    address: str,
    message: BotMessage,
    *,
    key: str,
    author: str = "bot",
    conversation_id: int | None = None,
    automated: bool = False,
) -> Delivered:
    """Records and sends one message to a customer, at most once per ``key``.

    Raises:
        InputError: naming the channel or address when either is not acceptable.
    """
    sender = postman.sender(channel)
    now = postman.clock.now()
    if automated:
        held = await run_in_threadpool(_hold_reason, postman.sessions, channel, address)
        if held is not None:
            return Delivered(None, "held", reason=held)
    body = message.as_plain_text()
    record = await run_in_threadpool(
        _record, postman, channel, address, body, now, author, sender.provider, key,
        conversation_id, conversations.buttons_json(message.buttons),
    )  # fmt: skip
    if record.duplicate:
        return Delivered(record.id, "duplicate", duplicate=True)
    outbound = Outbound(channel, address, message.text, message.buttons, key)
    try:
        receipt = await sender.send(outbound)
    except DeliveryFailed as exc:
        log.warning("message %s to %s failed: %s", record.id, channel, exc)
        await run_in_threadpool(_store, postman.sessions, record.id, "failed", None, str(exc))
        return Delivered(record.id, "failed", reason=str(exc))
    await run_in_threadpool(
        _store, postman.sessions, record.id, receipt.status, receipt.provider_id, None
    )
    return Delivered(record.id, receipt.status)


def record_status(
    sessions: sessionmaker[Session],
    provider: str,
    provider_id: str,
    status: str,
    error: str | None = None,
) -> bool:
    """Stores a provider's delivery status callback; False when no message matches.

    A callback that arrives after a later one (``sent`` after ``delivered``) changes
    nothing (:func:`bot.policy.delivery_status.supersedes`).
    """
    with sessions() as session, session.begin():
        found = messages.status_by_provider_id(session, provider, provider_id)
        if found is None:
            return False
        message_id, current = found
        if supersedes(status, current):
            messages.set_receipt(session, message_id, status=status, error=error)
        return True


def _record(
    postman: Postman,
    channel: str,
    address: str,
    body: str,
    now: datetime,
    author: str,
    provider: str,
    key: str,
    conversation_id: int | None,
    buttons: str | None,
) -> conversations.MessageRecord:
    with postman.sessions() as session:
        try:
            return conversations.record_delivery(
                session, channel, address, body, now=now, author=author, provider=provider,
                key=key, conversation_id=conversation_id, buttons=buttons,
            )  # fmt: skip
        except IntegrityError:  # a concurrent delivery of the same key won
            session.rollback()
            with session.begin():
                known = messages.by_key(session, key)
            if known is None:
                raise
            return conversations.MessageRecord(known.id, known.conversation_id or 0, True)


def _store(
    sessions: sessionmaker[Session],
    message_id: int,
    status: str,
    provider_id: str | None,
    error: str | None,
) -> None:
    with sessions() as session, session.begin():
        messages.set_receipt(
            session, message_id, status=status, provider_id=provider_id, error=error
        )


def _hold_reason(sessions: sessionmaker[Session], channel: str, address: str) -> str | None:
    """Why an automated message may not go to this address, or None."""
    kind = contact_channel(channel)
    address = sender_address(channel, address)
    with sessions() as session, session.begin():
        for account in contacts.accounts_for(session, kind, address):
            preference = session.get(ContactPreference, account.id)
            if preference is None:
                continue
            if preference.cease:
                return "cease"
            if getattr(preference, f"{kind}_opt_out"):
                return "opted_out"
    return None


def outbox(
    session: Session, *, limit: int, address: str | None = None
) -> Sequence[messages.OutboxRow]:
    """The newest messages the ``outbox`` provider accepted (``arbot outbox``)."""
    with session.begin():
        return messages.outbox(session, limit=limit, address=address)
