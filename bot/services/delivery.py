"""Queueing a message to a customer: recorded once, sent by the dispatcher (SPEC §7).

Every outbound message — the bot's reply on SMS or Telegram, a collector's answer, a
carrier-keyword confirmation, a reminder, a decision notice — is queued here, under its
idempotency key, in the conversation it belongs to:

1. a key seen before means it was handled already, and nothing is queued again (a
   provider retrying a webhook, a rerun pass);
2. an ``automated`` message is held instead when the customer opted out of the channel
   or asked for no contact at all (nothing is written, nothing sent);
3. otherwise it is written to the transcript in dispatch state ``pending`` — in the
   caller's transaction with :func:`enqueue` (a decision and its notice commit together),
   or in one of its own with :func:`deliver` / :func:`deliver_many`;
4. :mod:`bot.services.dispatch` sends it: at once for :func:`deliver_many` (a collector
   sees what became of the answer), else by the background dispatcher, which also
   retries failures and reports what needs a person.

Database work runs in a worker thread, never across the provider call, and is run again
while the database cannot be reached (:func:`bot.db.outage.outlasting`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.outage import outlasting
from bot.policy.delivery_status import supersedes
from bot.repositories import contacts, dispatch_queue, messages, reminder_attempts
from bot.services import conversations, delivery_groups, dispatch
from bot.services.customers import contact_channel, sender_address
from bot.services.dispatch import Postman as Postman
from integrations.rasa import BotMessage
from integrations.senders import MessageSender

log = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class Parcel:
    """One message to send: to whom, what, under which key, and as what.

    Attributes:
        automated: a message the customer did not ask for (a reminder): held when the
            customer opted out of the channel or asked for no contact.
        conversation_id: the conversation it answers (None: the sender's current one).
    """

    channel: str
    address: str
    message: BotMessage
    key: str
    author: str = "bot"
    conversation_id: int | None = None
    automated: bool = False


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
    send: bool = True,
) -> Delivered:
    """Queues one message to a customer, at most once per ``key``, and sends it now
    (with ``send`` False the dispatcher sends it: :func:`deliver_many`).

    Raises:
        InputError: naming the channel or address when either is not acceptable.
    """
    parcel = Parcel(channel, address, message, key, author, conversation_id, automated)
    (delivered,) = await deliver_many(postman, [parcel], send=send)
    return delivered


async def deliver_many(
    postman: Postman,
    parcels: Sequence[Parcel],
    *,
    concurrency: int = 8,
    send: bool = True,
) -> list[Delivered]:
    """Queues messages, each at most once per key, and sends them now; one result per
    parcel.

    One transaction queues them all (or holds them); then they are sent
    (:func:`bot.services.dispatch.send_now`), ``concurrency`` at a time, in order per
    conversation. A message that cannot go yet (an earlier one of its conversation is
    still on its way) or failed and waits for a retry comes back ``queued``: the
    dispatcher sends it. With ``send`` False nothing is sent here: the dispatcher is
    woken instead (a webhook answers at once).

    Raises:
        InputError: naming the channel or address of the first parcel that is not
            acceptable (nothing of the batch is recorded then).
    """
    senders = [postman.sender(parcel.channel) for parcel in parcels]
    now = postman.clock.now()
    results = await outlasting(_record_all, postman.sessions, parcels, senders, now)
    fresh = {i: r.id for i, r in enumerate(results) if isinstance(r, conversations.MessageRecord)}
    sent = await dispatch.send_now(postman, fresh.values(), concurrency=concurrency) if send else {}
    if len(sent) < len(fresh):
        postman.poke()
    return [
        _delivered(fresh[i], sent.get(fresh[i])) if i in fresh else cast(Delivered, result)
        for i, result in enumerate(results)
    ]


async def queue_many(postman: Postman, parcels: Sequence[Parcel]) -> list[Delivered]:
    """Queues messages for the dispatcher without sending them here (see
    :func:`deliver_many`)."""
    return await deliver_many(postman, parcels, send=False)


def enqueue(
    session: Session, postman: Postman, parcels: Sequence[Parcel], now: datetime
) -> list[delivery_groups.Held | conversations.MessageRecord]:
    """Queues messages in the caller's transaction (a decision and its notice commit
    together); the dispatcher sends them, or :func:`bot.services.dispatch.send_now` after
    the commit. Keys must differ within ``parcels``.

    Raises:
        InputError: naming the channel or address of the first parcel not acceptable.
    """
    providers = [postman.sender(parcel.channel).provider for parcel in parcels]
    return delivery_groups.record_group(session, parcels, providers, now)


def _delivered(message_id: int, sent: dispatch.Sent | None) -> Delivered:
    if sent is None:
        return Delivered(message_id, "queued")
    if sent.state == "pending":
        return Delivered(message_id, "queued", reason=sent.error)
    if sent.state == "in_doubt":
        return Delivered(message_id, "in_doubt", reason=sent.error)
    return Delivered(message_id, sent.status, reason=sent.error)


def record_status(
    sessions: sessionmaker[Session],
    provider: str,
    provider_id: str,
    status: str,
    error: str | None = None,
    *,
    now: datetime | None = None,
) -> bool:
    """Stores a provider's delivery status callback; False when no message matches yet.

    A callback that arrives after a later one (``sent`` after ``delivered``) changes
    nothing (:func:`bot.policy.delivery_status.supersedes`). One that arrives before its
    message's provider id was stored is kept (with ``now``) and applied when it is.
    """
    with sessions() as session, session.begin():
        found = messages.status_by_provider_id(session, provider, provider_id)
        if found is None:
            if now is not None:
                dispatch_queue.keep_early_status(session, provider, provider_id, status, error, now)
            return False
        message_id, current = found
        if supersedes(status, current):
            messages.set_receipt(session, message_id, status=status, error=error)
            reminder_attempts.record_delivery(session, message_id, status)
        return True


def _record_all(
    sessions: sessionmaker[Session],
    parcels: Sequence[Parcel],
    senders: Sequence[MessageSender],
    now: datetime,
) -> list[Delivered | conversations.MessageRecord]:
    """Holds or records every parcel in one transaction; a record is a message to send.

    A group is recorded with a few set-based statements (:mod:`delivery_groups`); when a
    key repeats in it, or a concurrent writer takes one of its keys, one by one instead.
    """
    if len({parcel.key for parcel in parcels}) == len(parcels):
        try:
            with sessions() as session, session.begin():
                recorded = delivery_groups.record_group(
                    session, parcels, [sender.provider for sender in senders], now
                )
            return [_result(r) for r in recorded]
        except IntegrityError:
            log.info("a key of the group was taken meanwhile: recording one message at a time")
    return _record_each(sessions, parcels, senders, now)


def _result(
    recorded: delivery_groups.Held | conversations.MessageRecord,
) -> Delivered | conversations.MessageRecord:
    if isinstance(recorded, delivery_groups.Held):
        return Delivered(None, "held", reason=recorded.reason)
    if recorded.duplicate:
        return Delivered(recorded.id, "duplicate", duplicate=True)
    return recorded


def _record_each(
    sessions: sessionmaker[Session],
    parcels: Sequence[Parcel],
    senders: Sequence[MessageSender],
    now: datetime,
) -> list[Delivered | conversations.MessageRecord]:
    """:func:`_record_all` one parcel at a time, each under a savepoint."""
    out: list[Delivered | conversations.MessageRecord] = []
    with sessions() as session, session.begin():
        for parcel, sender in zip(parcels, senders, strict=True):
            held = (
                _hold_reason(session, parcel.channel, parcel.address) if parcel.automated else None
            )
            if held is not None:
                out.append(Delivered(None, "held", reason=held))
                continue
            record = _record_one(session, parcel, sender.provider, now)
            out.append(
                Delivered(record.id, "duplicate", duplicate=True) if record.duplicate else record
            )
    return out


def _record_one(
    session: Session, parcel: Parcel, provider: str, now: datetime
) -> conversations.MessageRecord:
    """Records one parcel under a savepoint: a key a concurrent writer took is a duplicate."""
    try:
        with session.begin_nested():
            return conversations.add_delivery(
                session, parcel.channel, parcel.address, parcel.message.as_plain_text(),
                now=now, author=parcel.author, provider=provider, key=parcel.key,
                conversation_id=parcel.conversation_id,
                buttons=conversations.buttons_json(parcel.message.buttons),
                automated=parcel.automated,
            )  # fmt: skip
    except IntegrityError:
        known = messages.by_key(session, parcel.key)
        if known is None:
            raise
        return conversations.MessageRecord(known.id, known.conversation_id or 0, True)


def _hold_reason(session: Session, channel: str, address: str) -> str | None:
    """Why an automated message may not go to this address, or None (the group's rule)."""
    pair = (contact_channel(channel), sender_address(channel, address))
    return delivery_groups.hold_reason(pair[0], contacts.on_file(session, {pair})[pair])


def outbox(
    session: Session, *, limit: int, address: str | None = None
) -> Sequence[messages.OutboxRow]:
    """The newest messages the ``outbox`` provider accepted (``arbot outbox``)."""
    with session.begin():
        return messages.outbox(session, limit=limit, address=address)
