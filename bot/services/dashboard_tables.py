"""The dashboard as JSON (``GET /api/dashboard``) and as one CSV table per section.

Money is printed as SPEC §3 wants it (``"1234.50"``), ratios as numbers rounded to two
places or ``null``, exactly as the reports of :mod:`bot.services.reports` print theirs;
the PTP summary has the shape of ``arbot report ptp``'s ``summary``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.errors import NotFound
from bot.policy.compliance import STATUSES, Tally, tally, tally_by, tally_by_week
from bot.policy.kpis import ratio
from bot.policy.money import format_money
from bot.services.dashboard import Dashboard

_TALLY = (
    "promises",
    *STATUSES,
    "kept_rate",
    "promised_amount",
    "collected_amount",
)

#: the columns of each table a manager can download, in the order the page shows them
COLUMNS: dict[str, tuple[str, ...]] = {
    "aging": ("bucket", "amount"),
    "kpis": ("metric", "value"),
    "ptp-weeks": ("week", "taken_by", *_TALLY),
    "ptp-takers": ("taken_by", *_TALLY),
    "broken-promises": (
        "promise_id",
        "account_number",
        "account_name",
        "amount",
        "amount_collected",
        "due_date",
        "channel",
        "taken_by",
        "collector",
        "open_escalation_id",
    ),
    "opt-outs": ("action", "channel", "events", "accounts"),
    "contact-attempts": ("status", "outcome", "reason", "attempts"),
    "collectors": (
        "collector",
        "escalations_handled",
        "replied",
        "median_first_reply_seconds",
        "mean_first_reply_seconds",
        "promises_taken",
        "promises_kept",
        "promises_broken",
        "kept_rate",
    ),
}
TABLES: tuple[str, ...] = tuple(COLUMNS)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def tally_json(counts: Tally) -> dict[str, Any]:
    """A tally in the shape of ``arbot report ptp``'s summary."""
    return {
        "promises": counts.promises,
        **{status: counts.counts.get(status, 0) for status in STATUSES},
        "kept_rate": _number(counts.kept_rate),
        "promised_amount": format_money(counts.promised),
        "collected_amount": format_money(counts.collected),
    }


def ptp_summary(dash: Dashboard) -> dict[str, Any]:
    """Promises dated in the period: overall, by channel and by who took them."""
    rows = dash.promises
    return {
        **tally_json(tally(rows)),
        "by_channel": {k: tally_json(v) for k, v in tally_by(rows, lambda r: r.channel).items()},
        "by_taker": {k: tally_json(v) for k, v in tally_by(rows, lambda r: r.taken_by).items()},
    }


def ptp_weeks(dash: Dashboard) -> list[dict[str, Any]]:
    """Per ISO week of the promise date: every promise, then by who took it."""
    weeks = tally_by_week(dash.promises, dash.period_start, dash.period_end)
    return [
        {
            "week": week,
            **tally_json(groups["all"]),
            "by_taker": {k: tally_json(v) for k, v in sorted(groups.items()) if k != "all"},
        }
        for week, groups in weeks.items()
    ]


def to_json(dash: Dashboard) -> dict[str, Any]:
    """The whole dashboard; ``aging`` and ``kpis`` are the reports' own JSON."""
    return {
        "from": dash.period_start.isoformat(),
        "to": dash.period_end.isoformat(),
        "aging": dash.aging.to_json(),
        "kpis": dash.kpis.to_json(),
        "ptp": {"summary": ptp_summary(dash), "weeks": ptp_weeks(dash)},
        "broken_promises": _broken_promises(dash),
        "opt_outs": {
            "changes": _opt_outs(dash),
            "opted_out_now": dict(dash.opted_out_now),
        },
        "contact_attempts": _contact_attempts(dash),
        "collectors": _collectors(dash),
        "credit": None if dash.credit is None else dash.credit.to_json(),
    }


def rows(dash: Dashboard, table: str) -> list[dict[str, str]]:
    """One table as CSV rows (every cell a string, blank for none).

    Raises:
        NotFound: naming the table when it is not one of :data:`TABLES`.
    """
    if table == "aging":
        return dash.aging.to_rows()
    if table == "kpis":
        return dash.kpis.to_rows()
    if table == "ptp-weeks":
        return _ptp_week_rows(dash)
    if table == "ptp-takers":
        by_taker = ptp_summary(dash)["by_taker"]
        return [_cells({"taken_by": name, **t}) for name, t in by_taker.items()]
    sections = {
        "broken-promises": _broken_promises,
        "opt-outs": _opt_outs,
        "contact-attempts": _contact_attempts,
        "collectors": _collectors,
    }
    if table not in sections:
        raise NotFound(f"table: no dashboard table {table!r}")
    return [_cells(row) for row in sections[table](dash)]


def _cells(row: dict[str, Any]) -> dict[str, str]:
    return {key: "" if value is None else str(value) for key, value in row.items()}


def _ptp_week_rows(dash: Dashboard) -> list[dict[str, str]]:
    table = []
    for week in ptp_weeks(dash):
        groups = {"all": {k: v for k, v in week.items() if k not in ("week", "by_taker")}}
        groups.update(week["by_taker"])
        table += [_cells({"week": week["week"], "taken_by": k, **v}) for k, v in groups.items()]
    return table


def _broken_promises(dash: Dashboard) -> list[dict[str, Any]]:
    return [
        {
            "promise_id": p.promise_id,
            "account_number": p.account_number,
            "account_name": p.account_name,
            "amount": format_money(p.amount),
            "amount_collected": format_money(p.amount_collected),
            "due_date": p.due_date.isoformat(),
            "channel": p.channel,
            "taken_by": p.taken_by,
            "collector": p.collector_email,
            "open_escalation_id": p.open_escalation_id,
        }
        for p in dash.broken_promises
    ]


def _opt_outs(dash: Dashboard) -> list[dict[str, Any]]:
    return [
        {"action": c.action, "channel": c.channel, "events": c.events, "accounts": c.accounts}
        for c in dash.preference_changes
    ]


def _contact_attempts(dash: Dashboard) -> list[dict[str, Any]]:
    return [
        {"status": a.status, "outcome": a.outcome, "reason": a.reason, "attempts": a.attempts}
        for a in dash.contact_attempts
    ]


def _collectors(dash: Dashboard) -> list[dict[str, Any]]:
    table = []
    for c in dash.collectors:
        kept, broken = c.promises.get("kept", 0), c.promises.get("broken", 0)
        table.append(
            {
                "collector": c.email,
                "escalations_handled": c.handled,
                "replied": c.replies.replied,
                "median_first_reply_seconds": c.replies.median_seconds,
                "mean_first_reply_seconds": c.replies.mean_seconds,
                "promises_taken": sum(c.promises.values()),
                "promises_kept": kept,
                "promises_broken": broken,
                "kept_rate": _number(ratio(Decimal(kept), Decimal(kept + broken))),
            }
        )
    return table
