"""``arbot holds``, ``report credit``, ``charges`` and ``writeoff`` (SPEC §12)."""

from __future__ import annotations

from datetime import timedelta

import click

from bot.cli.context import day_option, today, wired
from bot.cli.output import emit_json
from bot.errors import InputError
from bot.policy.finance_charges import last_closed_month, parse_month
from bot.policy.money import format_money, parse_money
from bot.services.credit import write_offs
from bot.services.credit.finance_charges import post_finance_charges, waive_finance_charge
from bot.services.credit.holds import hold_json, holds
from bot.services.credit.report import credit_report


@click.command(name="holds")
@click.option("--json", "as_json", is_flag=True, help="Print the holds as JSON.")
def holds_command(as_json: bool) -> None:
    """Accounts on credit hold, with their reasons, longest held first."""
    app = wired()
    with app.sessions() as session:
        found = [hold_json(held) for held in holds(session)]
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo("no account is on hold")
    for hold in found:
        limit = hold["credit_limit"] or "none"
        click.echo(
            f"{hold['account_number']:<16} {','.join(hold['reasons']):<28} since {hold['since']}"
            f"  open {hold['open_balance']}  limit {limit}"
        )


@click.command(name="credit")
@click.option("--as-of", "as_of", metavar="DATE", help="Day of the holds and the allowance.")
@click.option("--from", "start", metavar="DATE", help="First day of the period (to − 29 days).")
@click.option("--to", "end", metavar="DATE", help="Last day of the period (default --as-of).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def credit_report_command(
    as_of: str | None, start: str | None, end: str | None, as_json: bool
) -> None:
    """Holds, allowance for doubtful accounts, write-offs, finance charges, bad-debt ratio."""
    app = wired()
    day = day_option(as_of, "--as-of", today(app))
    last = day_option(end, "--to", day)
    first = day_option(start, "--from", last - timedelta(days=29))
    with app.sessions() as session:
        result = credit_report(session, day, first, last, dict(app.settings.allowance_rates))
    doc = result.to_json()
    if as_json:
        emit_json(doc)
        return
    click.echo(f"Credit as of {doc['as_of']} (period {doc['from']} .. {doc['to']})")
    click.echo(f"  accounts on hold      {doc['holds']}")
    click.echo(f"  allowance             {doc['allowance']['total']}")
    for name, amount in doc["allowance"]["buckets"].items():
        click.echo(f"    {name:<8} {amount:>14}")
    click.echo(
        f"  write-offs            {doc['write_offs']['proposed']} proposed,"
        f" {doc['write_offs']['approved_amount']} approved"
    )
    charges = doc["finance_charges"]
    click.echo(
        f"  finance charges       {charges['posted_amount']} posted,"
        f" {charges['waived_amount']} waived"
    )
    ratio = doc["bad_debt_ratio"]
    click.echo(f"  bad-debt ratio        {'n/a' if ratio is None else ratio}")


@click.group()
def charges() -> None:
    """Finance charges: post a month's, waive one."""


@charges.command("post")
@click.option("--month", required=True, metavar="YYYY-MM", help="The month to charge for.")
@click.option("--json", "as_json", is_flag=True, help="Print the charges posted as JSON.")
def post_command(month: str, as_json: bool) -> None:
    """Posts the finance charges of a closed month (again: nothing more is posted)."""
    app = wired()
    try:
        year, number = parse_month(month)
    except ValueError as exc:
        raise InputError(f"--month: {exc}") from None
    if (year, number) > last_closed_month(today(app)):
        raise InputError(f"--month: {month} has not ended yet")
    rules = app.settings.finance_charges
    with app.sessions() as session:
        now, days = app.clock.now(), app.settings.hold_days_past_due
        posted = post_finance_charges(session, year, number, now, rules, "collector", days)
    found = [
        {"account_number": p.account_number, "invoice_number": p.invoice_number,
         "amount": format_money(p.amount)}
        for p in posted
    ]  # fmt: skip
    if as_json:
        emit_json(found)
        return
    if not rules.enabled:
        click.echo("finance charges are off (ARBOT_FINANCE_CHARGE_RATE is 0)")
        return
    for item in found:
        click.echo(f"{item['invoice_number']:<32} {item['amount']:>12}")
    click.echo(f"{len(found)} finance charges posted for {month}")


