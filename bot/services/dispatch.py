"""The dispatcher: sends the queued outbound messages, durably and in order (SPEC §7).

Every outbound message is queued — a transcript row in dispatch state ``pending`` —
in the same transaction as what caused it (:mod:`bot.services.delivery`). Sending one:

1. it is claimed (:func:`bot.repositories.dispatch_queue.claim`): marked ``sending`` and
   committed *before* the provider sees it, at most the first unsent message of each
   conversation at a time, so message n+1 of a conversation never leaves before n;
2. it is handed to the channel's :class:`~integrations.senders.MessageSender`;
3. the provider's answer is stored: ``done`` with the provider id (status callbacks that
   came earlier are applied then); a retryable failure goes back to ``pending`` after a
   backoff (:mod:`bot.policy.retries`; automated messages only inside the customer's
   contact window) for up to 24 hours, then — or at once for a refusal — ``failed``.

A message found ``sending`` longer than the lease (its dispatcher died between the hand-
over and the answer) may or may not have reached the customer: it becomes ``in_doubt``
and is never resent automatically. Failed and in-doubt messages are listed for a person
(:mod:`bot.services.failed_messages`: ``arbot outbox --failed``, ``/console/failed``),
who retries (one send, audited) or discards (audited) them.

:func:`send_now` sends given messages at once (a collector's answer, a reminder pass);
:func:`dispatch_due` is one pass of the background dispatcher (:mod:`bot.web.workers`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.db.lanes import in_thread
from bot.db.outage import outlasting
from bot.errors import DeliveryFailed, InputError
from bot.policy.contact_windows import window_decision
from bot.policy.delivery_status import supersedes
from bot.policy.retries import DEFAULT_RETRY, DONE, FAILED, RetryPolicy, after_failure
from bot.policy.rules import DEFAULT_POLICY, Policy
from bot.repositories import audit, contacts, messages, reminder_attempts
from bot.repositories import dispatch_queue as queue
from bot.services.customers import contact_channel, customer_zone
from integrations.rasa import Button
from integrations.senders import MessageSender, Outbound, Receipt

log = logging.getLogger(__name__)

#: a message ``sending`` this long had its dispatcher die: it is in doubt
DEFAULT_LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class Postman:
    """What sending needs: the database, the clock and a sender for each channel.

    Attributes:
        wake: tells the background dispatcher of this process that messages were queued
            (None: it finds them on its next poll).
        retry: how failed sends are retried.
        policy: the contact window automated retries are held to.
        default_zone: the zone of customers without one (``ARBOT_DEFAULT_TIMEZONE``).
        jitter: a number in [0, 1) per retry (tests fix it).
        timer: the clock the queue's times are read by — when a message is due, its retry,
            the lease — when it must move while ``clock`` stands still (``ARBOT_NOW``:
            :func:`bot.clock.ticking`); None: ``clock``.
    """

    sessions: sessionmaker[Session]
    clock: Clock
    senders: Mapping[str, MessageSender]
    wake: Callable[[], None] | None = None
    retry: RetryPolicy = DEFAULT_RETRY
    policy: Policy = DEFAULT_POLICY
    default_zone: ZoneInfo | str | None = None
    jitter: Callable[[], float] = field(default=random.random)
    timer: Clock | None = None

    def sender(self, channel: str) -> MessageSender:
        """The sender for ``channel``.

        Raises:
            InputError: naming the channel when no sender carries it.
        """
        found = self.senders.get(channel)
        if found is None:
            raise InputError(f"channel: no sender is configured for {channel!r}")
        return found

    def queue_now(self) -> datetime:
        """Now, as the queue's times are read."""
        return (self.timer or self.clock).now()

    def poke(self) -> None:
        """Wakes this process's dispatcher, if it has one."""
        if self.wake is not None:
            self.wake()


@dataclass(frozen=True)
class Sent:
    """What one attempt made of a message.

    Attributes:
        state: the dispatch state after it (``done``, ``pending`` — retried later —,
            ``failed`` or ``in_doubt``).
        status: the provider's status (``queued``, ``delivered`` …) or ``failed``.
    """

    message_id: int
    state: str
    status: str
    provider_id: str | None = None
    error: str | None = None


async def send_now(
    postman: Postman, message_ids: Collection[int], *, concurrency: int = 8
) -> dict[int, Sent]:
    """Sends these queued messages now, in order per conversation; what became of each
    it could take (one still waiting for an earlier message, or due later, is left to
    the dispatcher)."""
    done: dict[int, Sent] = {}
    left = set(message_ids)
    while left:
        claimed = await outlasting(_claim, postman, len(left), left)
        if not claimed:
            break
        for sent in await _attempt(postman, claimed, concurrency):
            done[sent.message_id] = sent
            left.discard(sent.message_id)
    return done


async def dispatch_due(postman: Postman, *, batch: int = 500, concurrency: int = 64) -> int:
    """One pass of the dispatcher: sends up to ``batch`` due messages; how many it tried."""
    claimed = await outlasting(_claim, postman, batch, None)
    if claimed:
        await _attempt(postman, claimed, concurrency)
    return len(claimed)


def settle(postman: Postman, *, lease: timedelta = DEFAULT_LEASE) -> list[int]:
    """Marks ``in_doubt`` the messages handed over longer than ``lease`` ago with no answer
    stored (their dispatcher died); their ids, for the log."""
    now = postman.queue_now()
    with postman.sessions() as session, session.begin():
        found = queue.settle_in_doubt(session, handed_before=now - lease)
        for message_id in found:
            audit.record(
                session, at=now, entity="message", entity_id=message_id, action="in_doubt",
                actor="system", detail={"reason": "no answer recorded after the hand-over"},
            )  # fmt: skip
    if found:
        log.warning("messages in doubt, listed for a person (arbot outbox --failed): %s", found)
    return found


