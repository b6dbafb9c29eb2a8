"""``/console/queue`` (collector and above): the escalation queue, by priority, kept live.

The page lists the active escalations (:func:`bot.services.console_queue.queue`) in one of
three views — ``all``, ``mine`` (what the collector claimed), ``unclaimed`` — and a small
script (``static/queue.js``) polls ``/console/queue.json`` every 5 seconds and redraws the
table, so a new case or a colleague's claim shows up without a reload.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.services import console_queue
from bot.services.console_auth import ConsoleUser
from bot.services.console_queue import QueueItem
from bot.web.console.auth import role
from bot.web.console.context import ConsoleContext

PATH = "/console/queue"
DEFAULT_VIEW = "all"
#: how often the page asks for the queue again, in milliseconds
POLL_MS = 5000


def shown_time(value: datetime | None) -> str:
    """A UTC timestamp as the console prints it (``2026-11-22 14:55 UTC``); blank if None."""
    return "" if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


def shown_money(value: Decimal) -> str:
    """An amount with thousands separators and two places."""
    return f"{value:,.2f}"


def _view(request: Request) -> str:
    wanted = request.query_params.get("view", DEFAULT_VIEW)
    return wanted if wanted in console_queue.VIEWS else DEFAULT_VIEW


def _row(item: QueueItem) -> dict[str, Any]:
    """The item's JSON plus what the page prints, so the page and the script agree."""
    return {
        **item.to_json(),
        "url": f"/console/escalations/{item.id}",
        "past_due_shown": shown_money(item.past_due),
        "created_shown": shown_time(item.created_at),
        "last_message_shown": shown_time(item.last_customer_message_at),
    }


def routes(ctx: ConsoleContext) -> list[BaseRoute]:
    """The queue page and its JSON."""
    zone = ctx.settings.default_timezone

    async def rows(view: str, user: ConsoleUser) -> list[dict[str, Any]]:
        items = await ctx.call(
            console_queue.queue, view=view, user_id=user.id, now=ctx.clock.now(),
            default_timezone=zone,
        )  # fmt: skip
        return [_row(item) for item in items]

    @role(ctx, "collector")
    async def page(request: Request, user: ConsoleUser) -> Response:
        view = _view(request)
        context = {
            "rows": await rows(view, user),
            "view": view,
            "views": console_queue.VIEWS,
            "poll_ms": POLL_MS,
        }
        return ctx.templates.render(request, "queue.html", context)

    @role(ctx, "collector")
    async def as_json(request: Request, user: ConsoleUser) -> Response:
        view = _view(request)
        body = {
            "view": view,
            "generated_at": ctx.clock.now().isoformat(),
            "escalations": await rows(view, user),
        }
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    return [
        Route(PATH, page, methods=["GET"]),
        Route(PATH + ".json", as_json, methods=["GET"]),
    ]
