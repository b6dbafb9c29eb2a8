"""``arbot outbox``: what the development provider "sent" (SPEC §3, §7)."""

from __future__ import annotations

import click

from bot.cli.context import wired
from bot.cli.output import emit_json
from bot.services.delivery import outbox as read_outbox


@click.command()
@click.option("--to", "address", help="Only messages to this phone number or chat id.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def outbox(address: str | None, limit: int, as_json: bool) -> None:
    """Messages the outbox provider accepted, newest last."""
    app = wired()
    with app.sessions() as session:
        rows = read_outbox(session, limit=limit, address=address)
    if as_json:
        emit_json(
            [
                {
                    "id": row.id,
                    "channel": row.channel,
                    "to": row.address,
                    "author": row.author,
                    "text": row.body,
                    "created_at": row.created_at.isoformat(),
                }
                for row in rows
            ]
        )
        return
    if not rows:
        click.echo("the outbox is empty")
    for row in rows:
        click.echo(f"#{row.id}  {row.created_at:%Y-%m-%d %H:%M}Z  {row.channel} → {row.address}")
        click.echo("  " + row.body.replace("\n", "\n  "))
