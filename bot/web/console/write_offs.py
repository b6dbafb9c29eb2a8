"""``/console/write-offs``: candidates to propose (collectors), proposals to decide (managers).

A manager may not decide a proposal of their own: the service refuses it (409), as the
CLI and the API do (:mod:`bot.services.credit.write_offs`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.errors import ArbotError
from bot.services.console_auth import ConsoleUser
from bot.services.credit import write_offs
from bot.web.console.auth import role
from bot.web.console.casework import status_of, text_field
from bot.web.console.context import ConsoleContext

PATH = "/console/write-offs"
_MAX_INVOICE = 64
_DONE = ("proposed", "approved", "rejected")


def routes(ctx: ConsoleContext) -> list[BaseRoute]:
    """The page, proposing, approving and rejecting."""
    settings = ctx.settings

    async def page(
        request: Request, user: ConsoleUser, *, error: str | None = None, status_code: int = 200
    ) -> Response:
        now, zone = ctx.clock.now(), settings.default_timezone
        found = await ctx.call(write_offs.candidates, now, zone, settings.write_off_days)
        listed = await ctx.call(write_offs.write_offs)
        done = request.query_params.get("done", "")
        context: dict[str, Any] = {
            "candidates": found,
            "write_offs": listed,
            "error": error,
            "done": done if done in _DONE else "",
            "may_decide": user.may(write_offs.APPROVER_ROLE),
            "me": user.email,
        }
        return ctx.templates.render(request, "write_offs.html", context, status_code)

    @role(ctx, "collector")
    async def show(request: Request, user: ConsoleUser) -> Response:
        return await page(request, user)

    @role(ctx, "collector")
    async def propose(request: Request, user: ConsoleUser) -> Response:
        form = await request.form()
        try:
            number = text_field(form, "invoice_number", limit=_MAX_INVOICE)
            await ctx.call(
                write_offs.propose, number, user.email, ctx.clock.now(),
                settings.default_timezone, settings.write_off_days,
            )  # fmt: skip
        except ArbotError as exc:
            return await page(request, user, error=str(exc), status_code=status_of(exc))
        return RedirectResponse(f"{PATH}?{urlencode({'done': 'proposed'})}", status_code=303)

    def deciding(decision: str) -> Any:
        @role(ctx, "manager")
        async def post(request: Request, user: ConsoleUser) -> Response:
            write_off_id = int(request.path_params["id"])
            try:
                if decision == "approved":
                    await ctx.call(
                        write_offs.approve, write_off_id, user.email, ctx.clock.now(),
                        settings.default_timezone, settings.hold_days_past_due,
                    )  # fmt: skip
                else:
                    await ctx.call(write_offs.reject, write_off_id, user.email, ctx.clock.now())
            except ArbotError as exc:
                return await page(request, user, error=str(exc), status_code=status_of(exc))
            return RedirectResponse(f"{PATH}?{urlencode({'done': decision})}", status_code=303)

        return post

    return [
        Route(PATH, show, methods=["GET"]),
        Route(PATH + "/propose", propose, methods=["POST"]),
        Route(PATH + "/{id:int}/approve", deciding("approved"), methods=["POST"]),
        Route(PATH + "/{id:int}/reject", deciding("rejected"), methods=["POST"]),
    ]
