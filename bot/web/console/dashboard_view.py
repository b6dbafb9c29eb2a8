"""What the dashboard page shows, as plain values for its template (no HTML here).

The key figures come from the dashboard's JSON (the very documents ``arbot report`` prints),
each with a stable element id and its JSON value in ``data-value`` so a browser test can
compare the page with ``arbot report kpis --json``. The tables are the CSV rows of
:func:`bot.services.dashboard_tables.rows`, so a page and its CSV download never differ;
only their cells are dressed for reading (thousands separators, percentages, minutes).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.services.dashboard import Dashboard
from bot.services.dashboard_tables import COLUMNS, rows

#: heading and explanation of each table, in page order
TITLES: dict[str, tuple[str, str]] = {
    "aging": ("Aging", "Open AR by days past due on the last day of the period."),
    "kpis": ("KPIs", "As `arbot report kpis` prints them for the period."),
    "ptp-weeks": ("Promises by week", "Promises by ISO week of the promised date."),
    "ptp-takers": ("Promises by who took them", "The bot, or a collector."),
    "broken-promises": (
        "Broken promises to work",
        "Promises dated in the period that were not kept, oldest first.",
    ),
    "opt-outs": ("Opt-outs", "Customers' opt-outs, opt-ins and cease requests in the period."),
    "contact-attempts": (
        "Contact attempts",
        "Reminder decisions logged in the period, by status, delivery outcome and hold reason.",
    ),
    "collectors": (
        "Collector performance",
        "Escalations resolved in the period, time from claim to first written reply, and "
        "promises dated in the period that each collector took.",
    ),
}

_LABELS = {
    "taken_by": "taken by",
    "kept_rate": "kept rate",
    "promised_amount": "promised",
    "collected_amount": "collected",
    "promise_id": "promise",
    "account_number": "account",
    "account_name": "name",
    "amount_collected": "collected",
    "due_date": "promised date",
    "open_escalation_id": "open escalation",
    "escalations_handled": "escalations handled",
    "median_first_reply_seconds": "median first reply",
    "mean_first_reply_seconds": "mean first reply",
    "promises_taken": "promises taken",
    "promises_kept": "kept",
    "promises_broken": "broken",
}
_MONEY = {"amount", "amount_collected", "promised_amount", "collected_amount"}
_COUNTS = {"promises", "pending", "kept", "broken", "cancelled", "events", "accounts",
           "attempts", "escalations_handled", "replied", "promises_taken", "promises_kept",
           "promises_broken"}  # fmt: skip
_DURATIONS = {"median_first_reply_seconds", "mean_first_reply_seconds"}


@dataclass(frozen=True)
class Figure:
    """A key figure: its element id, label, text, JSON value and unit."""

    id: str
    label: str
    text: str
    value: str  # the JSON value (``null`` when there is none), for data-value
    unit: str = ""


@dataclass(frozen=True)
class Cell:
    """One table cell: its text, an optional link and whether it is a number."""

    text: str
    href: str | None = None
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    """One table of the page and its CSV download."""

    name: str
    title: str
    caption: str
    headers: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]


def credit_figures(doc: Mapping[str, Any]) -> list[Figure]:
    """The credit figures (SPEC §12): holds, allowance, write-offs, finance charges."""
    credit = doc.get("credit")
    if not credit:
        return []
    charges, written = credit["finance_charges"], credit["write_offs"]
    allowance = credit["allowance"]
    return [
        _figure("credit-holds", "Accounts on credit hold", credit["holds"]),
        _figure("credit-allowance", "Allowance for doubtful accounts", allowance["total"]),
        _figure("credit-proposed", "Write-offs proposed", written["proposed"]),
        _figure("credit-written-off", "Written off", written["approved_amount"]),
        _figure("credit-charges-posted", "Finance charges posted", charges["posted_amount"]),
        _figure("credit-charges-waived", "Finance charges waived", charges["waived_amount"]),
        _rate("credit-bad-debt", "Bad-debt ratio", credit["bad_debt_ratio"]),
    ]


def figures(doc: Mapping[str, Any]) -> list[Figure]:
    """The key figures of the period: KPIs, aging total and the amounts promised."""
    kpis, summary = doc["kpis"], doc["ptp"]["summary"]
    return [
        _figure("kpi-dso", "DSO", kpis["dso"], "days"),
        _figure("kpi-best-possible-dso", "Best possible DSO", kpis["best_possible_dso"], "days"),
        _figure("kpi-add", "ADD", kpis["add"], "days"),
        _figure("kpi-cei", "CEI", kpis["cei"], "%"),
        _rate("kpi-ptp-kept-rate", "PTP kept rate", kpis["ptp_kept_rate"]),
        _figure("kpi-promises-kept", "Promises kept", kpis["promises_kept"]),
        _figure("kpi-promises-broken", "Promises broken", kpis["promises_broken"]),
        _rate("kpi-bot-containment", "Bot containment", kpis["bot_containment"]),
        _money_figure("kpi-collected-in-chat", "Collected in chat", kpis["collected_in_chat"]),
        _money_figure("aging-total", f"Open AR on {doc['aging']['as_of']}", doc["aging"]["total"]),
        _money_figure("ptp-promised-amount", "Promised", summary["promised_amount"]),
        _money_figure("ptp-collected-amount", "Collected on promises", summary["collected_amount"]),
    ]


def tables(dash: Dashboard) -> list[Table]:
    """Every table of the page, from the same rows as its CSV download."""
    result = []
    for name, columns in COLUMNS.items():
        headers = tuple(Cell(_LABELS.get(c, c), numeric=_is_numeric(c)) for c in columns)
        body = tuple(tuple(_cell(c, row[c]) for c in columns) for row in rows(dash, name))
        title, caption = TITLES[name]
        result.append(Table(name, title, caption, headers, body))
    return result


def duration(seconds: int) -> str:
    """A reply time as people say it: ``45 s``, ``12 min``, ``2 h 5 min``."""
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def _is_numeric(column: str) -> bool:
    return column in _MONEY | _COUNTS | _DURATIONS or column in ("kept_rate", "value")


def _cell(column: str, text: str) -> Cell:
    numeric = _is_numeric(column)
    if text == "":
        return Cell("—", numeric=numeric)
    if column in _MONEY:
        return Cell(f"{Decimal(text):,.2f}", numeric=True)
    if column == "kept_rate":
        return Cell(f"{Decimal(text) * 100:.0f}%", numeric=True)
    if column in _DURATIONS:
        return Cell(duration(int(text)), numeric=True)
    if column == "open_escalation_id":
        return Cell(f"#{text}", href=f"/console/escalations/{text}")
    return Cell(text, numeric=numeric)


def _figure(element_id: str, label: str, value: Any, unit: str = "") -> Figure:
    text = "n/a" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value)
    return Figure(element_id, label, text, json.dumps(value), "" if value is None else unit)


def _rate(element_id: str, label: str, value: float | None) -> Figure:
    text = "n/a" if value is None else f"{Decimal(str(value)) * 100:.0f}%"
    return Figure(element_id, label, text, json.dumps(value))


def _money_figure(element_id: str, label: str, amount: str) -> Figure:
    return Figure(element_id, label, f"{Decimal(amount):,.2f}", json.dumps(amount))
