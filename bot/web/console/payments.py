"""``/console/payments`` (collector and above): the latest payments of every account.

Imported, Stripe and reversal entries alike, newest first — so a collector sees a payment
made in the chat the moment its webhook is applied.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.services.console_auth import ConsoleUser
from bot.services.payments_list import recent_payments
from bot.web.console.auth import role
from bot.web.console.context import ConsoleContext

PATH = "/console/payments"
#: how many payments the page lists
SHOWN = 200


def routes(ctx: ConsoleContext) -> list[BaseRoute]:
    """The list."""

    @role(ctx, "collector")
    async def show(request: Request, _user: ConsoleUser) -> Response:
        found = await ctx.call(recent_payments, SHOWN)
        return ctx.templates.render(request, "payments.html", {"payments": found})

    return [Route(PATH, show, methods=["GET"])]
