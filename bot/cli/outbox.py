"""``arbot outbox``: what the development provider "sent", and the messages that need a
person — failed or in doubt — with retry and discard (SPEC §3, §7)."""

from __future__ import annotations

import asyncio
import getpass

import click

from bot.cli.context import wired
from bot.cli.output import emit_json
from bot.clock import ticking
from bot.container import Container
from bot.services import dispatch, failed_messages
from bot.services.delivery import outbox as read_outbox
from integrations.providers import build_senders


@click.command()
@click.option("--to", "address", help="Only messages to this phone number or chat id.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--failed", is_flag=True, help="List the failed and in-doubt messages instead.")
@click.option("--retry", "retry_id", type=int, help="Send failed or in-doubt message ID again.")
@click.option("--discard", "discard_id", type=int, help="Give failed or in-doubt message ID up.")
@click.option("--by", default="", help="Who acts (a console user's email), for the audit trail.")
def outbox(
    address: str | None,
    limit: int,
    as_json: bool,
    failed: bool,
    retry_id: int | None,
    discard_id: int | None,
    by: str,
) -> None:
    """Messages the outbox provider accepted, newest last; or, with --failed, --retry or
    --discard, the messages that need a person."""
    if sum((failed, retry_id is not None, discard_id is not None)) > 1:
        raise click.UsageError("--failed, --retry and --discard: give one of them")
    app = wired()
    if retry_id is not None or discard_id is not None:
        _act(app, retry_id, discard_id, by or f"cli:{getpass.getuser()}")
        return
    if failed:
        _list_failed(app, as_json)
        return
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


def _list_failed(app: Container, as_json: bool) -> None:
    rows = failed_messages.needing_a_person(app.sessions)
    if as_json:
        emit_json(
            [
                {
                    "id": row.id,
                    "state": row.state,
                    "channel": row.channel,
                    "to": row.address,
                    "author": row.author,
                    "text": row.body,
                    "attempts": row.attempts,
                    "error": row.error,
                    "created_at": row.created_at.isoformat(),
                }
                for row in rows
            ]
        )
        return
    if not rows:
        click.echo("no failed or in-doubt messages")
    for row in rows:
        click.echo(
            f"#{row.id}  {row.state}  {row.created_at:%Y-%m-%d %H:%M}Z  {row.channel} → "
            f"{row.address}  ({row.attempts} attempts)"
        )
        click.echo(f"  reason: {row.error or '-'}")
        click.echo("  " + row.body.replace("\n", "\n  "))


def _act(app: Container, retry_id: int | None, discard_id: int | None, by: str) -> None:
    senders = build_senders(app.settings)
    postman = dispatch.Postman(
        app.sessions, app.clock, senders, policy=app.settings.policy,
        default_zone=app.settings.default_timezone, timer=ticking(app.clock),
    )  # fmt: skip
    if discard_id is not None:
        failed_messages.discard(postman, discard_id, actor="operator", by=by)
        click.echo(f"message {discard_id} discarded")
        return
    assert retry_id is not None  # noqa: S101 (the caller checked)

    async def send() -> dispatch.Sent:
        try:
            return await failed_messages.retry(postman, retry_id, actor="operator", by=by)
        finally:
            for sender in senders.values():
                await sender.aclose()

    sent = asyncio.run(send())
    if sent.state == "done":
        click.echo(f"message {retry_id} sent ({sent.status})")
    else:
        click.echo(f"message {retry_id} is {sent.state}: {sent.error or 'queued'}")
