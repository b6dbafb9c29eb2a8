"""One inbound chat message, start to finish: the gateway's use case (SPEC §2, §5).

Whatever the dialogue says, the gateway makes these hold for every message:

1. the message is in the transcript before anything else happens;
2. while a collector owns the conversation the bot is silent (the console shows it);
3. otherwise Rasa answers — and when Rasa cannot, the customer is told to try again later;
4. the first bot message of a conversation with a consumer carries the debt-collector
   disclosure;
5. every bot message is in the transcript.

Database work runs in a worker thread, one short transaction before Rasa is asked and one
after, so the event loop is never blocked and no transaction stays open while Rasa thinks.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.clock import Clock
from bot.errors import DialogueUnavailable
from bot.services import conversations
from bot.services.conversations import InboundRecord
from integrations.rasa import BotMessage, DialogueEngine

log = logging.getLogger(__name__)

TROUBLE_REPLY = "Sorry, we're having trouble right now. Please try again in a few minutes."
DISCLOSURE = (
    "{company} is a debt collector attempting to collect a debt; any information obtained "
    "will be used for that purpose."
)


@dataclass(frozen=True)
class ChatDesk:
    """What handling a message needs: the database, the clock, Rasa, the company's name."""

    sessions: sessionmaker[Session]
    clock: Clock
    dialogue: DialogueEngine
    company_name: str


def sender_id(channel: str, address: str) -> str:
    """Rasa's sender id for a customer: ``<channel>:<address>`` (docs/conversations.md)."""
    return f"{channel}:{address}"


def disclosure(company_name: str) -> str:
    """The consumer disclosure of SPEC §5."""
    return DISCLOSURE.format(company=company_name)


async def handle_message(desk: ChatDesk, channel: str, address: str, text: str) -> list[BotMessage]:
    """Records ``text`` from ``address``, lets the bot answer unless a collector owns the
    conversation, and records the answer; returns what to send back (maybe nothing).
    """
    arrival = await run_in_threadpool(
        _arrive, desk.sessions, channel, address, text, desk.clock.now()
    )
    if arrival.duplicate or arrival.owner is not None:
        return []
    metadata = {"channel": channel, "address": address}
    try:
        replies = await desk.dialogue.send(sender_id(channel, address), text, metadata)
    except DialogueUnavailable as exc:
        log.warning("answering %s:%s without the bot: %s", channel, address, exc)
        replies = [BotMessage(TROUBLE_REPLY)]
    if replies and arrival.disclose:
        first = replies[0]
        replies[0] = replace(first, text=f"{disclosure(desk.company_name)}\n{first.text}")
    bodies = [reply.as_plain_text() for reply in replies]
    await run_in_threadpool(
        _depart, desk.sessions, arrival.conversation_id, bodies, desk.clock.now()
    )
    return replies


def _arrive(
    sessions: sessionmaker[Session], channel: str, address: str, text: str, now: datetime
) -> InboundRecord:
    with sessions() as session:
        return conversations.record_inbound(session, channel, address, text, now=now)


def _depart(
    sessions: sessionmaker[Session], conversation_id: int, bodies: Sequence[str], now: datetime
) -> None:
    if not bodies:
        return
    with sessions() as session:
        conversations.record_replies(session, conversation_id, bodies, now=now)
