"""``/console/charges`` (collector and above): open finance charges, waived with a reason.

A waiver is an audited credit by the signed-in collector
(:func:`bot.services.credit.finance_charges.waive_finance_charge`); the page then says
what was waived.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.errors import ArbotError
from bot.services.console_auth import ConsoleUser
from bot.services.credit.finance_charges import (
    MAX_REASON,
    open_finance_charges,
    waive_finance_charge,
)
from bot.web.console.auth import role
from bot.web.console.casework import status_of, text_field
from bot.web.console.context import ConsoleContext

PATH = "/console/charges"
_MAX_INVOICE = 64


def routes(ctx: ConsoleContext) -> list[BaseRoute]:
    """The list and its waiver form."""

    async def page(
        request: Request, *, error: str | None = None, status_code: int = 200
    ) -> Response:
        found = await ctx.call(open_finance_charges)
        waived = request.query_params.get("waived", "")[:_MAX_INVOICE]
        context: dict[str, Any] = {"charges": found, "error": error, "waived": waived}
        return ctx.templates.render(request, "charges.html", context, status_code)

    @role(ctx, "collector")
    async def show(request: Request, _user: ConsoleUser) -> Response:
        return await page(request)

    @role(ctx, "collector")
    async def waive(request: Request, user: ConsoleUser) -> Response:
        form = await request.form()
        try:
            number = text_field(form, "invoice_number", limit=_MAX_INVOICE)
            reason = text_field(form, "reason", limit=MAX_REASON)
            done = await ctx.call(
                waive_finance_charge, number, reason, user.email, ctx.clock.now(),
                hold_days=ctx.settings.hold_days_past_due,
            )  # fmt: skip
        except ArbotError as exc:
            return await page(request, error=str(exc), status_code=status_of(exc))
        query = urlencode({"waived": done.invoice_number})
        return RedirectResponse(f"{PATH}?{query}", status_code=303)

    return [
        Route(PATH, show, methods=["GET"]),
        Route(PATH + "/waive", waive, methods=["POST"]),
    ]
