"""The JSON API for collectors' tools: the escalation queue and human handoff (SPEC §8).

Every request carries ``Authorization: Bearer <token>`` (``arbot user token EMAIL``
issues one); a missing or unknown token is 401. Errors are JSON ``{"error": ...}`` with
404 for an unknown escalation, 409 for a state conflict (claimed by someone else, not
claimed before replying) and 400 for bad input.

=====================================  ===========================================
``GET  /api/queue?view=``              the console's queue, most urgent first (mine|unclaimed|all)
``GET  /api/escalations``              open and claimed escalations, oldest first
``GET  /api/escalations/{id}``         one escalation with its conversation's transcript
``POST /api/escalations/{id}/claim``   take it: the customer's messages now come to you
``POST /api/escalations/{id}/reply``   ``{"text": ...}``: send on the customer's channel
``POST /api/escalations/{id}/resolve`` ``{"note": ...}`` (optional): the bot resumes
``GET  /api/disputes``                 open disputes, oldest first, with their invoice
``GET  /api/holds``, ``/api/write-offs`` credit control (api_credit, SPEC §12)
``GET  /api/reports/{aging|kpis|ptp|credit}`` managers: ``arbot report`` (api_reports)
``GET  /api/dashboard``                managers: the console dashboard's figures
=====================================  ===========================================
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.clock import Clock
from bot.errors import ArbotError, Conflict, InputError, NotFound
from bot.policy.credit import HOLD_DAYS_PAST_DUE
from bot.policy.money import format_money
from bot.policy.periods import business_day
from bot.policy.text_input import storable
from bot.repositories.decisions import OpenDispute
from bot.services import api_tokens, console_queue, delivery, dispute_resolution, handoff
from bot.services.api_tokens import Caller
from bot.services.delivery import Postman
from bot.services.users import INTEGRATION
from bot.web import api_credit, api_reports
from integrations.rasa import BotMessage

#: a collector's message is at most this long (ten SMS segments)
MAX_REPLY_CHARS = 1600

FORBIDDEN_TO_INTEGRATION = {"error": "role: an integration token may call only /api/v1/"}

Handler = Callable[[Request, Caller], Awaitable[JSONResponse]]


def routes(
    postman: Postman,
    *,
    zone: ZoneInfo | None = None,
    allowance_rates: Mapping[str, Decimal] | None = None,
    hold_days: int = HOLD_DAYS_PAST_DUE,
) -> list[Route]:
    """The API's routes, bound to the delivery service (database, clock, senders).

    ``zone`` (``ARBOT_DEFAULT_TIMEZONE``; UTC when None) decides the reports' "today";
    ``allowance_rates`` (``ARBOT_ALLOWANCE_RATES``) the credit report's allowance;
    ``hold_days`` (``ARBOT_HOLD_DAYS_PAST_DUE``) the credit holds decisions change.
    """
    sessions, clock = postman.sessions, postman.clock

    def guarded(handler: Handler) -> Callable[[Request], Awaitable[JSONResponse]]:
        async def endpoint(request: Request) -> JSONResponse:
            caller = await run_in_threadpool(_caller, postman, request)
            if caller is None:
                return JSONResponse(
                    {"error": "authorization: a valid bearer token is required"},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
            if caller.role == INTEGRATION:  # SPEC §15: /api/v1/… only
                return JSONResponse(FORBIDDEN_TO_INTEGRATION, status_code=403)
            try:
                return await handler(request, caller)
            except ArbotError as exc:
                return _error(exc)

        return endpoint

    def in_session(call: Callable[..., Any], *args: Any) -> Awaitable[Any]:
        def run() -> Any:
            with sessions() as session:
                return call(session, *args)

        return run_in_threadpool(run)

    async def queue(_request: Request, _caller: Caller) -> JSONResponse:
        cases = await in_session(handoff.active_cases)
        return JSONResponse({"escalations": [_json(case) for case in cases]})

    async def show(request: Request, _caller: Caller) -> JSONResponse:
        case, lines = await in_session(handoff.case, _id(request))
        return JSONResponse({**_json(case), "messages": [_json(line) for line in lines]})

    async def claim(request: Request, caller: Caller) -> JSONResponse:
        case = await in_session(handoff.claim, _id(request), caller.id, clock.now())
        return JSONResponse(_json(case))

    async def reply(request: Request, caller: Caller) -> JSONResponse:
        text = _text(await _body(request), "text", required=True)
        case = await in_session(handoff.reply_target, _id(request), caller.id)
        # a client that retries a reply sends the same Idempotency-Key: sent once
        given = request.headers.get("idempotency-key", "").strip()[:100]
        key = f"collector:{case.id}:{given}" if given else delivery.new_key("collector")
        sent = await delivery.deliver(
            postman,
            case.channel or "",
            case.address or "",
            BotMessage(text),
            key=key,
            author="collector",
            conversation_id=case.conversation_id,
        )
        status = 502 if sent.status == "failed" else 200
        return JSONResponse(_json(sent), status_code=status)

    async def resolve(request: Request, caller: Caller) -> JSONResponse:
        note = _text(await _body(request), "note", required=False)
        case = await in_session(handoff.resolve, _id(request), caller.id, clock.now(), note)
        return JSONResponse(_json(case))

    base = "/api/escalations"
    return [
        *_dispute_routes(guarded, in_session),
        *_queue_routes(guarded, in_session, clock, zone),
        *api_reports.routes(
            guarded, in_session, lambda: business_day(clock.now(), zone), allowance_rates
        ),
        *api_credit.routes(guarded, in_session, clock, hold_days),
        Route(base, guarded(queue), methods=["GET"]),
        Route(base + "/{id:int}", guarded(show), methods=["GET"]),
        Route(base + "/{id:int}/claim", guarded(claim), methods=["POST"]),
        Route(base + "/{id:int}/reply", guarded(reply), methods=["POST"]),
        Route(base + "/{id:int}/resolve", guarded(resolve), methods=["POST"]),
    ]


def _queue_routes(
    guarded: Callable[[Handler], Callable[[Request], Awaitable[JSONResponse]]],
    in_session: Callable[..., Awaitable[Any]],
    clock: Clock,
    zone: ZoneInfo | None,
) -> list[Route]:
    """``GET /api/queue``: the escalations by priority, as the console's queue lists them."""

    async def by_priority(request: Request, caller: Caller) -> JSONResponse:
        view = request.query_params.get("view", "all")

        def run(session: Session) -> list[console_queue.QueueItem]:
            return console_queue.queue(
                session, view=view, user_id=caller.id, now=clock.now(), default_timezone=zone
            )

        items = await in_session(run)
        return JSONResponse({"view": view, "escalations": [item.to_json() for item in items]})

    return [Route("/api/queue", guarded(by_priority), methods=["GET"])]


