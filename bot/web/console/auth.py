"""Console sign-in and the role guard every console page goes through.

Guard API (for the console's route modules)::

    @role(ctx, "manager")
    async def users_page(request: Request, user: ConsoleUser) -> Response: ...

    user = await require(request, ctx, "collector")   # raises Denied

Both check, in order: a live session (else 303 to ``/console/login?next=<path>`` for a
page, 401 JSON for ``*.json``, ``*/events`` or a JSON/SSE ``Accept``), the role (else the
403 page, or 403 JSON), and on POST/PUT/PATCH/DELETE the session's CSRF token in the
``csrf_token`` form field or the ``X-CSRF-Token`` header (else 403). Roles rank
collector < manager < admin. The signed-in user is then on ``request.state.console_user``
and the token on ``request.state.csrf_token``, where the templates find them.

Routes: ``GET/POST /console/login`` (the form carries the ``arbot_csrf`` double-submit
cookie's value), ``POST /console/logout``, ``GET /console`` → ``/console/queue``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote, urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.policy.text_input import storable
from bot.services import console_auth
from bot.services.console_auth import ConsoleUser
from bot.web.console.context import ConsoleContext

SESSION_COOKIE = "arbot_session"
LOGIN_CSRF_COOKIE = "arbot_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
LOGIN_PATH = "/console/login"
HOME_PATH = "/console/queue"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: what the login page says for every refusal, so it tells nothing about the account
LOGIN_REFUSED = "Wrong e-mail or password, or the account is locked for a while."
_MAX_FIELD = 1024
#: the lengths a double-submit token the browser sends back may have
_TOKEN_LENGTHS = (32, 64)

Page = Callable[[Request, ConsoleUser], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]

__all__ = [
    "ConsoleUser",
    "Denied",
    "current_user",
    "forbidden",
    "form_text",
    "require",
    "role",
    "routes",
    "safe_next",
]


class Denied(Exception):  # noqa: N818 - it carries the response, like starlette's HTTPException
    """A request the guard turned away; ``response`` is what the client gets."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


async def require(request: Request, ctx: ConsoleContext, minimum: str) -> ConsoleUser:
    """The signed-in user when their role is ``minimum`` or above (and CSRF holds).

    Raises:
        Denied: carrying the redirect to the login page, the 401, or the 403.
    """
    visit = await ctx.call(console_auth.visit, request.cookies.get(SESSION_COOKIE), ctx.clock.now())
    if visit is None:
        raise Denied(_anonymous(request))
    request.state.console_user = visit.user
    request.state.csrf_token = visit.csrf_token
    if not visit.user.may(minimum):
        raise Denied(forbidden(request, ctx, "Your role does not give access to this page."))
    if request.method in UNSAFE_METHODS and not await _csrf_sent(request, visit.csrf_token):
        raise Denied(forbidden(request, ctx, "The form was stale or not sent by this console."))
    return visit.user


def role(ctx: ConsoleContext, minimum: str) -> Callable[[Page], Endpoint]:
    """Decorates ``page(request, user)`` into an endpoint guarded by :func:`require`."""
    console_auth.rank(minimum)  # a misspelt role fails when the routes are built

    def decorate(page: Page) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            try:
                user = await require(request, ctx, minimum)
            except Denied as denied:
                return denied.response
            return await page(request, user)

        endpoint.__name__ = page.__name__
        endpoint.__doc__ = page.__doc__
        return endpoint

    return decorate


def current_user(request: Request) -> ConsoleUser | None:
    """The user :func:`require` let through on this request, or None."""
    user: ConsoleUser | None = getattr(request.state, "console_user", None)
    return user


async def denied_handler(_request: Request, exc: Exception) -> Response:
    """Starlette exception handler: a :class:`Denied` raised by a route is its response."""
    if not isinstance(exc, Denied):  # pragma: no cover - registered for Denied only
        raise exc
    return exc.response


def forbidden(request: Request, ctx: ConsoleContext, reason: str) -> Response:
    """403: JSON for API-like requests, else the forbidden page."""
    if _wants_json(request):
        return JSONResponse({"error": reason}, status_code=403)
    return ctx.templates.render(request, "forbidden.html", {"reason": reason}, status_code=403)


