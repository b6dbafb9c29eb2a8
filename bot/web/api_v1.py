"""The integration API (SPEC §15), for an ERP or CRM with an ``integration`` token.

=====================================  ==================================================
``POST /api/v1/customers``             a JSON array (≤ 1,000) of customers.csv rows
``POST /api/v1/invoices``              … of invoices.csv rows
``POST /api/v1/payments``              … of payments.csv rows
``GET  /api/v1/events?after=&limit=``  the change feed, oldest first
``GET  /api/openapi.json``             the OpenAPI 3.1 document of every ``/api`` route
=====================================  ==================================================

Only a bearer token of a user with role ``integration`` passes (401 without a token, 403
for another role); the other ``/api`` routes refuse that role in turn (:mod:`bot.web.api`).
Their bodies may be up to :data:`MAX_BODY_BYTES`, the rest of the app keeps its limit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.clock import Clock
from bot.policy.credit import HOLD_DAYS_PAST_DUE
from bot.services import api_tokens
from bot.services.api_tokens import Caller
from bot.services.integration import feed, ingest
from bot.services.users import INTEGRATION
from bot.web import openapi

PREFIX = "/api/v1/"
#: the body limit of the ingestion routes: 1,000 customers with every column fit
MAX_BODY_BYTES = 4 * 1024 * 1024
Handler = Callable[[Request, Caller], Awaitable[Response]]


def routes(
    sessions: Any, clock: Clock, zone: ZoneInfo | None, hold_days: int = HOLD_DAYS_PAST_DUE
) -> list[Route]:
    """The integration routes and the OpenAPI document (``hold_days``:
    ``ARBOT_HOLD_DAYS_PAST_DUE``, for the holds an ingestion starts or releases)."""

    def guarded(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            caller = await run_in_threadpool(_caller, sessions, request)
            if caller is None:
                return JSONResponse(
                    {"error": "authorization: a valid bearer token is required"},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
            if caller.role != INTEGRATION:
                return JSONResponse(
                    {"error": "role: /api/v1/ is for integration tokens"}, status_code=403
                )
            return await handler(request, caller)

        return endpoint

    def ingestion(kind: str) -> Handler:
        async def endpoint(request: Request, caller: Caller) -> JSONResponse:
            call = ingest.Request(
                caller.id, kind, await request.body(),
                request.headers.get("idempotency-key", "").strip()[:100], clock.now(),
                hold_days,
            )  # fmt: skip
            answer = await run_in_threadpool(ingest.ingest, sessions, call, zone)
            return JSONResponse(answer.body, status_code=answer.status)

        return endpoint

    async def events(request: Request, _caller: Caller) -> Response:
        try:
            after = int(request.query_params.get("after", "0"))
            limit = int(request.query_params.get("limit", str(feed.DEFAULT_LIMIT)))
        except ValueError:
            return _bad("after", "after and limit are whole numbers")
        if after < 0:
            return _bad("after", f"{after} is negative")
        if not 1 <= limit <= feed.MAX_LIMIT:
            return _bad("limit", f"{limit} is not between 1 and {feed.MAX_LIMIT}")
        body = await run_in_threadpool(feed.page_body, sessions, after, limit)
        return Response(body, media_type="application/json")

    async def document(_request: Request) -> JSONResponse:
        return JSONResponse(openapi.document())

    return [
        *(
            Route(PREFIX + kind, guarded(ingestion(kind)), methods=["POST"])
            for kind in ingest.KINDS
        ),
        Route(PREFIX + "events", guarded(events), methods=["GET"]),
        Route("/api/openapi.json", document, methods=["GET"]),
    ]


def _bad(field: str, reason: str) -> JSONResponse:
    return JSONResponse({"error": f"{field}: {reason}", "field": field}, status_code=400)


def _caller(sessions: Any, request: Request) -> Caller | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    with sessions() as session:
        return api_tokens.authenticate(session, token.strip())
