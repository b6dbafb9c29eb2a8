"""What every collector's decision on a dispute or a plan does besides its own change.

It closes the account's case in the queue (the ``dispute`` or ``plan_approval``
escalation) and tells the customer. The notice is worked out and queued inside the
decision's transaction (:func:`queue_notice`), under a key derived from the decision, so
the customer hears it once however often the decision is posted, and hears it even when
the process dies right after the commit: the dispatcher sends what is queued.
:func:`send` sends it at once after the commit, so the collector sees what became of it.

Where the customer is told: in the conversation the dispute or plan came from (the channel
and sender they used), else on the channel reminders would use (Telegram when linked and
not opted out, else SMS with consent). Like a reminder, the notice is held when the
customer opted out of that channel or asked for no contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import Account
from bot.policy.decision_notices import Addressee
from bot.policy.reminder_state import Reach
from bot.policy.reminders import choose_channel
from bot.repositories import accounts, audit, conversations, invoices, messages
from bot.repositories import escalations as queue
from bot.services import delivery_groups, dispatch
from bot.services.conversations import MessageRecord
from bot.services.delivery import Delivered, Parcel, Postman
from integrations.rasa import BotMessage


@dataclass(frozen=True)
class Notice:
    """A message to send once the decision is committed."""

    channel: str
    address: str
    text: str
    key: str


def addressee(
    session: Session, account: Account, conversation_id: int | None, company: str
) -> tuple[Addressee, str] | None:
    """Whom to tell about the account and where (the address), or None when there is no
    channel to reach them on."""
    found = None
    if conversation_id is not None:
        found = conversations.channel_and_sender(session, conversation_id)
    if found is None:
        found = _reminder_channel(session, account.id)
    if found is None:
        return None
    channel, address = found
    currency = invoices.currency_of(session, account.id)
    return Addressee(channel, account.consumer, company, currency, account.language), address


def _reminder_channel(session: Session, account_id: int) -> tuple[str, str] | None:
    on_file = {c.channel: c.address for c in accounts.contacts(session, account_id)}
    preferences = accounts.preferences(session, account_id)
    reach = Reach(
        sms=on_file.get("sms"),
        telegram=on_file.get("telegram"),
        sms_consent=bool(preferences and preferences.sms_consent),
        sms_opt_out=bool(preferences and preferences.sms_opt_out),
        telegram_opt_out=bool(preferences and preferences.telegram_opt_out),
        cease=bool(preferences and preferences.cease),
    )
    channel, _reason = choose_channel(reach)
    return None if channel is None else (channel, on_file[channel])


def close_case(
    session: Session, account_id: int, reason: str, user_id: int, now: datetime, note: str
) -> int | None:
    """Resolves the account's active escalation with ``reason``, if any; its id."""
    escalation = queue.active_for_account(session, account_id, reason)
    if escalation is None:
        return None
    escalation.status, escalation.resolved_at = "resolved", now
    escalation.assigned_to = escalation.assigned_to or user_id
    escalation.note = f"{escalation.note}\n{note}".strip()
    audit.record(
        session,
        at=now,
        entity="escalation",
        entity_id=escalation.id,
        action="resolved",
        actor="collector",
        user_id=user_id,
        detail={"note": note},
    )
    return escalation.id


def queue_notice(session: Session, notice: Notice | None, now: datetime) -> int | None:
    """Queues the notice in the decision's transaction (held when the customer opted out
    of the channel or asked for no contact); the provider is stored when it is sent.

    Returns:
        The id of the message queued now, for :func:`send_queued`; None when there was no
        notice, it was held, or its key was recorded before (:func:`send` finds out which).
    """
    if notice is None:
        return None
    parcel = Parcel(
        notice.channel, notice.address, BotMessage(notice.text), notice.key, author="system",
        automated=True,
    )  # fmt: skip
    (recorded,) = delivery_groups.record_group(session, [parcel], [None], now)
    if isinstance(recorded, MessageRecord) and not recorded.duplicate:
        return recorded.id
    return None


async def send(postman: Postman, notice: Notice | None) -> Delivered | None:
    """Sends the queued notice now (None: there was no one to tell; ``held``: it was not
    queued, the customer opted out or asked for no contact)."""
    if notice is None:
        return None
    with postman.sessions() as session, session.begin():
        found = messages.by_key(session, notice.key)
    if found is None:
        return Delivered(None, "held")
    if found.status != "queued":  # sent before: the decision was posted again
        return Delivered(found.id, "duplicate", duplicate=True)
    return await send_queued(postman, found.id)


async def send_queued(postman: Postman, message_id: int) -> Delivered:
    """Sends a message :func:`queue_notice` has just queued (its id known: nothing to look
    up); one another sender took first is left to it (``queued``)."""
    sent = (await dispatch.send_now(postman, [message_id])).get(message_id)
    if sent is None:
        postman.poke()
        return Delivered(message_id, "queued")
    status = "failed" if sent.state in ("failed", "in_doubt") else sent.status
    return Delivered(message_id, status, reason=sent.error)