@charges.command("waive")
@click.argument("invoice")
@click.option("--reason", required=True, help="Why it is waived (kept in the audit trail).")
@click.option("--by", "by_email", required=True, metavar="EMAIL", help="The collector.")
@click.option("--amount", metavar="AMOUNT", help="Part of it (default: all that is open).")
def waive_command(invoice: str, reason: str, by_email: str, amount: str | None) -> None:
    """Waives a finance charge with a credit and a reason."""
    app = wired()
    value = None
    if amount is not None:
        try:
            value = parse_money(amount)
        except ValueError as exc:
            raise InputError(f"--amount: {exc}") from None
    with app.sessions() as session:
        done = waive_finance_charge(
            session, invoice, reason, by_email, app.clock.now(), value,
            app.settings.hold_days_past_due,
        )  # fmt: skip
    click.echo(
        f"{done.invoice_number}: {format_money(done.amount)} waived,"
        f" {format_money(done.open_amount)} open"
    )


@click.group()
def writeoff() -> None:
    """Write-offs: candidates, proposals, a second manager's approval."""


@writeoff.command("candidates")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def candidates_command(as_json: bool) -> None:
    """Invoices that may be written off now, oldest due first."""
    app = wired()
    with app.sessions() as session:
        found = write_offs.candidates(
            session, app.clock.now(), app.settings.default_timezone, app.settings.write_off_days
        )
    rows = [
        {"invoice_number": c.invoice_number, "account_number": c.account_number,
         "due_date": c.due_date.isoformat(), "open_amount": format_money(c.open_amount)}
        for c in found
    ]  # fmt: skip
    if as_json:
        emit_json(rows)
        return
    for row in rows or [{"invoice_number": "no candidates"}]:
        click.echo("  ".join(str(value) for value in row.values()))


@writeoff.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_command(as_json: bool) -> None:
    """Write-offs: proposals waiting first, then the newest decided."""
    app = wired()
    with app.sessions() as session:
        rows = [write_offs.write_off_json(row) for row in write_offs.write_offs(session)]
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        click.echo(
            f"{row['id']:>6}  {row['invoice_number']:<20} {row['amount']:>12}  {row['status']}"
            f"  proposed by {row['proposed_by'] or 'the daily review'}"
        )


@writeoff.command("propose")
@click.argument("invoice")
@click.option("--by", "by_email", required=True, metavar="EMAIL", help="The proposer.")
def propose_command(invoice: str, by_email: str) -> None:
    """Proposes writing off an invoice that is a candidate."""
    app = wired()
    with app.sessions() as session:
        row = write_offs.propose(
            session, invoice, by_email, app.clock.now(), app.settings.default_timezone,
            app.settings.write_off_days,
        )  # fmt: skip
    click.echo(f"write-off {row.id} proposed: {row.invoice_number} {format_money(row.amount)}")


@writeoff.command("approve")
@click.argument("write_off_id", metavar="ID", type=int)
@click.option("--by", "by_email", required=True, metavar="EMAIL", help="A manager.")
def approve_command(write_off_id: int, by_email: str) -> None:
    """Approves a proposal (a manager who did not propose it): the invoice is credited."""
    app = wired()
    with app.sessions() as session:
        row = write_offs.approve(
            session, write_off_id, by_email, app.clock.now(), app.settings.default_timezone,
            app.settings.hold_days_past_due,
        )  # fmt: skip
    click.echo(f"write-off {row.id} approved: {row.invoice_number} {format_money(row.amount)}")


@writeoff.command("reject")
@click.argument("write_off_id", metavar="ID", type=int)
@click.option("--by", "by_email", required=True, metavar="EMAIL", help="A manager.")
def reject_command(write_off_id: int, by_email: str) -> None:
    """Rejects a proposal (a manager who did not propose it): the invoice stays owed."""
    app = wired()
    with app.sessions() as session:
        row = write_offs.reject(session, write_off_id, by_email, app.clock.now())
    click.echo(f"write-off {row.id} rejected: {row.invoice_number}")
