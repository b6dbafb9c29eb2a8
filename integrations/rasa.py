"""The dialogue engine behind the gateway: Rasa's REST channel, spoken over HTTP.

Rasa runs as a server in its own environment (SPEC §2); arbot never imports it. The gateway
hands each customer message to a :class:`DialogueEngine` and gets the bot's replies back as
:class:`BotMessage` values. :class:`RasaRestEngine` is the real one; tests use a fake.

Several Rasa replicas may be configured (``ARBOT_RASA_URL``, ``ARBOT_RASA_REPLICAS``). A
sender always starts on the same replica (:mod:`integrations.replicas`), so its
conversation is handled in one place. When that replica certainly did not take the
message — the connection was refused or timed out, or it answered 502 or 503 — the message
goes to the sender's next replica at once and the first is passed over for a while. When
it may have taken the message — no answer in time, the connection dropped mid-answer, any
other 5xx — the message is not sent again (the dialogue or an action may already have
acted on it): the customer gets the trouble reply, and the replica is passed over so the
next message goes elsewhere.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from bot.errors import DialogueUnavailable
from bot.policy.catalog import say
from integrations.replicas import ReplicaSet

log = logging.getLogger(__name__)

REST_WEBHOOK = "/webhooks/rest/webhook"
#: Connecting is quick or not at all; answering may include action-server round trips.
DEFAULT_TIMEOUT = httpx.Timeout(12.0, connect=2.0)
#: Statuses that say the replica did not process the message, so another one may.
NOT_PROCESSED = frozenset({502, 503})


@dataclass(frozen=True)
class Button:
    """A suggested reply: what the customer sees and what is sent back when chosen."""

    title: str
    payload: str


@dataclass(frozen=True)
class BotMessage:
    """One message of the bot, as the dialogue engine produced it."""

    text: str
    buttons: tuple[Button, ...] = ()
    #: the conversation's language (SPEC §14): the numbered options' last line is in it
    language: str = "en"

    def as_plain_text(self) -> str:
        """The message for a text-only channel: buttons become numbered options.

        An SMS customer answers with the number ("Reply 1, 2 or 3", SPEC §7; "Responda
        1, 2 o 3" in Spanish).
        """
        if not self.buttons:
            return self.text
        lines = [self.text] if self.text else []
        lines += [f"{n}) {button.title}" for n, button in enumerate(self.buttons, start=1)]
        choices = _choices(len(self.buttons), self.language)
        lines.append(say("reply_choices", self.language, choices=choices))
        return "\n".join(lines)


class DialogueEngine(Protocol):
    """Something that answers a customer's message with the bot's messages."""

    async def send(
        self, sender_id: str, text: str, metadata: Mapping[str, Any]
    ) -> list[BotMessage]:
        """The bot's replies to ``text`` from ``sender_id``.

        Raises:
            DialogueUnavailable: when no dialogue server answered.
        """
        ...

    async def aclose(self) -> None:
        """Releases connections; the engine is not used afterwards."""
        ...


def parse_messages(payload: object) -> list[BotMessage]:
    """Reads the JSON list Rasa's REST channel answers with.

    Text, buttons and image or attachment links are kept (a link becomes a line of text);
    ``custom`` payloads have no meaning on arbot's channels and are dropped.

    Raises:
        TypeError: when ``payload`` is not a list of objects.
    """
    if not isinstance(payload, list):
        raise TypeError(f"expected a list of messages, got {type(payload).__name__}")
    messages = []
    for item in payload:
        if not isinstance(item, dict):
            raise TypeError(f"expected a message object, got {type(item).__name__}")
        lines = [str(item[key]) for key in ("text", "image", "attachment") if item.get(key)]
        buttons = tuple(
            Button(str(b.get("title", "")), str(b.get("payload", b.get("title", ""))))
            for b in item.get("buttons") or ()
            if isinstance(b, dict)
        )
        if lines or buttons:
            messages.append(BotMessage("\n".join(lines), buttons))
    return messages


def rest_json(recipient_id: str, messages: Sequence[BotMessage]) -> list[dict[str, Any]]:
    """Messages in the JSON of Rasa's REST channel (what the gateway answers with)."""
    out: list[dict[str, Any]] = []
    for message in messages:
        item: dict[str, Any] = {"recipient_id": recipient_id, "text": message.text}
        if message.buttons:
            item["buttons"] = [{"title": b.title, "payload": b.payload} for b in message.buttons]
        out.append(item)
    return out


class RasaRestEngine:
    """Rasa's REST channel (``POST {url}/webhooks/rest/webhook``) over one HTTP client.

    Args:
        urls: the Rasa replicas, each a base URL such as ``http://127.0.0.1:5005``.
        timeout: per request; a read timeout is not retried elsewhere, since Rasa may
            already have acted on the message.
        transport: an httpx transport to use instead of the network (tests).
        replicas: which replicas are up (default: a :class:`ReplicaSet` of ``urls``).
    """

    def __init__(
        self,
        urls: Sequence[str],
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        replicas: ReplicaSet | None = None,
    ) -> None:
        if not urls:
            raise ValueError("urls: at least one Rasa server is needed")
        self.urls = tuple(url.rstrip("/") for url in urls)
        self.replicas = replicas or ReplicaSet(self.urls)
        self._timeout = timeout
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    def replicas_for(self, sender_id: str) -> tuple[str, ...]:
        """Every replica in the order ``sender_id`` tries them when all are up."""
        return self.replicas.ranking(sender_id)

    async def send(
        self, sender_id: str, text: str, metadata: Mapping[str, Any]
    ) -> list[BotMessage]:
        """Sends one message to the sender's replica (failing over) and returns the replies.

        Raises:
            DialogueUnavailable: naming the replicas and what went wrong.
        """
        body = {"sender": sender_id, "message": text, "metadata": dict(metadata)}
        refused: list[str] = []
        for url in self.replicas.order(sender_id):
            try:
                response = await self._http().post(url + REST_WEBHOOK, json=body)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                refused.append(self._down(url, type(exc).__name__))
                continue
            except httpx.TimeoutException:
                self._down(url, "no answer in time")
                raise DialogueUnavailable(f"Rasa at {url} did not answer in time") from None
            except httpx.HTTPError as exc:
                self._down(url, type(exc).__name__)
                raise DialogueUnavailable(f"Rasa at {url} failed: {exc!r}") from None
            if response.status_code in NOT_PROCESSED:
                refused.append(self._down(url, f"HTTP {response.status_code}"))
                continue
            if response.status_code >= httpx.codes.INTERNAL_SERVER_ERROR:
                self._down(url, f"HTTP {response.status_code}")
            else:
                self.replicas.mark_up(url)
            return _replies(url, response)
        raise DialogueUnavailable(f"no Rasa server answered: {', '.join(refused)}")

    async def aclose(self) -> None:
        """Closes the HTTP client (a later :meth:`send` opens a new one)."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    def _down(self, url: str, reason: str) -> str:
        """Marks ``url`` down (logged once, when it goes down) and says why."""
        if not self.replicas.is_down(url):
            log.warning("Rasa at %s is passed over for a while: %s", url, reason)
        self.replicas.mark_down(url)
        return f"{url} ({reason})"

    def _http(self) -> httpx.AsyncClient:
        # Built on first use, inside the event loop that serves the process.
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._timeout, transport=self._transport)
        return self._client


def _replies(url: str, response: httpx.Response) -> list[BotMessage]:
    if response.status_code != httpx.codes.OK:
        raise DialogueUnavailable(f"Rasa at {url} answered HTTP {response.status_code}")
    try:
        return parse_messages(response.json())
    except (ValueError, TypeError) as exc:  # not JSON, or not a list of messages
        raise DialogueUnavailable(f"Rasa at {url} answered malformed JSON: {exc}") from None


def _choices(count: int, language: str = "en") -> str:
    numbers = [str(n) for n in range(1, count + 1)]
    if count == 1:
        return numbers[0]
    return ", ".join(numbers[:-1]) + say("choice_or", language) + numbers[-1]
