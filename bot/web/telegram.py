"""The Telegram channel of the gateway: ``POST /webhooks/telegram`` (SPEC §5, §7).

Telegram posts each update to the webhook with the secret given to ``setWebhook`` in
``X-Telegram-Bot-Api-Secret-Token``; a wrong or missing one — or none configured
(``ARBOT_TELEGRAM_SECRET``) — is refused with 403 before the body is read.

What an update becomes (``arbot telegram poll`` hands its updates to the same
:func:`handle_update`):

* a text message in a private chat → :func:`bot.services.chat.handle_message` with the
  chat id as the address (text cut at 4,096 characters, Telegram's own limit); in the
  web app it is only recorded and the webhook answers ``200 {}`` at once: the turn
  worker asks the bot and the dispatcher sends the replies (:mod:`bot.web.workers`);
* ``/start CODE`` (a deep link ``t.me/<bot>?start=CODE``) → the code is redeemed
  (:mod:`bot.services.telegram_links`) and the customer told the outcome; a bare
  ``/start`` turns automated messages back on (if ``/stop`` turned them off) and greets
  (the bot gets ``/greet``); ``/stop`` and ``/help`` are STOP and HELP
  (:mod:`bot.services.keywords`) for the chat's Telegram subscription;
* a pressed inline button → its data goes to the bot as the customer's message — or the
  button's title, when the payload was too long for Telegram and went out as the button's
  position (:mod:`integrations.telegram_bot`); the press is answered
  (``answerCallbackQuery``) once the webhook has answered;
* anything else (an edit, a sticker, a group or channel — where others would read the
  account's details) → ``200 {}``, ignored.

Each update is recorded under provider id ``u<update_id>``, so a redelivered one is
answered once. A body that is not an update is a 400: Telegram retries failed deliveries
for a while, and ``getWebhookInfo`` shows the error, whereas a 5xx would read as our
outage. Anything unexpected is a 500, and Telegram's retry is then answered once.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.errors import DeliveryFailed, InputError
from bot.policy.catalog import say
from bot.policy.keywords import Keyword
from bot.services import (
    chat,
    conversations,
    delivery,
    keywords,
    languages,
    preferences,
    telegram_links,
)
from bot.services.conversations import InboundRecord
from integrations.rasa import BotMessage
from integrations.telegram_bot import BUTTON_INDEX, MAX_TEXT_CHARS

log = logging.getLogger(__name__)

CHANNEL = "telegram"
PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header's name)
#: what the bot is told when a customer opens the chat with a bare ``/start``
GREETING = "/greet"
#: how ``/start CODE`` is kept in the transcript: the code is a credential
START_LOGGED = "/start (link code)"
KEYWORDS = {"stop": Keyword.STOP, "help": Keyword.HELP}
LINKED = say("telegram_linked", "en", last4="{last4}", name="{name}")
NOT_LINKED = say("telegram_not_linked", "en", reason="{reason}")


@runtime_checkable
class CallbackAnswerer(Protocol):
    """What answers a pressed inline button (the Telegram sender)."""

    async def answer_callback_query(self, callback_id: str) -> None:
        """Tells Telegram the press was seen."""
        ...


@dataclass(frozen=True)
class Incoming:
    """An update as the gateway sees it.

    Attributes:
        update_id: Telegram's id of the update.
        chat_id: the private chat it came from ("" when it is not from one).
        text: what the customer said or pressed ("" when there is nothing to hand on).
        callback_id: the pressed button's query id ("" for a message).
    """

    update_id: int
    chat_id: str = ""
    text: str = ""
    callback_id: str = ""

    @property
    def ignored(self) -> bool:
        """Nothing in it for the bot."""
        return not self.chat_id or not self.text.strip()


def callback_answerer(sender: object) -> CallbackAnswerer | None:
    """``sender`` when it can answer pressed buttons (the outbox sender cannot)."""
    return sender if isinstance(sender, CallbackAnswerer) else None


def parse_update(payload: object) -> Incoming:
    """Reads an update's JSON.

    Raises:
        InputError: naming ``body`` or ``update_id`` when it is not a Telegram update.
    """
    if not isinstance(payload, dict):
        raise InputError("body: expected a JSON object (a Telegram update)")
    update_id = payload.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise InputError("update_id: missing or not an integer")
    message, query = payload.get("message"), payload.get("callback_query")
    if isinstance(message, dict):
        text = message.get("text")
        text = text[:MAX_TEXT_CHARS] if isinstance(text, str) else ""
        return Incoming(update_id, _private_chat(message), text)
    if isinstance(query, dict) and isinstance(query.get("id"), str):
        pressed = query.get("message")
        pressed = pressed if isinstance(pressed, dict) else {}
        data = query.get("data")
        text = _pressed(pressed, data) if isinstance(data, str) else ""
        return Incoming(update_id, _private_chat(pressed), text, query["id"])
    return Incoming(update_id)


async def handle_update(
    desk: chat.ChatDesk, payload: object, answerer: CallbackAnswerer | None = None
) -> str:
    """Handles one update's JSON; returns a line saying what was done (no message text).

    Raises:
        InputError: naming ``body`` or ``update_id`` when it is not a Telegram update.
    """
    return await handle(desk, parse_update(payload), answerer)


async def handle(
    desk: chat.ChatDesk, incoming: Incoming, answerer: CallbackAnswerer | None = None
) -> str:
    """Answers a pressed button's query, then obeys a command or hands the text to the bot."""
    label = f"update {incoming.update_id}"
    if incoming.callback_id and answerer is not None:
        await answer_press(answerer, incoming)
    if incoming.ignored:
        return f"{label}: ignored"
    provider_id = f"u{incoming.update_id}"
    name, argument = ("", "") if incoming.callback_id else _command(incoming.text)
    if name in KEYWORDS or (name == "start" and argument):
        return await _command_answer(desk, incoming, name, argument)
    if name == "start":  # a bare /start (re)opens the chat: automated messages back on
        await run_in_threadpool(_resubscribe, desk, incoming.chat_id)
    text = GREETING if name == "start" else incoming.text
    replies = await chat.handle_message(
        desk, CHANNEL, incoming.chat_id, text, provider_id=provider_id
    )
    kind = "button" if incoming.callback_id else "message"
    return f"{label}: {kind} from chat {incoming.chat_id}, {len(replies)} replies"


