"""One inbound chat message, start to finish: the gateway's use case (SPEC §2, §5).

Whatever the dialogue says, the gateway makes these hold for every message:

1. the message is in the transcript before anything else happens, once: a provider's
   retry (the same provider id) is recognised and answered with nothing;
2. the language of the answer is settled (SPEC §14, :mod:`bot.services.languages`): a
   request to switch ("español", "english please") is kept and confirmed without the bot;
   Rasa gets the language as the message's ``language`` metadata, which fills its
   ``language`` slot; every text below is in that language;
   an SMS carrier keyword (STOP, START, HELP, the Spanish ones and their synonyms; on
   Telegram the Spanish words, whose English ones are commands there) is obeyed at once
   and confirmed, before anyone reads the message;
3. while a collector owns the conversation the bot is silent (the console shows it);
4. while the sender's verification is locked (SPEC §5: too many wrong answers), every
   message gets the lock answer — how a person will reach them — instead of the bot,
   until the lock ends; carrier keywords and a collector who claimed the case still work;
5. otherwise Rasa answers — and when Rasa cannot (no replica answered, or one answered
   nothing because something behind it failed), the customer is told to try again later;
6. the first bot message of a conversation with a consumer carries the debt-collector
   disclosure;
7. every bot message is in the transcript: on the web chat it is the HTTP answer; on SMS
   and Telegram it is queued (:mod:`bot.services.delivery`) under a key made of the
   inbound message, so it is never sent twice, and sent by the dispatcher.

When the desk is ``deferred`` (the web app), an SMS or Telegram message is only recorded
— the webhook answers at once — and 2–7 happen behind it: the turn worker
(:mod:`bot.web.workers`) claims the waiting message (:func:`take_turns`) and answers it
(:func:`answer_turn`), one message of a conversation at a time, in order.

Database work runs in a worker thread, short transactions before Rasa is asked and after,
so the event loop is never blocked and no transaction stays open while Rasa thinks. Each
is run again while the database cannot be reached (:func:`bot.db.outage.outlasting`): a
message recorded before a PostgreSQL restart is still answered after it, once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.db.outage import outlasting
from bot.errors import DialogueUnavailable
from bot.policy.catalog import say
from bot.policy.keywords import Keyword, keyword_language, keyword_on
from bot.policy.languages import ENGLISH
from bot.policy.reminder_text import disclosure as framed_disclosure
from bot.policy.rules import Policy
from bot.policy.text_input import storable
from bot.policy.verification_text import lock_answer
from bot.repositories import turns
from bot.repositories.turns import Turn as Turn
from bot.services import conversations, delivery, identity, keywords, languages
from bot.services.conversations import InboundRecord
from bot.services.delivery import Postman
from integrations.rasa import BotMessage, DialogueEngine

log = logging.getLogger(__name__)

TROUBLE_REPLY = say("trouble", ENGLISH)
TEXT_ONLY_REPLY = say("text_only", ENGLISH)


#: channels whose customers text from a phone, where numbered options are answered
KEYWORD_CHANNELS = frozenset({"sms", "web"})


@dataclass(frozen=True)
class ChatDesk:
    """What handling a message needs: the database, the clock, Rasa, the company's name.

    ``postman`` sends the answers on channels that are not answered inline (SMS,
    Telegram); without it, or on the web chat, answers are only recorded and returned.
    """

    sessions: sessionmaker[Session]
    clock: Clock
    dialogue: DialogueEngine
    company_name: str
    postman: Postman | None = None
    support_contact: str = ""
    #: the verification limits the lock answer is held to (``ARBOT_POLICY_*``)
    policy: Policy = field(default_factory=Policy)
    #: SMS and Telegram messages are answered behind the webhook, by the turn worker
    deferred: bool = False
    #: tells this process's turn worker a message is waiting (None: it polls)
    wake_turns: Callable[[], None] | None = None


def sender_id(channel: str, address: str) -> str:
    """Rasa's sender id for a customer: ``<channel>:<address>`` (docs/conversations.md)."""
    return f"{channel}:{address}"


