"""``/console/escalations/{id}`` (collector and above): working one escalation.

The page shows the transcript, the account panel and the internal notes
(:func:`bot.services.console_queue.conversation`). Its forms claim the case, answer the
customer, add a note and resolve it, through :mod:`bot.services.handoff` exactly as the
JSON API does: a reply goes out on the customer's channel through the delivery service
and lands in the transcript. The reply form carries a one-time key, so a double click or
a resent form sends the answer once. Acting on a case another collector holds is refused
with 409 and the reason on the page.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.errors import ArbotError, InputError
from bot.policy.catalog import canned_replies, canned_text
from bot.services import console_queue, delivery, escalation_notes, handoff, languages
from bot.services.console_auth import ConsoleUser
from bot.web.api import MAX_REPLY_CHARS
from bot.web.console.auth import role
from bot.web.console.casework import ACCEPTED, status_of, text_field
from bot.web.console.context import ConsoleContext
from bot.web.console.queue import shown_time
from integrations.rasa import BotMessage

PATH = "/console/escalations/{id:int}"
#: what a form's one-time key may look like (the page makes 32 hex digits)
_KEY = re.compile(r"[0-9a-f]{16,64}")


def _page_url(escalation_id: int) -> str:
    return f"/console/escalations/{escalation_id}"


def _reply_text(form: Any) -> str:
    """The collector's words, or the canned reply (in the language) a button chose.

    Raises:
        InputError: naming the field when the text is missing or too long, or the canned
            reply does not exist.
    """
    chosen = form.get("canned")
    if isinstance(chosen, str) and chosen:
        try:
            return canned_text(chosen)
        except KeyError as exc:
            raise InputError(f"canned: {exc.args[0]}") from None
    return text_field(form, "text", limit=MAX_REPLY_CHARS)


def routes(ctx: ConsoleContext) -> list[BaseRoute]:
    """The conversation view and its four forms."""
    zone = ctx.settings.default_timezone

    async def page(
        request: Request, user: ConsoleUser, *, error: str | None = None, status_code: int = 200
    ) -> Response:
        escalation_id = int(request.path_params["id"])
        try:
            view = await ctx.call(console_queue.conversation, escalation_id, ctx.clock.now(), zone)
        except ArbotError as exc:
            missing = {"title": "No such escalation", "reason": str(exc),
                       "back_url": "/console/queue", "back_label": "Back to the queue"}  # fmt: skip
            return ctx.templates.render(request, "problem.html", missing, status_of(exc))
        case = view.case
        language = await ctx.call(languages.of_conversation, case.conversation_id)
        context: dict[str, Any] = {
            "view": view,
            "case": case,
            "language": language,
            "canned": canned_replies(),
            "mine": case.status == "claimed" and case.assigned_to == user.id,
            "error": error,
            "reply_key": uuid.uuid4().hex,
            "max_reply": MAX_REPLY_CHARS,
            "max_note": escalation_notes.MAX_NOTE_CHARS,
            "shown_time": shown_time,
        }
        return ctx.templates.render(request, "conversation.html", context, status_code)

    def back(request: Request) -> RedirectResponse:
        return RedirectResponse(_page_url(int(request.path_params["id"])), status_code=303)

    @role(ctx, "collector")
    async def show(request: Request, user: ConsoleUser) -> Response:
        return await page(request, user)

    @role(ctx, "collector")
    async def claim(request: Request, user: ConsoleUser) -> Response:
        try:
            await ctx.call(handoff.claim, int(request.path_params["id"]), user.id, ctx.clock.now())
        except ArbotError as exc:
            return await page(request, user, error=str(exc), status_code=status_of(exc))
        return back(request)

    @role(ctx, "collector")
    async def reply(request: Request, user: ConsoleUser) -> Response:
        form = await request.form()
        try:
            text = _reply_text(form)
            case = await ctx.call(handoff.reply_target, int(request.path_params["id"]), user.id)
            given = form.get("reply_key")
            fresh = isinstance(given, str) and _KEY.fullmatch(given)
            key = f"collector:{case.id}:{given}" if fresh else delivery.new_key("collector")
            sent = await delivery.deliver(
                ctx.postman, case.channel or "", case.address or "", BotMessage(text),
                key=key, author="collector", conversation_id=case.conversation_id,
            )  # fmt: skip
        except ArbotError as exc:
            return await page(request, user, error=str(exc), status_code=status_of(exc))
        if sent.status not in ACCEPTED:
            failure = f"The reply was not delivered ({sent.reason or sent.status})."
            return await page(request, user, error=failure, status_code=502)
        return back(request)

    @role(ctx, "collector")
    async def note(request: Request, user: ConsoleUser) -> Response:
        form = await request.form()
        try:
            body = text_field(form, "body", limit=escalation_notes.MAX_NOTE_CHARS)
            await ctx.call(
                escalation_notes.add_note, int(request.path_params["id"]), user.id, body,
                ctx.clock.now(),
            )  # fmt: skip
        except ArbotError as exc:
            return await page(request, user, error=str(exc), status_code=status_of(exc))
        return back(request)

    @role(ctx, "collector")
    async def resolve(request: Request, user: ConsoleUser) -> Response:
        form = await request.form()
        try:
            text = text_field(form, "note", limit=MAX_REPLY_CHARS, required=False)
            await ctx.call(
                handoff.resolve, int(request.path_params["id"]), user.id, ctx.clock.now(), text
            )
        except ArbotError as exc:
            return await page(request, user, error=str(exc), status_code=status_of(exc))
        return RedirectResponse("/console/queue", status_code=303)

    return [
        Route(PATH, show, methods=["GET"]),
        Route(PATH + "/claim", claim, methods=["POST"]),
        Route(PATH + "/reply", reply, methods=["POST"]),
        Route(PATH + "/note", note, methods=["POST"]),
        Route(PATH + "/resolve", resolve, methods=["POST"]),
    ]
