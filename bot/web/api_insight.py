"""The JSON API's insight reports (SPEC §13), beside the §8 reports and behind the same
manager guard (:mod:`bot.web.api_reports`).

=====================================  ==========================================
``GET /api/reports/rolls?month=``      ``arbot report rolls --month YYYY-MM --json``
                                       (default: the last complete month)
``GET /api/reports/contact?from=&to=`` ``arbot report contact --json``
``GET /api/reports/forecast?as_of=``   ``arbot report forecast --json``
=====================================  ==========================================
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.errors import InputError
from bot.policy.insight import parse_month
from bot.policy.periods import report_day, report_period
from bot.services.api_tokens import Caller
from bot.services.insight.contact import contact_report
from bot.services.insight.forecast import forecast_report
from bot.services.insight.rolls import rolls_report

Handler = Callable[[Request, Caller], Awaitable[JSONResponse]]
Guard = Callable[[Handler], Callable[[Request], Awaitable[JSONResponse]]]


def last_complete_month(today: date) -> date:
    """The first day of the month before ``today``'s."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def routes(
    managers: Guard, in_session: Callable[..., Awaitable[Any]], today: Callable[[], date]
) -> list[Route]:
    """The rolls, contact and forecast routes (manager and admin)."""

    async def rolls(request: Request, _caller: Caller) -> JSONResponse:
        text = request.query_params.get("month")
        try:
            month = last_complete_month(today()) if text is None else parse_month(text)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        result = await in_session(rolls_report, month)
        return JSONResponse(result.to_json())

    async def contact(request: Request, _caller: Caller) -> JSONResponse:
        query = request.query_params
        try:
            start, end = report_period(query.get("from"), query.get("to"), today())
        except ValueError as exc:
            raise InputError(str(exc)) from None
        result = await in_session(contact_report, start, end)
        return JSONResponse(result.to_json())

    async def forecast(request: Request, _caller: Caller) -> JSONResponse:
        try:
            as_of = report_day(request.query_params.get("as_of"), "as_of", today())
        except ValueError as exc:
            raise InputError(str(exc)) from None
        result = await in_session(forecast_report, as_of)
        return JSONResponse(result.to_json())

    return [
        Route("/api/reports/rolls", managers(rolls), methods=["GET"]),
        Route("/api/reports/contact", managers(contact), methods=["GET"]),
        Route("/api/reports/forecast", managers(forecast), methods=["GET"]),
    ]