def disclosure(company_name: str, language: str = ENGLISH) -> str:
    """The consumer disclosure of SPEC §5, in ``language`` (SPEC §14)."""
    return framed_disclosure(company_name, language)


async def handle_message(
    desk: ChatDesk, channel: str, address: str, text: str, *, provider_id: str | None = None
) -> list[BotMessage]:
    """Records ``text`` from ``address``, answers it unless a collector owns the
    conversation, and records (and on SMS and Telegram sends) the answer; returns it.

    ``provider_id`` is the provider's id of the inbound message (Twilio's ``MessageSid``,
    Telegram's ``update_id``): a second message with the same one is a retry and gets no
    answer. A NUL or a lone surrogate in ``text`` or ``address`` is kept as U+FFFD
    (:func:`bot.policy.text_input.storable`): no message is refused over its characters.
    """
    text, address = storable(text), storable(address)
    now = desk.clock.now()
    behind = desk.deferred and channel != "web"
    arrival = await outlasting(
        _arrive, desk.sessions, channel, address, text, now, provider_id, behind
    )
    if arrival.duplicate:
        return []
    if behind:
        if desk.wake_turns is not None:
            desk.wake_turns()
        return []
    return await _turn(desk, channel, address, text, arrival, now)


async def take_turns(desk: ChatDesk, limit: int) -> list[turns.Turn]:
    """Claims up to ``limit`` waiting messages, at most one per conversation."""
    return await outlasting(_claim_turns, desk.sessions, limit)


async def answer_turn(desk: ChatDesk, turn: turns.Turn) -> list[BotMessage]:
    """Answers a message recorded behind the webhook (a claimed turn) and queues the
    replies; the turn is then done."""
    facts = await outlasting(_facts, desk.sessions, turn.conversation_id)
    arrival = InboundRecord(
        turn.id,
        turn.conversation_id,
        duplicate=False,
        owner=facts.owner,
        disclose=facts.consumer and not facts.has_outbound,
    )
    replies = await _turn(desk, turn.channel, turn.address, turn.body, arrival, desk.clock.now())
    await outlasting(_finish_turn, desk.sessions, turn.id)
    return replies


def release_turn(sessions: sessionmaker[Session], message_id: int) -> None:
    """Puts one turn whose answering failed back in line."""
    with sessions() as session, session.begin():
        turns.release(session, message_id)


def release_turns(sessions: sessionmaker[Session]) -> int:
    """Puts back in line the turns a dead turn worker left under way; how many."""
    with sessions() as session, session.begin():
        return turns.release_working(session)


async def _turn(
    desk: ChatDesk, channel: str, address: str, text: str, arrival: InboundRecord, now: datetime
) -> list[BotMessage]:
    """Steps 2–7 for a recorded message."""
    choice = await outlasting(_choice, desk.sessions, arrival, channel, text)
    text = choice or text
    keyword = keyword_on(channel, text)
    hint = keyword_language(text) if keyword is not None else None
    chosen = await outlasting(_language, desk.sessions, arrival, channel, address, text, hint)
    lang = chosen.language
    if keyword is not None:
        answer = await outlasting(_obey, desk, keyword, channel, address, now, lang)
        replies = [BotMessage(answer)]
    elif arrival.owner is not None:
        return []
    elif await outlasting(_locked, desk, channel, address, now):
        replies = [BotMessage(lock_answer(desk.support_contact, language=lang))]
    elif chosen.switched:
        replies = [BotMessage(say("switched", lang))]
    elif not text.strip():  # a picture or a sticker without words: nothing for the bot
        replies = [BotMessage(say("text_only", lang))]
    else:
        replies = await _ask_bot(desk, channel, address, text, lang)
    replies = [replace(reply, language=lang) for reply in replies]
    if replies and arrival.disclose:
        first = replies[0]
        replies[0] = replace(first, text=f"{disclosure(desk.company_name, lang)}\n{first.text}")
    await _answer(desk, channel, address, arrival, replies)
    return replies


