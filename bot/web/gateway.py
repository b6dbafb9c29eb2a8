"""The web chat channel of the gateway: ``POST /webhooks/rest/webhook`` (SPEC §5, §7).

It speaks the JSON of Rasa's REST channel, so any Rasa REST client (a web chat widget,
``arbot chat``, a test) can talk to it: ``{"sender": "+16175550101", "message": "hi"}`` in,
``[{"recipient_id": "+16175550101", "text": "...", "buttons": [...]}]`` out. The sender is
treated as a phone number on channel ``web``; everything else — transcript, takeover,
disclosure, Rasa — is :func:`bot.services.chat.handle_message`.

Before any of that (SPEC §5): a client over its rate limit (``ARBOT_WEBCHAT_RATE_LIMIT``
messages a minute per client address, :mod:`bot.web.rate_limit`) is answered ``429`` with
``Retry-After``; and when ``ARBOT_WEBCHAT_TOKEN`` is set, a request without
``Authorization: Bearer <that token>`` is answered ``401`` (compared in constant time). A
site's chat widget gets the token from the site's own server, never from the page's
source: docs/conversations.md.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.errors import InputError
from bot.policy.text_input import storable
from bot.services import chat
from bot.web.rate_limit import RateLimiter
from integrations.rasa import rest_json

CHANNEL = "web"
PATH = "/webhooks/rest/webhook"
#: longer messages are cut here (ten SMS segments); the rest is not read
MAX_MESSAGE_CHARS = 1600
MAX_SENDER_CHARS = 200


@dataclass(frozen=True)
class ChatRequest:
    sender: str
    message: str


def parse_request(payload: object) -> ChatRequest:
    """Validates a REST channel request body.

    Raises:
        InputError: naming the field (``body``, ``sender`` or ``message``) that is wrong.
    """
    if not isinstance(payload, dict):
        raise InputError("body: expected a JSON object with sender and message")
    sender = payload.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        raise InputError("sender: missing or blank (the sender's phone number)")
    if len(sender.strip()) > MAX_SENDER_CHARS:
        raise InputError(f"sender: longer than {MAX_SENDER_CHARS} characters")
    message = payload.get("message")
    if not isinstance(message, str):
        raise InputError("message: expected a string")
    # the sender comes back in the answer: a NUL or lone surrogate there is U+FFFD too
    return ChatRequest(storable(sender.strip()), storable(message[:MAX_MESSAGE_CHARS]))


def routes(
    desk: chat.ChatDesk, *, token: str = "", limiter: RateLimiter | None = None
) -> list[Route]:
    """The gateway's web chat route, bound to ``desk``.

    Args:
        desk: what handling a message needs.
        token: the bearer token every request must carry; blank: none is asked for.
        limiter: the per-client rate limit; None: no limit.
    """

    async def rest_webhook(request: Request) -> JSONResponse:
        client = request.client.host if request.client else "unknown"
        wait = 0 if limiter is None else limiter.retry_after(client)
        if wait:
            return JSONResponse(
                {"error": f"too many messages: try again in {wait} s"},
                status_code=429,
                headers={"Retry-After": str(wait)},
            )
        if token and not authorized(request.headers.get("authorization", ""), token):
            return JSONResponse(
                {"error": "authorization: a valid bearer token is required"},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="webchat"'},
            )
        try:
            chat_request = parse_request(await _json(request))
        except InputError as exc:
            field = str(exc).partition(":")[0]
            return JSONResponse({"error": str(exc), "field": field}, status_code=400)
        replies = await chat.handle_message(
            desk, CHANNEL, chat_request.sender, chat_request.message
        )
        return JSONResponse(rest_json(chat_request.sender, replies))

    return [Route(PATH, rest_webhook, methods=["POST"])]


def authorized(header: str, token: str) -> bool:
    """Whether an ``Authorization`` header carries ``Bearer <token>`` (constant time)."""
    scheme, _, given = header.partition(" ")
    expected = token.encode("utf-8")
    supplied = given.strip().encode("utf-8", "surrogateescape")
    return scheme.lower() == "bearer" and hmac.compare_digest(supplied, expected)


async def _json(request: Request) -> object:
    try:
        return await request.json()
    except ValueError:  # not JSON, or not UTF-8
        raise InputError("body: not valid JSON") from None
