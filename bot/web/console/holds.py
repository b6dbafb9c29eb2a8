"""``/console/holds`` (collector and above): the accounts on credit hold (SPEC §12).

Longest held first, with the reasons and what is open against the limit — so a collector
knows whose orders to stop, and sees a hold end the moment its payment is applied.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.services.console_auth import ConsoleUser
from bot.services.credit.holds import hold_json, holds
from bot.web.console.auth import role
from bot.web.console.context import ConsoleContext

PATH = "/console/holds"


def routes(ctx: ConsoleContext) -> list[BaseRoute]:
    """The list."""

    @role(ctx, "collector")
    async def show(request: Request, _user: ConsoleUser) -> Response:
        found = await ctx.call(holds)
        return ctx.templates.render(
            request, "holds.html", {"holds": [hold_json(held) for held in found]}
        )

    return [Route(PATH, show, methods=["GET"])]