def _language(
    sessions: sessionmaker[Session],
    arrival: InboundRecord,
    channel: str,
    address: str,
    text: str,
    hint: str | None,
) -> languages.LanguageChoice:
    with sessions() as session:
        return languages.settle(session, arrival.conversation_id, channel, address, text, hint=hint)


def _claim_turns(sessions: sessionmaker[Session], limit: int) -> list[turns.Turn]:
    with sessions() as session, session.begin():
        return turns.claim(session, limit=limit)


def _facts(sessions: sessionmaker[Session], conversation_id: int) -> turns.TurnFacts:
    with sessions() as session, session.begin():
        return turns.facts(session, conversation_id)


def _finish_turn(sessions: sessionmaker[Session], message_id: int) -> None:
    with sessions() as session, session.begin():
        turns.finish(session, message_id)


async def _ask_bot(
    desk: ChatDesk, channel: str, address: str, text: str, language: str = ENGLISH
) -> list[BotMessage]:
    """The bot's answer to a customer's words, or the trouble reply when there is none.

    Every turn of arbot's dialogue says something, so an empty answer means Rasa failed
    inside: its REST channel logs the error (an action server that is down, a tracker
    store that lost its database) and answers ``[]`` — the customer is told rather than
    left waiting.
    """
    metadata = {"channel": channel, "address": address, "language": language}
    try:
        replies = await desk.dialogue.send(sender_id(channel, address), text, metadata)
    except DialogueUnavailable as exc:
        log.warning("answering a %s customer without the bot: %s", channel, exc)
        return [BotMessage(say("trouble", language))]
    if not replies:
        log.warning("answering a %s customer without the bot: Rasa answered nothing", channel)
        return [BotMessage(say("trouble", language))]
    return replies


async def _answer(
    desk: ChatDesk,
    channel: str,
    address: str,
    arrival: InboundRecord,
    replies: Sequence[BotMessage],
) -> None:
    if desk.postman is None or channel == "web":
        await outlasting(_depart, desk.sessions, arrival.conversation_id, replies, desk.clock.now())
        return
    for number, reply in enumerate(replies):
        await delivery.deliver(
            desk.postman,
            channel,
            address,
            reply,
            key=f"reply:{arrival.id}:{number}",
            conversation_id=arrival.conversation_id,
        )


def _obey(
    desk: ChatDesk, keyword: Keyword, channel: str, address: str, now: datetime, language: str
) -> str:
    with desk.sessions() as session:
        return keywords.obey(
            session,
            keyword,
            channel,
            address,
            now,
            company=desk.company_name,
            support_contact=desk.support_contact,
            language=language,
        )


def _locked(desk: ChatDesk, channel: str, address: str, now: datetime) -> bool:
    """Whether the sender's verification is locked (the lock answer, not the bot)."""
    with desk.sessions() as session:
        return identity.is_locked(session, channel, address, now, desk.policy)


def _arrive(
    sessions: sessionmaker[Session],
    channel: str,
    address: str,
    text: str,
    now: datetime,
    provider_id: str | None,
    turn: bool = False,
) -> InboundRecord:
    """Records the message (one transaction, so a database outage may repeat it)."""
    with sessions() as session:
        return conversations.record_inbound(
            session, channel, address, text, now=now, provider_id=provider_id, turn=turn
        )


def _choice(
    sessions: sessionmaker[Session], arrival: InboundRecord, channel: str, text: str
) -> str | None:
    """What the message chose when it answers numbered options, or None."""
    if channel not in KEYWORD_CHANNELS:
        return None
    with sessions() as session:
        return conversations.chosen_payload(session, arrival.conversation_id, text)


def _depart(
    sessions: sessionmaker[Session],
    conversation_id: int,
    replies: Sequence[BotMessage],
    now: datetime,
) -> None:
    if not replies:
        return
    bodies = [reply.as_plain_text() for reply in replies]
    buttons = [conversations.buttons_json(reply.buttons) for reply in replies]
    with sessions() as session:
        conversations.record_replies(session, conversation_id, bodies, now=now, buttons=buttons)
