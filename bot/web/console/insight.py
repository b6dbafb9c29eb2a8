"""``/console/insight`` (manager and above): roll rates, contact and the cash forecast.

``GET /console/insight?month=YYYY-MM&from=&to=&as_of=`` shows the roll-rate table of the
six months ending with ``month`` (default: the last complete month) with a chart, the
right-party contact and promise conversion of [from, to] (default: the 30 days ending
today) by channel and reminder kind, and the 13-week forecast from ``as_of`` (default
today) with a chart. ``GET /console/insight/{rolls|contact|forecast}.csv`` with the same
query downloads a table. A bad parameter is answered 400, naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.policy.insight import ROLL_BUCKETS, parse_month
from bot.policy.periods import business_day, report_day, report_period
from bot.services.console_auth import ConsoleUser
from bot.services.csv_export import csv_text
from bot.services.insight.contact import COLUMNS as CONTACT_COLUMNS
from bot.services.insight.contact import contact_report
from bot.services.insight.forecast import forecast_report
from bot.services.insight.rolls import HISTORY_MONTHS, rolls_report
from bot.web.api_insight import last_complete_month
from bot.web.console import insight_charts
from bot.web.console.auth import role
from bot.web.console.context import ConsoleContext

PATH = "/console/insight"
TABLES = ("rolls", "contact", "forecast")


@dataclass(frozen=True)
class Choice:
    month: date
    start: date
    end: date
    as_of: date


def routes(ctx: ConsoleContext) -> list[BaseRoute]:
    """The insight page and its CSV downloads."""

    def choice(request: Request) -> Choice:
        today = business_day(ctx.clock.now(), ctx.settings.default_timezone)
        query = request.query_params
        text = query.get("month")
        month = last_complete_month(today) if not text else parse_month(text)
        start, end = report_period(query.get("from") or None, query.get("to") or None, today)
        return Choice(month, start, end, report_day(query.get("as_of") or None, "as_of", today))

    async def reports(picked: Choice) -> tuple[Any, Any, Any]:
        rolls = await ctx.call(rolls_report, picked.month, HISTORY_MONTHS)
        contact = await ctx.call(contact_report, picked.start, picked.end)
        forecast = await ctx.call(forecast_report, picked.as_of)
        return rolls, contact, forecast

    @role(ctx, "manager")
    async def page(request: Request, _user: ConsoleUser) -> Response:
        try:
            picked = choice(request)
        except ValueError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        rolls, contact, forecast = await reports(picked)
        months, weeks = rolls.history_json(), forecast.to_json()["weeks"]
        context: dict[str, Any] = {
            "picked": picked,
            "csv_query": _query(picked),
            "buckets": ROLL_BUCKETS,
            "months": months,
            "contact": contact.to_json(),
            "weeks": weeks,
            "roll_chart": Markup(insight_charts.roll_chart(months)),  # noqa: S704 - escaped there
            "forecast_chart": Markup(  # noqa: S704 - every label escaped in charts.py
                insight_charts.forecast_chart(weeks, picked.as_of.isoformat())
            ),
        }
        return ctx.templates.render(request, "insight.html", context)

    @role(ctx, "manager")
    async def download(request: Request, _user: ConsoleUser) -> Response:
        table = request.path_params["table"]
        if table not in TABLES:
            return PlainTextResponse(f"table: no insight table {table!r}", status_code=404)
        try:
            picked = choice(request)
        except ValueError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        rows, columns = await _table(ctx, table, picked)
        return Response(
            csv_text(rows, columns),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="arbot-{table}.csv"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    return [
        Route(PATH, page, methods=["GET"]),
        Route(PATH + "/{table}.csv", download, methods=["GET"]),
    ]


async def _table(
    ctx: ConsoleContext, table: str, picked: Choice
) -> tuple[list[dict[str, str]], list[str]]:
    """The rows and columns of one downloadable table."""
    if table == "rolls":
        rows = (await ctx.call(rolls_report, picked.month, HISTORY_MONTHS)).to_rows()
        return rows, list(rows[0])
    if table == "contact":
        rows = (await ctx.call(contact_report, picked.start, picked.end)).to_rows()
        return rows, list(CONTACT_COLUMNS)
    rows = (await ctx.call(forecast_report, picked.as_of)).to_rows()
    return rows, ["week", "start", "committed", "expected"]


def _query(picked: Choice) -> str:
    return urlencode({
        "month": picked.month.strftime("%Y-%m"), "from": picked.start.isoformat(),
        "to": picked.end.isoformat(), "as_of": picked.as_of.isoformat(),
    })  # fmt: skip
