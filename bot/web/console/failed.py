"""``/console/failed`` (collector and above): outbound messages that need a person.

A message the dispatcher gave up on (``failed``, with the reason) or could not be sure
about (``in_doubt``: handed to the provider, no answer recorded) is listed here, oldest
first. **Retry** sends it once more now (:func:`bot.services.failed_messages.retry`); **Discard**
gives it up for good. Both are audited with the collector's id; a second click finds the
message no longer listed (404).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.errors import ArbotError
from bot.services import failed_messages
from bot.services.console_auth import ConsoleUser
from bot.web.console.auth import role
from bot.web.console.casework import status_of
from bot.web.console.context import ConsoleContext
from bot.web.console.queue import shown_time

PATH = "/console/failed"
_DONE = re.compile(r"\d{1,12}")
#: what the page says after an action, by the code its redirect carries
OUTCOMES = {
    "sent": "was sent.",
    "queued": "is queued again; the dispatcher will try it.",
    "failed": "failed again.",
    "discarded": "was discarded.",
}


def routes(ctx: ConsoleContext) -> list[BaseRoute]:
    """The page and its two actions (``/console/failed/{id}/retry|discard``)."""

    async def page(
        request: Request, *, error: str | None = None, status_code: int = 200
    ) -> Response:
        context: dict[str, Any] = {
            "messages": await run_in_threadpool(failed_messages.needing_a_person, ctx.sessions),
            "banner": _banner(request),
            "error": error,
            "shown_time": shown_time,
        }
        return ctx.templates.render(request, "failed.html", context, status_code)

    @role(ctx, "collector")
    async def show(request: Request, _user: ConsoleUser) -> Response:
        return await page(request)

    @role(ctx, "collector")
    async def retry(request: Request, user: ConsoleUser) -> Response:
        message_id = int(request.path_params["id"])
        try:
            sent = await failed_messages.retry(
                ctx.postman, message_id, actor="collector", user_id=user.id, by=user.email
            )
        except ArbotError as exc:
            return await page(request, error=str(exc), status_code=status_of(exc))
        outcome = {"done": "sent", "pending": "queued"}.get(sent.state, "failed")
        return _back(message_id, outcome)

    @role(ctx, "collector")
    async def discard(request: Request, user: ConsoleUser) -> Response:
        message_id = int(request.path_params["id"])
        try:
            await run_in_threadpool(
                lambda: failed_messages.discard(
                    ctx.postman, message_id, actor="collector", user_id=user.id, by=user.email
                )
            )
        except ArbotError as exc:
            return await page(request, error=str(exc), status_code=status_of(exc))
        return _back(message_id, "discarded")

    return [
        Route(PATH, show, methods=["GET"]),
        Route(PATH + "/{id:int}/retry", retry, methods=["POST"]),
        Route(PATH + "/{id:int}/discard", discard, methods=["POST"]),
    ]


def _back(message_id: int, outcome: str) -> RedirectResponse:
    query = urlencode({"message": message_id, "outcome": outcome})
    return RedirectResponse(f"{PATH}?{query}", status_code=303)


def _banner(request: Request) -> str:
    """The sentence a redirect asks for; only known codes, so a link cannot word it."""
    message = request.query_params.get("message", "")
    outcome = request.query_params.get("outcome", "")
    if not _DONE.fullmatch(message) or outcome not in OUTCOMES:
        return ""
    return f"Message {message} {OUTCOMES[outcome]}"
