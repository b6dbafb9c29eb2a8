"""``arbot report aging|kpis|ptp`` (SPEC §8)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import click

from bot.cli.context import day_option, today, wired
from bot.cli.output import bar_chart, emit_csv, emit_json
from bot.policy.aging import BUCKETS
from bot.services.reports import aging_report, kpi_report, ptp_report

F = TypeVar("F", bound=Callable[..., Any])


def formats(command: F) -> F:
    """Adds the mutually exclusive ``--json`` and ``--csv`` flags."""
    command = click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")(command)
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(command)


def period(command: F) -> F:
    """Adds ``--from`` and ``--to`` (default: the 30 days ending today)."""
    command = click.option("--to", "end", metavar="DATE", help="Last day (default today).")(command)
    return click.option(
        "--from", "start", metavar="DATE", help="First day (default to − 29 days)."
    )(command)


@click.group()
def report() -> None:
    """Aging, KPIs, promise-to-pay compliance and credit."""


@report.command()
@click.option("--as-of", "as_of", metavar="DATE", help="Day to age on (default today).")
@formats
def aging(as_of: str | None, as_json: bool, as_csv: bool) -> None:
    """Open AR by days past due, with a bar chart."""
    app = wired()
    day = day_option(as_of, "--as-of", today(app))
    with app.sessions() as session:
        result = aging_report(session, day)
    if as_json:
        emit_json(result.to_json())
    elif as_csv:
        emit_csv(result.to_rows())
    else:
        click.echo(f"Aging as of {day.isoformat()}")
        for line in bar_chart({name: result.aging.buckets[name] for name in BUCKETS}):
            click.echo(line)
        click.echo(f"{'total':>7}  {'':<40}  {result.aging.total:>14,.2f}")


@report.command()
@period
@formats
def kpis(start: str | None, end: str | None, as_json: bool, as_csv: bool) -> None:
    """DSO, best possible DSO, ADD, CEI, PTP kept rate, bot containment."""
    app = wired()
    last = day_option(end, "--to", today(app))
    first = day_option(start, "--from", last - timedelta(days=29))
    with app.sessions() as session:
        result = kpi_report(session, first, last)
    if as_json:
        emit_json(result.to_json())
    elif as_csv:
        emit_csv(result.to_rows())
    else:
        doc = result.to_json()
        click.echo(f"KPIs {doc['from']} .. {doc['to']} ({result.kpis.days} days)")
        labels = {
            "dso": "DSO (days)",
            "best_possible_dso": "best possible DSO",
            "add": "ADD (days)",
            "cei": "CEI (%)",
            "ptp_kept_rate": "PTP kept rate",
            "promises_kept": "promises kept",
            "promises_broken": "promises broken",
            "bot_containment": "bot containment",
        }
        for key, label in labels.items():
            value = doc[key]
            click.echo(f"  {label:<20} {'n/a' if value is None else value}")


@report.command()
@period
@formats
def ptp(start: str | None, end: str | None, as_json: bool, as_csv: bool) -> None:
    """Promises dated in the period and how many were kept."""
    app = wired()
    last = day_option(end, "--to", today(app))
    first = day_option(start, "--from", last - timedelta(days=29))
    with app.sessions() as session:
        result = ptp_report(session, first, last)
    if as_json:
        emit_json(result.to_json())
    elif as_csv:
        emit_csv(result.to_rows())
    else:
        s = result.summary
        click.echo(f"Promises to pay {first.isoformat()} .. {last.isoformat()}")
        click.echo(
            f"  {s['promises']} promises: {s['kept']} kept, {s['broken']} broken, "
            f"{s['pending']} pending, {s['cancelled']} cancelled; kept rate "
            f"{'n/a' if s['kept_rate'] is None else s['kept_rate']}"
        )
        click.echo(f"  promised {s['promised_amount']}, collected {s['collected_amount']}")
        for group in ("by_channel", "by_taker"):
            for name, g in s[group].items():
                click.echo(
                    f"  {group[3:]} {name:<10} {g['kept']} kept / {g['broken']} broken,"
                    f" promised {g['promised_amount']}"
                )