def _dispute_routes(
    guarded: Callable[[Handler], Callable[[Request], Awaitable[JSONResponse]]],
    in_session: Callable[..., Awaitable[Any]],
) -> list[Route]:
    """``GET /api/disputes``: the open disputes a collector decides (oldest first)."""

    async def open_disputes(_request: Request, _caller: Caller) -> JSONResponse:
        found = await in_session(dispute_resolution.open_disputes)
        return JSONResponse({"disputes": [_dispute_json(d) for d in found]})

    return [Route("/api/disputes", guarded(open_disputes), methods=["GET"])]


def _dispute_json(dispute: OpenDispute) -> dict[str, Any]:
    money = ("invoice_amount", "open_amount")
    return {
        name: format_money(value) if name in money else value.isoformat()
        if isinstance(value, date | datetime) else value
        for name, value in dataclasses.asdict(dispute).items()
    }  # fmt: skip


def _caller(postman: Postman, request: Request) -> Caller | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    with postman.sessions() as session:
        return api_tokens.authenticate(session, token.strip())


def _id(request: Request) -> int:
    return int(request.path_params["id"])


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        payload = await request.json()
    except ValueError:
        raise InputError("body: not valid JSON") from None
    if not isinstance(payload, dict):
        raise InputError("body: expected a JSON object")
    return payload


def _text(payload: dict[str, Any], field: str, *, required: bool) -> str:
    value = payload.get(field, "")
    if not isinstance(value, str):
        raise InputError(f"{field}: expected a string")
    value = storable(value).strip()
    if required and not value:
        raise InputError(f"{field}: missing or blank")
    if len(value) > MAX_REPLY_CHARS:
        raise InputError(f"{field}: longer than {MAX_REPLY_CHARS} characters")
    return value


def _error(exc: ArbotError) -> JSONResponse:
    status = 404 if isinstance(exc, NotFound) else 409 if isinstance(exc, Conflict) else 400
    body: dict[str, str] = {"error": str(exc)}
    if isinstance(exc, InputError):
        body["field"] = str(exc).partition(":")[0]
    return JSONResponse(body, status_code=status)


def _json(item: object) -> dict[str, Any]:
    data = dataclasses.asdict(item)  # type: ignore[call-overload]
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in data.items()}
