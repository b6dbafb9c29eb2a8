"""``/console/disputes`` (collector and above): open disputes, upheld or rejected.

Upholding credits the invoice's open amount; rejecting releases the hold
(:mod:`bot.services.dispute_resolution`). Either way the customer is told on their
channel once the decision is stored, under a key of the decision, so a second click
finds the dispute decided (409) and sends nothing more. After a decision the browser is
sent back to the list, which says what happened.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.errors import ArbotError
from bot.services import dispute_resolution
from bot.services.console_auth import ConsoleUser
from bot.web.console.auth import role
from bot.web.console.casework import notify, outcome_banner, status_of
from bot.web.console.context import ConsoleContext
from bot.web.console.queue import shown_money, shown_time

PATH = "/console/disputes"
_REFERENCE = re.compile(r"D-\d{1,12}")
_OUTCOMES = {
    "upheld": "upheld: the invoice is credited",
    "rejected": "rejected: the hold is released",
}


def routes(ctx: ConsoleContext) -> list[BaseRoute]:
    """The disputes page and its two decisions."""
    company, zone = ctx.settings.company_name, ctx.settings.default_timezone

    async def page(
        request: Request, *, error: str | None = None, status_code: int = 200
    ) -> Response:
        found = await ctx.call(dispute_resolution.open_disputes)
        context: dict[str, Any] = {
            "disputes": found,
            "banner": outcome_banner(request, _REFERENCE, _OUTCOMES),
            "error": error,
            "shown_money": shown_money,
            "shown_time": shown_time,
        }
        return ctx.templates.render(request, "disputes.html", context, status_code)

    @role(ctx, "collector")
    async def show(request: Request, _user: ConsoleUser) -> Response:
        return await page(request)

    def deciding(decide: Callable[..., dispute_resolution.DisputeDecision], **extra: Any) -> Any:
        @role(ctx, "collector")
        async def post(request: Request, user: ConsoleUser) -> Response:
            dispute_id = int(request.path_params["id"])
            try:
                decision = await ctx.call(
                    decide, dispute_id, user.id, ctx.clock.now(), company=company, **extra
                )
            except ArbotError as exc:
                return await page(request, error=str(exc), status_code=status_of(exc))
            told = await notify(ctx.postman, decision.notice)
            query = urlencode(
                {"decided": decision.reference, "outcome": decision.status, "told": told}
            )
            return RedirectResponse(f"{PATH}?{query}", status_code=303)

        return post

    hold_days = ctx.settings.hold_days_past_due
    uphold = deciding(dispute_resolution.uphold, default_timezone=zone, hold_days=hold_days)
    reject = deciding(dispute_resolution.reject, hold_days=hold_days)
    return [
        Route(PATH, show, methods=["GET"]),
        Route(PATH + "/{id:int}/uphold", uphold, methods=["POST"]),
        Route(PATH + "/{id:int}/reject", reject, methods=["POST"]),
    ]
