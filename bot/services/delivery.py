"""Sending a message to a customer: recorded once, handed to the provider once (SPEC §7).

Every outbound message — the bot's reply on SMS or Telegram, a collector's answer, a
carrier-keyword confirmation, a reminder — goes through :func:`deliver` (one) or
:func:`deliver_many` (a group, as a reminder pass sends):

1. it is written to the transcript under its idempotency key, ``queued``, in the
   conversation it belongs to; a key seen before means it was handled already, and
   nothing is sent again (a provider retrying a webhook, a rerun pass);
2. an ``automated`` message is held instead when the customer opted out of the channel
   or asked for no contact at all (nothing is written, nothing sent);
3. the channel's :class:`~integrations.senders.MessageSender` sends it — retrying a busy
   or failing provider is the sender's job;
4. the receipt (provider id and status) or the failure is stored on the message.

Database work runs in a worker thread, never across the provider call: a group is
recorded in one transaction and its receipts stored in another, each run again while the
database cannot be reached (:func:`bot.db.outage.outlasting`), so a reply whose record or
receipt meets a PostgreSQL restart is still sent once and its receipt kept.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.clock import Clock
from bot.db.outage import outlasting
from bot.errors import DeliveryFailed, InputError
from bot.policy.delivery_status import supersedes
from bot.repositories import contacts, messages, reminder_attempts
from bot.services import conversations, delivery_groups
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
) -> Delivered:
    """Records and sends one message to a customer, at most once per ``key``.

    Raises:
        InputError: naming the channel or address when either is not acceptable.
    """
    parcel = Parcel(channel, address, message, key, author, conversation_id, automated)
    (delivered,) = await deliver_many(postman, [parcel])
    return delivered


async def deliver_many(
    postman: Postman, parcels: Sequence[Parcel], *, concurrency: int = 8
) -> list[Delivered]:
    """Records and sends messages, each at most once per key; one result per parcel.

    One transaction records them all (or holds them), the providers get them
    ``concurrency`` at a time, and one transaction stores every receipt: a batch costs
    two commits, not three a message. Callers must not put two messages to one address
    in a batch when their order matters (they may go out in either order).

    Raises:
        InputError: naming the channel or address of the first parcel that is not
            acceptable (nothing of the batch is recorded then).
    """
    senders = [postman.sender(parcel.channel) for parcel in parcels]
    now = postman.clock.now()
    results = await outlasting(_record_all, postman.sessions, parcels, senders, now)
    fresh = [(i, r) for i, r in enumerate(results) if isinstance(r, conversations.MessageRecord)]
    to_send = [(parcels[i], senders[i], r) for i, r in fresh]
    receipts = await _hand_over(postman, to_send, concurrency)
    await outlasting(_store_all, postman.sessions, receipts)
    sent = {index: receipt for (index, _), receipt in zip(fresh, receipts, strict=True)}
    return [
        Delivered(sent[i].message_id, sent[i].status, reason=sent[i].error)
        if i in sent
        else cast(Delivered, result)
        for i, result in enumerate(results)
    ]


async def _hand_over(
    postman: Postman,
    recorded: Sequence[tuple[Parcel, MessageSender, conversations.MessageRecord]],
    concurrency: int,
) -> list[_Receipt]:
    """Gives recorded messages to their senders, ``concurrency`` at a time.

    When a send raises anything but :class:`DeliveryFailed` (a bug, a cancelled pass) the
    others are stopped, and the records of those no sender was given are removed: their
    keys are free again, while a message a sender had may have gone and stays recorded.
    """
    limit = asyncio.Semaphore(max(concurrency, 1))
    handed: set[int] = set()
    stopping = asyncio.Event()

    async def send(parcel: Parcel, sender: MessageSender, record_id: int) -> _Receipt:
        outbound = Outbound(
            parcel.channel, parcel.address, parcel.message.text, parcel.message.buttons, parcel.key
        )
        async with limit:
            if stopping.is_set():
                raise asyncio.CancelledError
            handed.add(record_id)
            try:
                receipt = await sender.send(outbound)
            except DeliveryFailed as exc:
                log.warning("message %s to %s failed: %s", record_id, parcel.channel, exc)
                return _Receipt(record_id, "failed", None, str(exc))
            except BaseException:
                stopping.set()
                raise
        return _Receipt(record_id, receipt.status, receipt.provider_id, None)

    tasks = [asyncio.ensure_future(send(p, s, r.id)) for p, s, r in recorded]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        unsent = [r.id for _, _, r in recorded if r.id not in handed]
        await asyncio.shield(run_in_threadpool(_release, postman.sessions, unsent))
        raise


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
            reminder_attempts.record_delivery(session, message_id, status)
        return True


@dataclass(frozen=True)
class _Receipt:
    message_id: int
    status: str
    provider_id: str | None
    error: str | None


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
            )  # fmt: skip
    except IntegrityError:
        known = messages.by_key(session, parcel.key)
        if known is None:
            raise
        return conversations.MessageRecord(known.id, known.conversation_id or 0, True)


def _store_all(sessions: sessionmaker[Session], receipts: Sequence[_Receipt]) -> None:
    if not receipts:
        return
    with sessions() as session, session.begin():
        messages.set_receipts(
            session,
            [
                messages.ReceiptUpdate(r.message_id, r.status, r.provider_id, r.error)
                for r in receipts
            ],
        )


def _release(sessions: sessionmaker[Session], message_ids: Sequence[int]) -> None:
    if not message_ids:
        return
    with sessions() as session, session.begin():
        messages.remove_unsent(session, message_ids)


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
