"""``/console/link-codes`` (collector and above): a Telegram link code for an account.

The collector names the account and gets a single-use code (and, when the bot's username
is configured, the ``t.me`` deep link) to give the customer, who opens it to link their
chat (:mod:`bot.services.telegram_links`). The code is shown once, on the page that
answers the form — never in a URL or a redirect.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.errors import ArbotError
from bot.services import telegram_links
from bot.services.console_auth import ConsoleUser
from bot.web.console.auth import role
from bot.web.console.casework import status_of, text_field
from bot.web.console.context import ConsoleContext
from bot.web.console.queue import shown_time

PATH = "/console/link-codes"
#: the longest account number a form may send (the column holds 64)
_MAX_ACCOUNT = 64


def routes(ctx: ConsoleContext) -> list[BaseRoute]:
    """The form and the code it issues."""
    username = ctx.settings.telegram_bot_username

    def page(request: Request, status_code: int = 200, **values: Any) -> Response:
        context = {"issued": None, "deep_link": None, "error": None, "account_number": "",
                   "shown_time": shown_time, **values}  # fmt: skip
        return ctx.templates.render(request, "link_codes.html", context, status_code)

    @role(ctx, "collector")
    async def show(request: Request, _user: ConsoleUser) -> Response:
        return page(request)

    @role(ctx, "collector")
    async def issue(request: Request, _user: ConsoleUser) -> Response:
        form = await request.form()
        number = ""
        try:
            number = text_field(form, "account_number", limit=_MAX_ACCOUNT)
            issued = await ctx.call(telegram_links.issue_code, number, ctx.clock.now())
        except ArbotError as exc:
            return page(request, status_of(exc), error=str(exc), account_number=number)
        link = issued.deep_link(username) if username else None
        return page(request, 201, issued=issued, deep_link=link)

    return [
        Route(PATH, show, methods=["GET"]),
        Route(PATH, issue, methods=["POST"]),
    ]
