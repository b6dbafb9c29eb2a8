"""The Telegram sender: python-telegram-bot's :class:`telegram.Bot` behind a MessageSender.

It also carries the two other Bot API calls arbot makes — answering a pressed inline
button (``answerCallbackQuery``) and long polling (``getUpdates``, ``arbot telegram
poll``) — so that one object owns the connections to Telegram.

**Never twice.** The Bot API has no idempotency key: a ``sendMessage`` that reached
Telegram cannot be told apart from a new one. So a message is sent again only when
Telegram certainly did not take it:

* flood control (HTTP 429, :class:`~telegram.error.RetryAfter`) refuses the request, and
  says how long to wait — the sender waits (at most ``max_wait`` seconds) and tries again;
* the connection could not be opened, or no pooled connection became free
  (:class:`~telegram.error.NetworkError` / :class:`~telegram.error.TimedOut` caused by
  httpx's ``ConnectError``, ``ConnectTimeout`` or ``PoolTimeout``): nothing was written.

Any other network failure — a read timeout, a dropped connection, a 5xx — may come after
Telegram accepted the message; it becomes a retryable :class:`~bot.errors.DeliveryFailed`
and is *not* retried here (the delivery service stores it as failed, a person or a later
pass decides). Refusals are not retryable: the customer blocked the bot
(:class:`~telegram.error.Forbidden`), the chat does not exist or the request is malformed
(:class:`~telegram.error.BadRequest`), the token is wrong
(:class:`~telegram.error.InvalidToken`).

**Buttons** become an inline keyboard, one button per row. A button's ``callback_data``
is its payload when that fits Telegram's 1–64 bytes; a longer (or empty) payload is sent
as ``#<n>``, its position, and the webhook hands the bot the pressed button's title
instead (:mod:`bot.web.telegram`) — nothing to store, nothing lost on a restart.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any, TypeVar

import httpx

from bot.errors import ConfigError, DeliveryFailed
from bot.settings import Settings
from integrations.rasa import Button
from integrations.senders import Outbound, Receipt

# Time periods are timedeltas from PTB 23 on; opting in now keeps PTB 22 from warning on
# every flood-control error (RetryAfter reads its own period when it is created).
os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup  # noqa: E402
from telegram.error import (  # noqa: E402
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.request import HTTPXRequest  # noqa: E402

T = TypeVar("T")

DEFAULT_API_URL = "https://api.telegram.org/bot"
#: Telegram's limit on a message's text
MAX_TEXT_CHARS = 4096
#: Telegram's limit on an inline button's callback data
MAX_CALLBACK_BYTES = 64
#: callback data naming a button by its position (1-based), for payloads that do not fit
BUTTON_INDEX = re.compile(r"#(\d{1,2})")
#: the text sent when the bot's message has buttons but no words (Telegram needs some)
CHOOSE_TEXT = "Please choose:"
#: httpx errors raised before a single byte of the request left this machine
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_REFUSALS = (Forbidden, BadRequest, InvalidToken, ChatMigrated, Conflict)


class TelegramSender:
    """Sends messages to Telegram chats with the Bot API (SPEC §7).

    Args:
        token: the bot's token from BotFather.
        api_url: the Bot API address up to the token.
        attempts: how many times one call is tried when Telegram certainly did not take it.
        max_wait: the longest flood-control wait (seconds) honoured before giving up.
        sleep: how to wait (tests pass one that does not).
    """

    provider = "telegram"

    def __init__(
        self,
        token: str,
        *,
        api_url: str = DEFAULT_API_URL,
        attempts: int = 3,
        max_wait: float = 10.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._requests = (HTTPXRequest(connection_pool_size=1), HTTPXRequest())
        self._bot = Bot(
            token,
            base_url=api_url,
            get_updates_request=self._requests[0],
            request=self._requests[1],
        )
        self._attempts = max(1, attempts)
        self._max_wait = max_wait
        self._sleep = sleep

    @classmethod
    def from_settings(cls, settings: Settings) -> TelegramSender:
        """The sender of a deployment.

        Raises:
            ConfigError: naming ARBOT_TELEGRAM_TOKEN when it is not set.
        """
        if not settings.telegram_token:
            raise ConfigError(
                "ARBOT_TELEGRAM_TOKEN: not set (the token BotFather gave the bot); "
                "needed when ARBOT_TELEGRAM_PROVIDER=telegram"
            )
        return cls(settings.telegram_token, api_url=settings.telegram_api_url)

    async def send(self, message: Outbound) -> Receipt:
        """Sends one message to the chat ``message.address``.

        The receipt's provider id is ``<chat id>:<message id>``: Telegram numbers messages
        per chat, and the transcript keeps provider ids unique per channel.

        Raises:
            DeliveryFailed: Telegram refused it or could not be reached.
        """
        text = (message.text or (CHOOSE_TEXT if message.buttons else ""))[:MAX_TEXT_CHARS]
        if not text.strip():
            raise DeliveryFailed("telegram: the message is empty")
        markup = inline_keyboard(message.buttons)
        sent = await self._call(
            lambda: self._bot.send_message(
                chat_id=chat_id(message.address), text=text, reply_markup=markup
            ),
            f"sendMessage to chat {message.address}",
        )
        return Receipt(provider_id=f"{sent.chat_id}:{sent.message_id}", status="sent")

    async def answer_callback_query(self, callback_id: str) -> None:
        """Tells Telegram a pressed button was seen (the customer's spinner stops).

        Raises:
            DeliveryFailed: Telegram refused the answer (a query too old) or was unreachable.
        """
        await self._call(
            lambda: self._bot.answer_callback_query(callback_id),
            f"answerCallbackQuery {callback_id}",
        )

    async def get_updates(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        """The updates after ``offset`` (long polling, waiting up to ``timeout`` seconds).

        Asking with ``offset`` confirms every update before it: Telegram forgets them.
        Each update is the Bot API's JSON object, as a webhook would receive it.

        Raises:
            DeliveryFailed: Telegram refused (a webhook is set, another poller runs) or
                could not be reached (retryable: polling again is harmless).
        """
        updates = await self._call(
            lambda: self._bot.get_updates(
                offset=offset, timeout=timeout, read_timeout=timeout + 10.0
            ),
            "getUpdates",
        )
        return [update.to_dict() for update in updates]

    async def aclose(self) -> None:
        """Closes the connections to Telegram."""
        for request in self._requests:
            await request.shutdown()

    async def _call(self, request: Callable[[], Awaitable[T]], what: str) -> T:
        """Makes one Bot API call, again only while Telegram certainly did not take it."""
        for attempt in range(1, self._attempts + 1):
            last = attempt == self._attempts
            try:
                return await request()
            except RetryAfter as exc:
                wait = seconds(exc.retry_after)
                if last or wait > self._max_wait:
                    raise DeliveryFailed(
                        f"telegram: {what}: flood control, retry in {wait:g} s", retryable=True
                    ) from None
                await self._sleep(wait)
            except _REFUSALS as exc:
                raise DeliveryFailed(f"telegram: {what}: {describe(exc)}") from None
            except NetworkError as exc:
                if last or not never_sent(exc):
                    raise DeliveryFailed(
                        f"telegram: {what}: {describe(exc)}", retryable=True
                    ) from None
                await self._sleep(0.5 * attempt)
            except TelegramError as exc:
                raise DeliveryFailed(f"telegram: {what}: {describe(exc)}", retryable=True) from None
        raise AssertionError("unreachable: the last attempt returns or raises")


def inline_keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """The inline keyboard for the bot's suggested replies; None when there are none."""
    if not buttons:
        return None
    rows = [
        [InlineKeyboardButton(button.title, callback_data=callback_data(button, number))]
        for number, button in enumerate(buttons, start=1)
    ]
    return InlineKeyboardMarkup(rows)


def callback_data(button: Button, number: int) -> str:
    """The button's payload when Telegram can carry it, else ``#<number>`` (its position)."""
    size = len(button.payload.encode("utf-8"))
    if 0 < size <= MAX_CALLBACK_BYTES and not BUTTON_INDEX.fullmatch(button.payload):
        return button.payload
    return f"#{number}"


def chat_id(address: str) -> int | str:
    """A chat id as the Bot API wants it: an integer, or a ``@channel`` name as it is."""
    cleaned = address.strip()
    return int(cleaned) if cleaned.lstrip("-").isdigit() else cleaned


def never_sent(exc: BaseException) -> bool:
    """Whether a network failure happened before the request left this machine."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, _NOT_SENT):
            return True
        cause = cause.__cause__
    return False


def seconds(period: float | timedelta) -> float:
    """A PTB time period (a number of seconds or a timedelta) in seconds."""
    return period.total_seconds() if isinstance(period, timedelta) else float(period)


def describe(exc: TelegramError) -> str:
    """``Forbidden: bot was blocked by the user`` — the error's kind and Telegram's words."""
    return f"{type(exc).__name__}: {exc.message}"
