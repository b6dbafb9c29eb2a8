"""``arbot webhooks [--failed]``: the change feed's deliveries to ``ARBOT_WEBHOOK_URL``."""

from __future__ import annotations

import click

from bot.cli.context import wired
from bot.cli.output import emit_json
from bot.services.integration.webhooks import deliveries


@click.command()
@click.option("--failed", is_flag=True, help="Only the deliveries given up after 24 hours.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def webhooks(failed: bool, limit: int, as_json: bool) -> None:
    """Webhook deliveries of the change feed, newest first."""
    app = wired()
    rows = deliveries(app.sessions, failed_only=failed, limit=limit)
    if as_json:
        emit_json(
            [
                {
                    "id": r.id,
                    "url": r.url,
                    "event_id": r.event_id,
                    "type": r.type,
                    "account_number": r.account_number,
                    "status": r.status,
                    "attempts": r.attempts,
                    "last_status": r.last_status,
                    "last_error": r.last_error,
                    "next_attempt_at": r.next_attempt_at.isoformat(),
                    "delivered_at": r.delivered_at.isoformat() if r.delivered_at else None,
                }
                for r in rows
            ]
        )
        return
    if not rows:
        click.echo("no failed deliveries" if failed else "no deliveries yet")
    for r in rows:
        outcome = r.last_error or (f"HTTP {r.last_status}" if r.last_status else "not tried")
        click.echo(
            f"#{r.id}  event {r.event_id} {r.type} {r.account_number or '-'} → {r.url}"
            f"  {r.status} after {r.attempts} attempt(s) ({outcome})"
        )
