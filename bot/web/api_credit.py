"""The JSON API's credit control (SPEC §12), behind the API's bearer-token guard.

=======================================  ===========================================
``GET  /api/holds``                      accounts on credit hold (any role)
``GET  /api/write-offs``                 write-offs, proposals waiting first (any role)
``POST /api/write-offs/{id}/approve``    managers: approve (not one's own proposal)
``POST /api/write-offs/{id}/reject``     managers: reject (not one's own proposal)
=======================================  ===========================================

The same services build the same documents as ``arbot holds --json`` and ``arbot
writeoff list --json``; a manager deciding their own proposal gets 409.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.clock import Clock
from bot.policy.credit import HOLD_DAYS_PAST_DUE
from bot.services.api_tokens import Caller
from bot.services.credit import write_offs
from bot.services.credit.holds import hold_json, holds
from bot.services.users import ROLES

Handler = Callable[[Request, Caller], Awaitable[JSONResponse]]
Guard = Callable[[Handler], Callable[[Request], Awaitable[JSONResponse]]]


def routes(
    guarded: Guard,
    in_session: Callable[..., Awaitable[Any]],
    clock: Clock,
    hold_days: int = HOLD_DAYS_PAST_DUE,
) -> list[Route]:
    """The credit routes (``hold_days``: ``ARBOT_HOLD_DAYS_PAST_DUE``, for the credit hold
    an approved write-off may release)."""

    def managers(handler: Handler) -> Callable[[Request], Awaitable[JSONResponse]]:
        async def checked(request: Request, caller: Caller) -> JSONResponse:
            if ROLES.index(caller.role) < ROLES.index(write_offs.APPROVER_ROLE):
                return JSONResponse(
                    {"error": f"role: a {caller.role} may not decide write-offs (manager)"},
                    status_code=403,
                )
            return await handler(request, caller)

        return guarded(checked)

    async def on_hold(_request: Request, _caller: Caller) -> JSONResponse:
        found = await in_session(holds)
        return JSONResponse([hold_json(held) for held in found])

    async def listed(_request: Request, _caller: Caller) -> JSONResponse:
        found = await in_session(write_offs.write_offs)
        return JSONResponse([write_offs.write_off_json(row) for row in found])

    async def approve(request: Request, caller: Caller) -> JSONResponse:
        write_off_id = int(request.path_params["id"])
        row = await in_session(
            write_offs.approve, write_off_id, caller.email, clock.now(), None, hold_days
        )
        return JSONResponse(write_offs.write_off_json(row))

    async def reject(request: Request, caller: Caller) -> JSONResponse:
        write_off_id = int(request.path_params["id"])
        row = await in_session(write_offs.reject, write_off_id, caller.email, clock.now())
        return JSONResponse(write_offs.write_off_json(row))

    base = "/api/write-offs"
    return [
        Route("/api/holds", guarded(on_hold), methods=["GET"]),
        Route(base, guarded(listed), methods=["GET"]),
        Route(base + "/{id:int}/approve", managers(approve), methods=["POST"]),
        Route(base + "/{id:int}/reject", managers(reject), methods=["POST"]),
    ]
