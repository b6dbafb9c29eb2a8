"""The Twilio channel of the gateway: the SMS webhook and delivery status callbacks (SPEC §7).

``POST /webhooks/twilio/sms`` is what Twilio calls when a customer texts the number
("A message comes in"); ``POST /webhooks/twilio/status`` is the StatusCallback of every
message :class:`~integrations.twilio_sms.TwilioSmsSender` sends. Both are form-encoded and
signed: ``X-Twilio-Signature`` is checked with twilio's ``RequestValidator`` against the
URL Twilio called — ``ARBOT_PUBLIC_URL`` plus the path (and query) — and the form. A
missing or wrong signature is 403, and so is every request while no auth token is
configured: an unsigned message is never taken for a customer's.

An inbound message is :func:`bot.services.chat.handle_message` on channel ``sms`` with the
``MessageSid`` as provider id, so Twilio's retry of a message is answered once. The
webhook only records it and answers with empty TwiML at once, whatever Rasa and Twilio
are doing: the turn worker asks the bot behind it and the dispatcher sends the replies
through the Messages API (:mod:`bot.web.workers`). A status callback for a SID not stored
yet (it can beat the dispatcher's commit) is kept and applied when the SID is stored.
Bytes that are not UTF-8 are read with replacement characters:
a customer's message is never refused over an encoding.
"""

from __future__ import annotations

import functools
import logging
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from bot.services import chat, delivery
from bot.web.gateway import MAX_MESSAGE_CHARS, MAX_SENDER_CHARS

log = logging.getLogger(__name__)

CHANNEL = "sms"
PROVIDER = "twilio"
SMS_PATH = "/webhooks/twilio/sms"
STATUS_PATH = "/webhooks/twilio/status"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
#: Twilio's forms are a few kilobytes; anything far larger is not Twilio
MAX_FORM_BYTES = 64 * 1024
#: Twilio SIDs are 34 characters; the column holds 128
MAX_SID_CHARS = 64
MAX_STATUS_CHARS = 32

Form = ImmutableMultiDict[str, str]


def routes(desk: chat.ChatDesk, *, auth_token: str, public_url: str) -> list[Route]:
    """The Twilio webhook routes, bound to ``desk``.

    Args:
        desk: what handling a message needs; its postman sends the replies.
        auth_token: ``ARBOT_TWILIO_AUTH_TOKEN``, the key of Twilio's signatures ("" rejects
            every request).
        public_url: ``ARBOT_PUBLIC_URL``, the base URL Twilio calls.
    """
    validator = RequestValidator(auth_token) if auth_token else None  # type: ignore[no-untyped-call]
    base = public_url.rstrip("/")

    async def signed_form(request: Request) -> Form | Response:
        """The request's form when Twilio signed it, else the response refusing it."""
        return await _signed_form(request, validator, base)

    async def sms_webhook(request: Request) -> Response:
        form = await signed_form(request)
        if isinstance(form, Response):
            return form
        sender = form.get("From", "").strip()
        if not sender or len(sender) > MAX_SENDER_CHARS:
            return _bad_field("From", "missing, blank or too long (the sender's number)")
        sid = form.get("MessageSid", "").strip() or None
        if sid is not None and len(sid) > MAX_SID_CHARS:
            return _bad_field("MessageSid", f"longer than {MAX_SID_CHARS} characters")
        text = form.get("Body", "")[:MAX_MESSAGE_CHARS]  # an MMS may come without one
        await chat.handle_message(desk, CHANNEL, sender, text, provider_id=sid)
        return Response(EMPTY_TWIML, media_type="text/xml")

    async def status_callback(request: Request) -> Response:
        form = await signed_form(request)
        if isinstance(form, Response):
            return form
        sid = form.get("MessageSid", "").strip()
        status = (form.get("MessageStatus") or form.get("SmsStatus") or "").strip()
        for name, value, limit in (
            ("MessageSid", sid, MAX_SID_CHARS),
            ("MessageStatus", status, MAX_STATUS_CHARS),
        ):
            if not value or len(value) > limit:
                return _bad_field(name, f"missing, blank or longer than {limit} characters")
        error = form.get("ErrorCode", "").strip() or None
        known = await run_in_threadpool(
            functools.partial(
                delivery.record_status, desk.sessions, PROVIDER, sid, status, error,
                now=desk.clock.now(),
            )
        )  # fmt: skip
        if not known:  # kept: its message's SID may not be stored yet; Twilio must not retry
            log.info("twilio status %s for a message not known yet: %s", status, sid)
        return Response(EMPTY_TWIML, media_type="text/xml")

    return [
        Route(SMS_PATH, sms_webhook, methods=["POST"]),
        Route(STATUS_PATH, status_callback, methods=["POST"]),
    ]


async def _signed_form(
    request: Request, validator: RequestValidator | None, base: str
) -> Form | Response:
    if validator is None:
        log.warning("twilio webhook refused: ARBOT_TWILIO_AUTH_TOKEN is not set")
        return _forbidden()
    raw = await _body(request)
    if raw is None:
        return JSONResponse(
            {"error": f"body: larger than {MAX_FORM_BYTES} bytes", "field": "body"},
            status_code=413,
        )
    form = ImmutableMultiDict(
        parse_qsl(
            raw.decode("utf-8", "replace"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="replace",
        )
    )
    signature = request.headers.get("x-twilio-signature", "")
    url = base + request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if not signature or not validator.validate(url, form, signature):  # type: ignore[no-untyped-call]
        log.warning("twilio webhook refused: bad or missing signature for %s", url)
        return _forbidden()
    return form


async def _body(request: Request) -> bytes | None:
    """The request body, or None once it grows past MAX_FORM_BYTES."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _forbidden() -> Response:
    return JSONResponse({"error": "X-Twilio-Signature: missing or invalid"}, status_code=403)


def _bad_field(name: str, problem: str) -> Response:
    return JSONResponse({"error": f"{name}: {problem}", "field": name}, status_code=400)
