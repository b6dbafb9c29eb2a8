"""Obeying carrier keywords (SPEC §5 Opt-out, §7): STOP, START and HELP on SMS, and
``/stop``, ``/start`` and ``/help`` on Telegram.

The gateway calls :func:`obey` before the message reaches the bot or a collector: a
keyword changes the sender's subscription at once, whoever owns the conversation, and is
answered with exactly one confirmation, in the customer's language (SPEC §14).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.policy.catalog import say
from bot.policy.keywords import Keyword
from bot.services import preferences

#: the catalog keys of the answers on a phone (SMS, and the web chat that stands in for it)
SMS_ANSWERS = {Keyword.STOP: "sms_stop", Keyword.START: "sms_start", Keyword.HELP: "sms_help"}
#: the same on Telegram, where the commands are /stop, /start and /help
TELEGRAM_ANSWERS = {
    Keyword.STOP: "telegram_stop",
    Keyword.START: "telegram_start",
    Keyword.HELP: "telegram_help",
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
    language: str = "en",
) -> str:
    """Applies ``keyword`` to the sender's preferences on ``channel``; returns the answer
    in ``language`` (SPEC §14).

    Raises:
        InputError: naming the channel or address when either is not acceptable.
    """
    if keyword is Keyword.STOP:
        preferences.opt_out(session, channel, address, now)
    elif keyword is Keyword.START:
        preferences.opt_in(session, channel, address, now)
    answers = TELEGRAM_ANSWERS if channel == "telegram" else SMS_ANSWERS
    contact = say("help_contact", language, contact=support_contact) if support_contact else ""
    return say(answers[keyword], language, company=company, contact=contact)