async def answer_press(answerer: CallbackAnswerer, incoming: Incoming) -> None:
    """Tells Telegram a pressed button was seen (a failure is logged: the press counts)."""
    try:
        await answerer.answer_callback_query(incoming.callback_id)
    except DeliveryFailed as exc:
        log.warning("update %s: could not answer the button: %s", incoming.update_id, exc)


def routes(
    desk: chat.ChatDesk, *, secret: str, answerer: CallbackAnswerer | None = None
) -> list[Route]:
    """The Telegram webhook route, bound to ``desk`` and the webhook's secret.

    A pressed button is answered (``answerCallbackQuery``) once the webhook has answered,
    so a slow Telegram API never holds the webhook (SPEC §7).
    """

    async def telegram_webhook(request: Request) -> JSONResponse:
        if not authorised(request.headers.get(SECRET_HEADER), secret):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        try:
            incoming = parse_update(await request.json())
        except ValueError:  # not JSON, or not UTF-8
            return JSONResponse({"error": "body: not valid JSON"}, status_code=400)
        except InputError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        log.info("telegram %s", await handle(desk, incoming))
        if incoming.callback_id and answerer is not None:
            return JSONResponse({}, background=BackgroundTask(answer_press, answerer, incoming))
        return JSONResponse({})

    return [Route(PATH, telegram_webhook, methods=["POST"])]


def authorised(given: str | None, secret: str) -> bool:
    """Whether the request carries the configured secret (never, when none is set)."""
    if not secret or given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))


def _private_chat(message: dict[str, Any]) -> str:
    found = message.get("chat")
    if not isinstance(found, dict) or found.get("type") != "private":
        return ""
    chat_id = found.get("id")
    return str(chat_id) if isinstance(chat_id, int) and not isinstance(chat_id, bool) else ""


def _pressed(message: dict[str, Any], data: str) -> str:
    """What a pressed button means: its data, or its title when the data is its position."""
    if not BUTTON_INDEX.fullmatch(data):
        return data
    markup = message.get("reply_markup")
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    for row in rows if isinstance(rows, list) else []:
        for button in row if isinstance(row, list) else []:
            if isinstance(button, dict) and button.get("callback_data") == data:
                title = button.get("text")
                return title if isinstance(title, str) else ""
    return ""


