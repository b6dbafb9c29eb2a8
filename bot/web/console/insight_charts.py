"""The insight page's charts (SPEC §13), drawn by :func:`bot.web.console.charts.bar_chart`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from bot.web.console.charts import Bar, bar_chart


def _percent(value: Any) -> tuple[Decimal | None, str]:
    if value is None:
        return None, "n/a"
    number = Decimal(str(value))
    return number, f"{number * 100:.0f}%"


def roll_chart(months: Sequence[Mapping[str, Any]]) -> str:
    """The roll rate out of ``current`` and out of ``1-30`` per month, on a 0-100 % scale."""
    bars = []
    for month in months:
        for bucket in ("current", "1-30"):
            value, figure = _percent(month["roll_rates"][bucket])
            tooltip = f"{month['month']}: {figure} of {bucket} rolled to a later bucket"
            bars.append(Bar(f"{month['month'][2:]} {bucket}", value, figure, tooltip))
    if all(bar.value is None for bar in bars):
        bars = []
    title = "Roll rate out of current and out of 1-30, by month"
    return bar_chart(bars, title=title, chart_id="chart-rolls", maximum=Decimal(1))


def forecast_chart(weeks: Sequence[Mapping[str, str]], as_of: str) -> str:
    """Expected receipts per week (committed in each bar's tooltip)."""
    bars = [
        Bar(
            week["start"][5:],
            Decimal(week["expected"]),
            f"{Decimal(week['expected']):,.0f}",
            f"week of {week['start']}: expected {week['expected']}, committed {week['committed']}",
        )
        for week in weeks
    ]
    title = f"Cash forecast from {as_of}: expected receipts per week"
    return bar_chart(bars, title=title, chart_id="chart-forecast")
