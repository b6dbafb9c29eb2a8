"""The JSON API's credit control (SPEC §12): ``GET /api/holds``, for collectors and up.

The same service builds the same document as ``arbot holds --json``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.services.api_tokens import Caller
from bot.services.credit.holds import hold_json, holds

Handler = Callable[[Request, Caller], Awaitable[JSONResponse]]
Guard = Callable[[Handler], Callable[[Request], Awaitable[JSONResponse]]]


def routes(guarded: Guard, in_session: Callable[..., Awaitable[Any]]) -> list[Route]:
    """The credit routes, behind the API's bearer-token guard (any role)."""

    async def on_hold(_request: Request, _caller: Caller) -> JSONResponse:
        found = await in_session(holds)
        return JSONResponse([hold_json(held) for held in found])

    return [Route("/api/holds", guarded(on_hold), methods=["GET"])]