def _command(text: str) -> tuple[str, str]:
    """``("start", "CODE")`` for ``/start@arbot_bot CODE``; ``("", "")`` for other text."""
    if not text.startswith("/"):
        return "", ""
    head, *rest = text.split(maxsplit=1)
    return head[1:].partition("@")[0].lower(), rest[0].strip() if rest else ""


async def _command_answer(desk: chat.ChatDesk, incoming: Incoming, name: str, argument: str) -> str:
    """``/start CODE``, ``/stop``, ``/help``: recorded once, obeyed, answered."""
    now = desk.clock.now()
    logged = START_LOGGED if name == "start" else f"/{name}"
    arrival = await run_in_threadpool(_arrive, desk, incoming, logged, now)
    label = f"update {incoming.update_id}: /{name} from chat {incoming.chat_id}"
    if arrival.duplicate:
        return f"{label}, handled before"
    if name == "start":  # the language after linking: the account's, once it is known
        key, fields, consumer = await run_in_threadpool(
            _link, desk, argument, incoming.chat_id, now
        )
        language = await run_in_threadpool(_language, desk, arrival, incoming.chat_id)
        answer = say(key, language, **fields)
    else:
        language = await run_in_threadpool(_language, desk, arrival, incoming.chat_id)
        keyword = KEYWORDS[name]
        answer = await run_in_threadpool(_obey, desk, keyword, incoming.chat_id, now, language)
        consumer = False
    if arrival.disclose or consumer:
        answer = f"{chat.disclosure(desk.company_name, language)}\n{answer}"
    await _reply(desk, incoming.chat_id, answer, arrival)
    return label


def _arrive(desk: chat.ChatDesk, incoming: Incoming, text: str, now: datetime) -> InboundRecord:
    with desk.sessions() as session:
        return conversations.record_inbound(
            session, CHANNEL, incoming.chat_id, text, now=now, provider_id=f"u{incoming.update_id}"
        )


def _link(
    desk: chat.ChatDesk, code: str, chat_id: str, now: datetime
) -> tuple[str, dict[str, str], bool]:
    """The answer to ``/start CODE`` (catalog key and fields), and whether the chat is now
    a consumer's."""
    with desk.sessions() as session:
        try:
            linked = telegram_links.redeem(session, code, chat_id, now)
        except InputError as exc:  # "code: already used" …
            return "telegram_not_linked", {"reason": str(exc).replace(":", "", 1)}, False
    fields = {"last4": linked.account_number[-4:], "name": linked.account_name}
    return "telegram_linked", fields, linked.consumer


def _resubscribe(desk: chat.ChatDesk, chat_id: str) -> None:
    with desk.sessions() as session:
        preferences.opt_in(session, CHANNEL, chat_id, desk.clock.now())


def _language(desk: chat.ChatDesk, arrival: InboundRecord, chat_id: str) -> str:
    """The chat's language: its account's, else the conversation's so far (SPEC §14)."""
    with desk.sessions() as session:
        return languages.settle(session, arrival.conversation_id, CHANNEL, chat_id, "").language


def _obey(desk: chat.ChatDesk, keyword: Keyword, chat_id: str, now: datetime, language: str) -> str:
    with desk.sessions() as session:
        return keywords.obey(
            session,
            keyword,
            CHANNEL,
            chat_id,
            now,
            company=desk.company_name,
            support_contact=desk.support_contact,
            language=language,
        )


async def _reply(desk: chat.ChatDesk, chat_id: str, text: str, arrival: InboundRecord) -> None:
    """Sends the answer to a command under the key a bot reply to it would have."""
    if desk.postman is None:  # nothing sends: the answer is only recorded
        await run_in_threadpool(_record_reply, desk, arrival.conversation_id, text)
        return
    await delivery.deliver(
        desk.postman,
        CHANNEL,
        chat_id,
        BotMessage(text),
        key=f"reply:{arrival.id}:0",
        conversation_id=arrival.conversation_id,
        send=not desk.deferred,  # behind a webhook the dispatcher sends it
    )


def _record_reply(desk: chat.ChatDesk, conversation_id: int, text: str) -> None:
    with desk.sessions() as session:
        conversations.record_replies(session, conversation_id, [text], now=desk.clock.now())