def _claim(postman: Postman, limit: int, ids: Collection[int] | None) -> list[queue.Claimed]:
    with postman.sessions() as session, session.begin():
        return queue.claim(session, postman.queue_now(), limit=limit, ids=ids)


@dataclass(frozen=True)
class _Outcome:
    claimed: queue.Claimed
    provider: str
    receipt: Receipt | None = None
    failure: DeliveryFailed | None = None


async def _attempt(
    postman: Postman, claimed: Sequence[queue.Claimed], concurrency: int
) -> list[Sent]:
    """Hands the claimed messages to their senders and stores what came of each.

    When a send raises anything but :class:`DeliveryFailed` (a bug, a cancelled task, the
    process stopping) the others are stopped: the messages no sender was given go back to
    ``pending``; the answers already given are stored; those a sender had without an
    answer may have gone and stay ``sending`` — in doubt once the lease is over, never
    resent automatically.
    """
    limit = asyncio.Semaphore(max(concurrency, 1))
    handed: set[int] = set()
    stopping = asyncio.Event()

    async def one(row: queue.Claimed) -> _Outcome:
        try:
            sender = postman.sender(row.channel)
        except InputError as exc:
            return _Outcome(row, "", failure=DeliveryFailed(str(exc), retryable=False))
        text, buttons = _text_and_buttons(row)
        outbound = Outbound(row.channel, row.address, text, buttons, key=row.key, plain=row.body)
        async with limit:
            if stopping.is_set():
                raise asyncio.CancelledError
            handed.add(row.id)
            try:
                return _Outcome(row, sender.provider, receipt=await sender.send(outbound))
            except DeliveryFailed as exc:
                log.warning("message %s to %s failed: %s", row.id, row.channel, exc)
                return _Outcome(row, sender.provider, failure=exc)
            except BaseException:
                stopping.set()
                raise

    tasks = [asyncio.ensure_future(one(row)) for row in claimed]
    try:
        outcomes = list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        unsent = [row.id for row in claimed if row.id not in handed]
        answered = [
            task.result()
            for task in tasks
            if task.done() and not task.cancelled() and task.exception() is None
        ]
        await asyncio.shield(in_thread(_release, postman, unsent))
        await asyncio.shield(in_thread(_store, postman, answered))
        raise
    return await outlasting(_store, postman, outcomes)


def _release(postman: Postman, message_ids: Sequence[int]) -> None:
    if message_ids:
        with postman.sessions() as session, session.begin():
            queue.release(session, message_ids)


def _text_and_buttons(row: queue.Claimed) -> tuple[str, tuple[Button, ...]]:
    """The message as written and its buttons: the stored body carries the buttons as
    numbered options (:meth:`integrations.rasa.BotMessage.as_plain_text`)."""
    buttons = tuple(Button(b["title"], b["payload"]) for b in _buttons(row.buttons))
    if not buttons:
        return row.body, ()
    lines = row.body.split("\n")
    return "\n".join(lines[: max(len(lines) - len(buttons) - 1, 0)]), buttons


def _buttons(stored: str | None) -> list[dict[str, str]]:
    if not stored:
        return []
    loaded = json.loads(stored)
    return loaded if isinstance(loaded, list) else []


def _store(postman: Postman, outcomes: Sequence[_Outcome]) -> list[Sent]:
    now = postman.queue_now()
    sent: list[Sent] = []
    with postman.sessions() as session, session.begin():
        receipts = [(o, o.receipt) for o in outcomes if o.receipt is not None]
        queue.mark_done_many(
            session, [(o.claimed.id, o.provider, r.provider_id, r.status) for o, r in receipts]
        )
        for o, receipt in receipts:
            status = _apply_early(session, o.provider, o.claimed.id, receipt)
            sent.append(Sent(o.claimed.id, DONE, status, receipt.provider_id))
        for o in outcomes:
            if o.failure is not None:
                sent.append(_after_failure(postman, session, o.claimed, o.failure, now))
    return sent


def _apply_early(session: Session, provider: str, message_id: int, receipt: Receipt) -> str:
    """Applies status callbacks that came before the provider id was stored."""
    status = receipt.status
    if provider == "outbox":
        return status
    for early in queue.take_early_statuses(session, provider, receipt.provider_id):
        if supersedes(early.status, status):
            status = early.status
            messages.set_receipt(session, message_id, status=status, error=early.error)
            reminder_attempts.record_delivery(session, message_id, status)
    return status


def _after_failure(
    postman: Postman, session: Session, row: queue.Claimed, failure: DeliveryFailed, now: datetime
) -> Sent:
    decision = after_failure(
        queued_at=row.created_at, now=now, attempts=row.attempts, retryable=failure.retryable,
        error=str(failure), jitter=postman.jitter(), policy=postman.retry,
    )  # fmt: skip
    if decision.retry_at is None:
        reason = decision.reason or str(failure)
        queue.mark_failed(session, row.id, reason)
        return Sent(row.id, FAILED, "failed", error=reason)
    at = decision.retry_at
    if row.automated:
        at = window_decision(at, _zone(postman, session, row), postman.policy).next_open
    queue.mark_retry(session, row.id, at, str(failure))
    return Sent(row.id, "pending", "queued", error=str(failure))


def _zone(postman: Postman, session: Session, row: queue.Claimed) -> ZoneInfo | None:
    try:
        kind = contact_channel(row.channel)
    except InputError:
        return customer_zone(None, postman.default_zone)
    accounts = contacts.accounts_for(session, kind, row.address)
    return customer_zone(accounts[0].timezone if accounts else None, postman.default_zone)
