"""The messages a payment sends the customer: a receipt, "processing", "failed".

Each is worked out and queued inside the transaction that records what it tells (so it
says what was stored, and a process that dies after the commit still tells the customer:
the dispatcher sends what is queued), under a key derived from the payment, so a replayed
or raced webhook never tells the customer twice. They go out the way every notice of a
decision goes out (:func:`bot.services.decisions.queue_notice`, then
:func:`bot.services.decisions.send` right after the commit).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import Account
from bot.policy.decision_notices import Addressee
from bot.policy.reminder_state import Reach
from bot.policy.reminders import choose_channel
from bot.repositories import conversations, payment_requests
from bot.services import decisions
from bot.services.decisions import Notice
from bot.services.delivery import Delivered, Postman


def notice_for(
    session: Session, account: Account, company: str, key: str, text: Callable[[Addressee], str]
) -> Notice | None:
    """The notice to the account's customer, in their latest conversation (where they
    were given the link) or on the channel reminders use; None with nowhere to send it."""
    latest = conversations.latest_of_account(session, account.id)
    found = decisions.addressee(session, account, None if latest is None else latest.id, company)
    if found is None:
        return None
    to, address = found
    return Notice(to.channel, address, text(to), key)


def notice_to(
    found: payment_requests.Reach,
    consumer: bool,
    company: str,
    key: str,
    text: Callable[[Addressee], str],
) -> Notice | None:
    """:func:`notice_for` from what :func:`bot.repositories.payment_requests.reach` read in
    one statement (the webhook's hot path): the latest open conversation's channel, else
    the channel reminders would use."""
    channel, address = found.conversation_channel, found.conversation_sender
    if channel is None or address is None:
        reach = Reach(
            sms=found.sms,
            telegram=found.telegram,
            sms_consent=found.sms_consent,
            sms_opt_out=found.sms_opt_out,
            telegram_opt_out=found.telegram_opt_out,
            cease=found.cease,
        )
        channel, _reason = choose_channel(reach)
        address = {"sms": found.sms, "telegram": found.telegram}.get(channel or "")
    if channel is None or address is None:
        return None
    to = Addressee(channel, consumer, company, found.currency, found.language)
    return Notice(channel, address, text(to), key)


def queue_notice(session: Session, notice: Notice | None, now: datetime) -> int | None:
    """Queues a payment's notice in the payment's transaction (once per key); the id of
    the message queued now, for :func:`send_notice` (None: nothing new was queued)."""
    return decisions.queue_notice(session, notice, now)


async def send_notice(
    postman: Postman, notice: Notice | None, message_id: int | None = None
) -> Delivered | None:
    """Sends a queued notice now rather than on the dispatcher's next pass (None: there was
    no one to tell). With the ``message_id`` :func:`queue_notice` gave, it is sent without
    being looked up again by its key."""
    if notice is not None and message_id is not None:
        return await decisions.send_queued(postman, message_id)
    return await decisions.send(postman, notice)
