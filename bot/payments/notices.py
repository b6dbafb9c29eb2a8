"""The messages a payment sends the customer: a receipt, "processing", "failed".

Each is worked out inside the transaction that records what it tells (so it says what
was stored) and sent after the commit under a key derived from the payment, so a replayed
or raced webhook never tells the customer twice. They go out the way every notice of a
decision goes out (:func:`bot.services.decisions.send`); :func:`queue_notice` is the one
place to switch when outbound messages are queued.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.db.models import Account
from bot.policy.decision_notices import Addressee
from bot.repositories import conversations
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


async def queue_notice(postman: Postman, notice: Notice | None) -> Delivered | None:
    """Sends a payment's notice once per key (None: there was no one to tell)."""
    return await decisions.send(postman, notice)
