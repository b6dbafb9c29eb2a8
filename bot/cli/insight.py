"""``arbot report rolls|contact|forecast`` (SPEC §13)."""

from __future__ import annotations

from datetime import timedelta

import click

from bot.cli.context import day_option, today, wired
from bot.cli.output import emit_csv, emit_json
from bot.cli.reports import formats, period
from bot.errors import InputError
from bot.policy.insight import ROLL_BUCKETS, parse_month
from bot.services.insight.contact import contact_report
from bot.services.insight.forecast import forecast_report
from bot.services.insight.rolls import rolls_report


def _shown(value: object) -> str:
    return "n/a" if value is None else str(value)


@click.command()
@click.option("--month", metavar="YYYY-MM", help="The month (default: the last complete one).")
@formats
def rolls(month: str | None, as_json: bool, as_csv: bool) -> None:
    """Roll rate per aging bucket and cure rate of a month."""
    app = wired()
    if month is None:
        first = (today(app).replace(day=1) - timedelta(days=1)).replace(day=1)
    else:
        try:
            first = parse_month(month, "--month")
        except ValueError as exc:
            raise InputError(str(exc)) from None
    with app.sessions() as session:
        result = rolls_report(session, first)
    if as_json:
        emit_json(result.to_json())
    elif as_csv:
        emit_csv(result.to_rows())
    else:
        doc = result.to_json()
        click.echo(
            f"Rolls {doc['month']} (share of each bucket's open AR a month later in a later one)"
        )
        for bucket in ROLL_BUCKETS:
            click.echo(f"  {bucket:<8} {_shown(doc['roll_rates'][bucket])}")
        click.echo(f"  cure rate {_shown(doc['cure_rate'])}")


@click.command()
@period
@formats
def contact(start: str | None, end: str | None, as_json: bool, as_csv: bool) -> None:
    """Right-party contact rate, promise conversion, and what reminders led to."""
    app = wired()
    last = day_option(end, "--to", today(app))
    first = day_option(start, "--from", last - timedelta(days=29))
    with app.sessions() as session:
        result = contact_report(session, first, last)
    if as_json:
        emit_json(result.to_json())
    elif as_csv:
        emit_csv(result.to_rows())
    else:
        doc = result.to_json()
        click.echo(f"Contact {doc['from']} .. {doc['to']}: {doc['conversations']} conversations")
        click.echo(f"  right-party contact rate {_shown(doc['right_party_contact_rate'])}")
        click.echo(f"  promise conversion       {_shown(doc['promise_conversion'])}")
        for name, c in doc["by_channel"].items():
            click.echo(f"  {name:<9} RPC {_shown(c['right_party_contact_rate'])}, "
                       f"conversion {_shown(c['promise_conversion'])}")  # fmt: skip
        for kind, r in doc["by_reminder_kind"].items():
            click.echo(f"  {kind:<20} {r['sent']} sent → {r['conversation']} conversations, "
                       f"{r['promise']} promises, {r['payment']} payments in 7 days")  # fmt: skip


@click.command()
@click.option("--as-of", "as_of", metavar="DATE", help="First day of week 1 (default today).")
@formats
def forecast(as_of: str | None, as_json: bool, as_csv: bool) -> None:
    """13-week cash forecast: committed and expected receipts per week."""
    app = wired()
    day = day_option(as_of, "--as-of", today(app))
    with app.sessions() as session:
        result = forecast_report(session, day)
    if as_json:
        emit_json(result.to_json())
    elif as_csv:
        emit_csv(result.to_rows())
    else:
        click.echo(f"Cash forecast from {day.isoformat()}")
        click.echo(f"  {'week':<12} {'committed':>14} {'expected':>14}")
        for week in result.weeks:
            click.echo(
                f"  {week.start.isoformat():<12} {week.committed:>14,.2f} {week.expected:>14,.2f}"
            )
