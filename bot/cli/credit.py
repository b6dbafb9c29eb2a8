"""``arbot holds`` and ``arbot report credit`` (SPEC §12)."""

from __future__ import annotations

import click

from bot.cli.context import wired
from bot.cli.output import emit_json
from bot.services.credit.holds import hold_json, holds


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