def safe_next(value: str | None) -> str:
    """Where to go after login: a path inside the console, else the queue (no open redirect)."""
    if not value or "\\" in value or any(ord(ch) < 0x20 for ch in value):
        return HOME_PATH
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith("//"):
        return HOME_PATH
    if parts.path != "/console" and not parts.path.startswith("/console/"):
        return HOME_PATH
    if parts.path.startswith(LOGIN_PATH):
        return HOME_PATH
    return value


def routes(ctx: ConsoleContext) -> list[BaseRoute]:
    """Login, logout and the console's front door."""

    async def login_form(request: Request) -> Response:
        target = safe_next(request.query_params.get("next"))
        visit = await ctx.call(
            console_auth.visit, request.cookies.get(SESSION_COOKIE), ctx.clock.now()
        )
        if visit is not None:
            return _redirect(target)
        return _login_page(request, ctx, target, error=None)

    async def login_submit(request: Request) -> Response:
        form = await request.form()
        sent = _field(form.get(CSRF_FIELD))
        if not console_auth.csrf_matches(request.cookies.get(LOGIN_CSRF_COOKIE, ""), sent):
            return forbidden(request, ctx, "The login form expired; open the login page again.")
        target = safe_next(_field(form.get("next")))
        email, password = form_text(form, "email"), _field(form.get("password"))
        signed = await ctx.call(console_auth.login, email, password, ctx.clock.now())
        if signed is None:
            return _login_page(request, ctx, target, error=LOGIN_REFUSED, email=email)
        response = _redirect(target)
        _set_cookie(response, SESSION_COOKIE, signed.token, path="/")
        response.delete_cookie(LOGIN_CSRF_COOKIE, path=LOGIN_PATH, secure=True, httponly=True)
        return response

    @role(ctx, "collector")
    async def logout(request: Request, _user: ConsoleUser) -> Response:
        await ctx.call(console_auth.logout, request.cookies.get(SESSION_COOKIE), ctx.clock.now())
        response = _redirect(LOGIN_PATH)
        response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True)
        return response

    async def front(_request: Request) -> Response:
        return _redirect(HOME_PATH)

    return [
        Route("/console", front, methods=["GET"]),
        Route(LOGIN_PATH, login_form, methods=["GET"]),
        Route(LOGIN_PATH, login_submit, methods=["POST"]),
        Route("/console/logout", logout, methods=["POST"]),
    ]


def _login_page(
    request: Request, ctx: ConsoleContext, target: str, *, error: str | None, email: str = ""
) -> Response:
    """The login form, its double-submit token in a hidden field and in a cookie.

    A token the browser already holds is kept, so two open login tabs both work.
    """
    held = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    token = held if _TOKEN_LENGTHS[0] <= len(held) <= _TOKEN_LENGTHS[1] else None
    token = token or console_auth.new_csrf_token()
    request.state.csrf_token = token
    context = {"next": target, "error": error, "email": email[:254]}
    response = ctx.templates.render(
        request, "login.html", context, status_code=200 if error is None else 401
    )
    _set_cookie(response, LOGIN_CSRF_COOKIE, token, path=LOGIN_PATH)
    return response


def _anonymous(request: Request) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": "sign in to the console first"}, status_code=401)
    if request.method in ("GET", "HEAD"):
        wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return _redirect(f"{LOGIN_PATH}?next={quote(wanted, safe='')}")
    return _redirect(LOGIN_PATH)


def _wants_json(request: Request) -> bool:
    path = request.url.path
    accept = request.headers.get("accept", "")
    return (
        path.endswith((".json", "/events"))
        or "application/json" in accept
        or "text/event-stream" in accept
    )


async def _csrf_sent(request: Request, expected: str) -> bool:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = _field((await request.form()).get(CSRF_FIELD))
    return console_auth.csrf_matches(expected, sent)


def form_text(form: FormData, name: str) -> str:
    """The text field ``name`` of a form, trimmed, capped in length and storable (a NUL is
    U+FFFD); blank when missing or an upload."""
    return storable(_field(form.get(name))).strip()


def _field(value: object) -> str:
    return value[:_MAX_FIELD] if isinstance(value, str) else ""


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def _set_cookie(response: Response, name: str, value: str, *, path: str) -> None:
    response.set_cookie(name, value, path=path, secure=True, httponly=True, samesite="lax")
