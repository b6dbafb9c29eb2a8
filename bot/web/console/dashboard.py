"""``/console/dashboard`` (manager and above): the period's figures, charts and tables.

``GET /console/dashboard?from=YYYY-MM-DD&to=YYYY-MM-DD`` shows the dashboard of
:mod:`bot.services.dashboard` (default: the 30 days ending today by the app's clock, in
``ARBOT_DEFAULT_TIMEZONE``); ``GET /console/dashboard/{table}.csv`` with the same query
downloads one of its tables (:data:`bot.services.dashboard_tables.TABLES`). A bad date
is answered 400, naming the field, with the form to correct it.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.policy.compliance import MAX_PERIOD_DAYS
from bot.policy.periods import business_day, report_period
from bot.services.console_auth import ConsoleUser
from bot.services.csv_export import csv_text
from bot.services.dashboard import dashboard
from bot.services.dashboard_tables import COLUMNS, rows, to_json
from bot.web.console import charts, dashboard_view
from bot.web.console.auth import role
from bot.web.console.context import ConsoleContext

PATH = "/console/dashboard"


class BadPeriod(ValueError):
    """A ``from``/``to`` parameter that is not a usable date; ``field`` names it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.field = message.partition(":")[0]


def routes(ctx: ConsoleContext) -> list[BaseRoute]:
    """The dashboard page and its CSV downloads."""

    def period(request: Request) -> tuple[date, date]:
        today = business_day(ctx.clock.now(), ctx.settings.default_timezone)
        query = request.query_params
        try:
            return report_period(
                query.get("from"), query.get("to"), today, max_days=MAX_PERIOD_DAYS
            )
        except ValueError as exc:
            raise BadPeriod(str(exc)) from None

    @role(ctx, "manager")
    async def page(request: Request, _user: ConsoleUser) -> Response:
        try:
            start, end = period(request)
        except BadPeriod as exc:
            refused: dict[str, Any] = {
                "error": str(exc),
                "error_field": exc.field,
                "start": request.query_params.get("from", ""),
                "end": request.query_params.get("to", ""),
            }
            return ctx.templates.render(request, "dashboard.html", refused, status_code=400)
        rates = dict(ctx.settings.allowance_rates)
        result = await ctx.call(dashboard, start, end, rates)
        doc = to_json(result)
        query = urlencode({"from": start.isoformat(), "to": end.isoformat()})
        context: dict[str, Any] = {
            "error": None,
            "error_field": None,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "days": (end - start).days + 1,
            "figures": dashboard_view.figures(doc),
            "tables": dashboard_view.tables(result),
            "csv_query": query,
            "aging_chart": Markup(  # noqa: S704 - built by charts.py, every label escaped there
                charts.aging_chart(doc["aging"]["buckets"], doc["aging"]["total"], end.isoformat())
            ),
            "ptp_chart": Markup(  # noqa: S704 - as above
                charts.kept_rate_chart(doc["ptp"]["weeks"])
            ),
            "opted_out_now": doc["opt_outs"]["opted_out_now"],
            "credit_figures": dashboard_view.credit_figures(doc),
        }
        return ctx.templates.render(request, "dashboard.html", context)

    @role(ctx, "manager")
    async def download(request: Request, _user: ConsoleUser) -> Response:
        table = request.path_params["table"]
        if table not in COLUMNS:
            return PlainTextResponse(f"table: no dashboard table {table!r}", status_code=404)
        try:
            start, end = period(request)
        except BadPeriod as exc:
            return PlainTextResponse(str(exc), status_code=400)
        result = await ctx.call(dashboard, start, end)
        name = f"arbot-{table}-{start.isoformat()}-{end.isoformat()}.csv"
        return Response(
            csv_text(rows(result, table), COLUMNS[table]),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    return [
        Route(PATH, page, methods=["GET"]),
        Route(PATH + "/{table}.csv", download, methods=["GET"]),
    ]
