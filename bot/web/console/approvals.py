"""``/console/approvals`` (collector and above): plans waiting for approval.

A plan above the approval limit waits ``pending_approval``; approving puts it in force,
rejecting cancels it (:mod:`bot.services.plan_approvals`). The customer is told on their
channel once, under a key of the decision; a second click finds the plan decided (409).
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
from bot.services import plan_approvals
from bot.services.console_auth import ConsoleUser
from bot.web.console.auth import role
from bot.web.console.casework import notify, outcome_banner, status_of
from bot.web.console.context import ConsoleContext
from bot.web.console.queue import shown_money, shown_time

PATH = "/console/approvals"
_PLAN = re.compile(r"Plan \d{1,12}")
_OUTCOMES = {"active": "is approved and in force", "cancelled": "is rejected and cancelled"}


def routes(ctx: ConsoleContext) -> list[BaseRoute]:
    """The approvals page and its two decisions (``/console/plans/{id}/approve|reject``)."""
    company = ctx.settings.company_name

    async def page(
        request: Request, *, error: str | None = None, status_code: int = 200
    ) -> Response:
        context: dict[str, Any] = {
            "plans": await ctx.call(plan_approvals.pending_plans),
            "banner": outcome_banner(request, _PLAN, _OUTCOMES),
            "error": error,
            "shown_money": shown_money,
            "shown_time": shown_time,
        }
        return ctx.templates.render(request, "approvals.html", context, status_code)

    @role(ctx, "collector")
    async def show(request: Request, _user: ConsoleUser) -> Response:
        return await page(request)

    def deciding(decide: Callable[..., plan_approvals.PlanDecision]) -> Any:
        @role(ctx, "collector")
        async def post(request: Request, user: ConsoleUser) -> Response:
            plan_id = int(request.path_params["id"])
            try:
                decision = await ctx.call(
                    decide, plan_id, user.id, ctx.clock.now(), company=company
                )
            except ArbotError as exc:
                return await page(request, error=str(exc), status_code=status_of(exc))
            told = await notify(ctx.postman, decision.notice)
            query = urlencode(
                {"decided": f"Plan {decision.id}", "outcome": decision.status, "told": told}
            )
            return RedirectResponse(f"{PATH}?{query}", status_code=303)

        return post

    return [
        Route(PATH, show, methods=["GET"]),
        Route(
            "/console/plans/{id:int}/approve", deciding(plan_approvals.approve), methods=["POST"]
        ),
        Route("/console/plans/{id:int}/reject", deciding(plan_approvals.reject), methods=["POST"]),
    ]
