"""``/console/users`` (manager and above): the console's users, and adding one.

A user may add users of their own role or below: a manager adds collectors and
managers, only an admin adds admins. The new user's password is generated and shown
once, on the page that answers the form (never in a URL or a redirect).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.errors import Conflict, InputError
from bot.services import users
from bot.services.console_auth import ConsoleUser
from bot.web.console.auth import form_text, role
from bot.web.console.context import ConsoleContext

PATH = "/console/users"


def grantable(user: ConsoleUser) -> list[str]:
    """The roles ``user`` may give a new user: their own and those below it."""
    return [name for name in users.ROLES if user.may(name)]


def routes(ctx: ConsoleContext) -> list[BaseRoute]:
    """The users page and its form."""

    async def page(
        request: Request,
        user: ConsoleUser,
        *,
        created: users.NewUser | None = None,
        error: str | None = None,
        status_code: int = 200,
    ) -> Response:
        listing = await ctx.call(users.list_users)
        context = {
            "users": listing,
            "roles": grantable(user),
            "created": created,
            "error": error,
            "now": ctx.clock.now(),
        }
        return ctx.templates.render(request, "users.html", context, status_code=status_code)

    @role(ctx, "manager")
    async def show(request: Request, user: ConsoleUser) -> Response:
        return await page(request, user)

    @role(ctx, "manager")
    async def add(request: Request, user: ConsoleUser) -> Response:
        form = await request.form()
        email, wanted = form_text(form, "email"), form_text(form, "role")
        if wanted in users.ROLES and not user.may(wanted):
            return await page(
                request, user, error=f"role: a {user.role} cannot add an {wanted}", status_code=403
            )
        try:
            created = await ctx.call(
                users.add_user, email, wanted, ctx.clock.now(), by_user_id=user.id
            )
        except (InputError, Conflict) as exc:
            status = 409 if isinstance(exc, Conflict) else 400
            return await page(request, user, error=str(exc), status_code=status)
        return await page(request, user, created=created, status_code=201)

    return [
        Route(PATH, show, methods=["GET"]),
        Route(PATH, add, methods=["POST"]),
    ]
