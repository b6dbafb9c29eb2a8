"""``arbot show ACCOUNT``."""

from __future__ import annotations

from typing import Any

import click

from bot.cli.context import today, wired
from bot.cli.output import emit_json
from bot.services.accounts import AccountOverview, account_overview


@click.command()
@click.argument("account_number")
@click.option("--json", "as_json", is_flag=True, help="Print the SPEC §3 JSON document.")
def show(account_number: str, as_json: bool) -> None:
    """One account: balances, invoices, promises, plans, disputes, escalations, contact."""
    app = wired()
    with app.sessions() as session:
        overview = account_overview(session, account_number, today(app))
    if as_json:
        emit_json(overview.to_json())
    else:
        for line in describe(overview):
            click.echo(line)


def payment_line(p: dict[str, Any]) -> str:
    """One payment of ``show`` and ``payments``."""
    credit = f"  credit {p['unapplied_amount']}" if p["unapplied_amount"] != "0.00" else ""
    return (
        f"  {p['received_date']} {p['amount']:>12}  {p['method'] or '-':<15} {p['payment_id']}"
        f"{credit}"
    )


def describe(o: AccountOverview) -> list[str]:
    """The human-readable account sheet."""
    doc = o.to_json()
    kind = "consumer" if o.consumer else "business"
    lines = [
        f"{o.account_number}  {o.name}  ({kind}, {o.timezone or 'time zone unknown'},"
        f" language {o.language})",
        f"balance {doc['balance']} {o.currency}   past due {doc['past_due']}",
        "",
        "invoices:",
    ]
    lines += [
        f"  {i['invoice_number']:<14} due {i['due_date']}  {i['amount']:>12}"
        f"  open {i['open_amount']:>12}  {i['days_past_due']:>4} d  {i['status']}"
        for i in doc["invoices"]
    ] or ["  none"]
    lines.append("promises:")
    lines += [
        f"  #{p['id']} {p['amount']} by {p['due_date']}"
        f" ({p['status']}, {p['channel']}, {p['taken_by']})"
        for p in doc["promises"]
    ] or ["  none"]
    lines.append("plans:")
    for plan in doc["plans"]:
        lines.append(
            f"  #{plan['id']} {plan['status']} total {plan['total']} down {plan['down_payment']}"
        )
        lines += [
            f"    {i['due_date']} {i['amount']:>10} {i['status']}" for i in plan["installments"]
        ]
    if not doc["plans"]:
        lines.append("  none")
    lines.append("disputes:")
    lines += [
        f"  {d['reference']} {d['invoice_number']} {d['reason']} ({d['status']})"
        for d in doc["disputes"]
    ] or ["  none"]
    lines.append("escalations:")
    lines += [f"  #{e['id']} {e['reason']} ({e['status']})" for e in doc["escalations"]] or [
        "  none"
    ]
    lines.append("payments:")
    lines += [payment_line(p) for p in doc["payments"]] or ["  none"]
    c = doc["contact"]
    flags = [
        name for name in ("sms_consent", "sms_opt_out", "telegram_opt_out", "cease") if c[name]
    ]
    channels = ", ".join(f"{k} {v}" for k, v in c["channels"].items()) or "no channel on file"
    lines.append(f"contact: {channels}; {', '.join(flags) or 'no consent or opt-out recorded'}")
    return lines
