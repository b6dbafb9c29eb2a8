"""The JSON API's reports (SPEC §8): what ``arbot report ... --json`` prints, for managers.

==================================  ==================================================
``GET /api/reports/aging?as_of=``   ``arbot report aging --json`` (default: today)
``GET /api/reports/kpis?from=&to=`` ``arbot report kpis --json`` (default: 30 days to today)
``GET /api/reports/ptp?from=&to=``  ``arbot report ptp --json``
``GET /api/reports/credit?as_of=&from=&to=`` ``arbot report credit --json`` (SPEC §12)
``GET /api/dashboard?from=&to=``    every figure and table of the console's dashboard
==================================  ==================================================

The insight reports of SPEC §13 (rolls, contact, forecast) are served beside these by
:mod:`bot.web.api_insight`. The same report functions build the same documents, so the
API and the CLI agree. Only a manager's or an admin's token may read them (403 JSON for a
collector's); a bad date is 400 naming the parameter (``{"error": "from: ...", "field": "from"}``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.errors import InputError
from bot.policy.compliance import MAX_PERIOD_DAYS
from bot.policy.periods import report_day, report_period
from bot.services import dashboard_tables, reports
from bot.services.api_tokens import Caller
from bot.services.credit.report import credit_report
from bot.services.dashboard import dashboard
from bot.services.users import ROLES
from bot.web import api_insight

#: the least role that may read the reports and the dashboard
REPORTS_ROLE = "manager"

Handler = Callable[[Request, Caller], Awaitable[JSONResponse]]
Guard = Callable[[Handler], Callable[[Request], Awaitable[JSONResponse]]]


def routes(
    guarded: Guard,
    in_session: Callable[..., Awaitable[Any]],
    today: Callable[[], date],
    allowance_rates: Mapping[str, Decimal] | None = None,
) -> list[Route]:
    """The report routes, behind the API's bearer-token guard.

    Args:
        guarded: the API's guard (401 without a valid token, ArbotError → JSON error).
        in_session: runs ``service(session, *args)`` in a worker thread.
        today: the reports' "today" (the clock's now in the deployment's zone).
        allowance_rates: ``ARBOT_ALLOWANCE_RATES`` (None: the default rates).
    """

    def managers(handler: Handler) -> Callable[[Request], Awaitable[JSONResponse]]:
        async def checked(request: Request, caller: Caller) -> JSONResponse:
            if ROLES.index(caller.role) < ROLES.index(REPORTS_ROLE):
                return JSONResponse(
                    {"error": f"role: a {caller.role} may not read reports (manager or admin)"},
                    status_code=403,
                )
            return await handler(request, caller)

        return guarded(checked)

    async def aging(request: Request, _caller: Caller) -> JSONResponse:
        try:
            as_of = report_day(request.query_params.get("as_of"), "as_of", today())
        except ValueError as exc:
            raise InputError(str(exc)) from None
        result = await in_session(reports.aging_report, as_of)
        return JSONResponse(result.to_json())

    async def kpis(request: Request, _caller: Caller) -> JSONResponse:
        result = await in_session(reports.kpi_report, *period(request))
        return JSONResponse(result.to_json())

    async def ptp(request: Request, _caller: Caller) -> JSONResponse:
        result = await in_session(reports.ptp_report, *period(request))
        return JSONResponse(result.to_json())

    async def credit(request: Request, _caller: Caller) -> JSONResponse:
        query = request.query_params
        try:
            as_of = report_day(query.get("as_of"), "as_of", today())
            start, end = report_period(query.get("from"), query.get("to"), as_of)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        result = await in_session(credit_report, as_of, start, end, allowance_rates)
        return JSONResponse(result.to_json())

    async def overview(request: Request, _caller: Caller) -> JSONResponse:
        start, end = period(request, max_days=MAX_PERIOD_DAYS)
        result = await in_session(dashboard, start, end, allowance_rates)
        return JSONResponse(dashboard_tables.to_json(result))

    def period(request: Request, max_days: int | None = None) -> tuple[date, date]:
        query = request.query_params
        try:
            return report_period(query.get("from"), query.get("to"), today(), max_days=max_days)
        except ValueError as exc:
            raise InputError(str(exc)) from None

    return [
        Route("/api/reports/aging", managers(aging), methods=["GET"]),
        Route("/api/reports/kpis", managers(kpis), methods=["GET"]),
        Route("/api/reports/ptp", managers(ptp), methods=["GET"]),
        Route("/api/reports/credit", managers(credit), methods=["GET"]),
        Route("/api/dashboard", managers(overview), methods=["GET"]),
        *api_insight.routes(managers, in_session, today),
    ]
