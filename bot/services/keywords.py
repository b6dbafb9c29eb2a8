"""Obeying carrier keywords (SPEC §5 Opt-out, §7): STOP, START and HELP on SMS, and
``/stop``, ``/start`` and ``/help`` on Telegram.

The gateway calls :func:`obey` before the message reaches the bot or a collector: a
keyword changes the sender's subscription at once, whoever owns the conversation, and is
answered with exactly one confirmation.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.policy.keywords import Keyword
from bot.services import preferences

#: the answers on a phone (SMS, and the web chat that stands in for it)
SMS_ANSWERS = {
    Keyword.STOP: (
        "{company}: you're unsubscribed and will get no more automated messages here. "
        "Reply START to resubscribe."
    ),
    Keyword.START: (
        "{company}: you're resubscribed to messages about your account. Reply HELP for "
        "help, STOP to opt out. Msg & data rates may apply."
    ),
    Keyword.HELP: (
        "{company} accounts receivable assistant: ask what you owe, promise a payment, set "
        "up a plan or reach a person. {contact}Reply STOP to opt out. Msg & data rates may "
        "apply."
    ),
}
#: the same on Telegram, where the commands are /stop, /start and /help
TELEGRAM_ANSWERS = {
    Keyword.STOP: (
        "{company}: you'll get no more automated messages in this chat. Send /start to "
        "turn them back on."
    ),
    Keyword.START: (
        "{company}: automated messages about your account are back on in this chat. Send "
        "/stop to turn them off."
    ),
    Keyword.HELP: (
        "{company} accounts receivable assistant: ask what you owe, promise a payment, set "
        "up a plan or reach a person. {contact}Send /stop to turn off automated messages."
    ),
}


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
    elif keyword is Keyword.START:
        preferences.opt_in(session, channel, address, now)
    answers = TELEGRAM_ANSWERS if channel == "telegram" else SMS_ANSWERS
    contact = f"Questions: {support_contact}. " if support_contact else ""
    return answers[keyword].format(company=company, contact=contact)
