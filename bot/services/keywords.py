"""Obeying carrier keywords (SPEC §5 Opt-out, §7): STOP, START and HELP on SMS.

The gateway calls :func:`obey` before the message reaches the bot or a collector: a
keyword changes the sender's subscription at once, whoever owns the conversation, and is
answered with exactly one confirmation.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.policy.keywords import Keyword
from bot.services import preferences

STOPPED = (
    "{company}: you're unsubscribed and will get no more automated messages here. "
    "Reply START to resubscribe."
)
STARTED = (
    "{company}: you're resubscribed to messages about your account. Reply HELP for help, "
    "STOP to opt out. Msg & data rates may apply."
)
HELP = (
    "{company} accounts receivable assistant: ask what you owe, promise a payment, set up "
    "a plan or reach a person. {contact}Reply STOP to opt out. Msg & data rates may apply."
)


def obey(
    session: Session,
    keyword: Keyword,
    channel: str,
    address: str,
    now: datetime,
    *,
    company: str,
    support_contact: str = "",
) -> str:
    """Applies ``keyword`` to the sender's preferences on ``channel``; returns the answer.

    Raises:
        InputError: naming the channel or address when either is not acceptable.
    """
    if keyword is Keyword.STOP:
        preferences.opt_out(session, channel, address, now)
        return STOPPED.format(company=company)
    if keyword is Keyword.START:
        preferences.opt_in(session, channel, address, now)
        return STARTED.format(company=company)
    contact = f"Questions: {support_contact}. " if support_contact else ""
    return HELP.format(company=company, contact=contact)
