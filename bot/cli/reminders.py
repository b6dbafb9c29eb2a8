"""``arbot reminders plan|run|review`` (SPEC §3, §6)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import click

from bot.cli.context import echo_err, wired
from bot.cli.output import emit_json
from bot.clock import FixedClock, parse_instant
from bot.container import Container
from bot.errors import InputError
from bot.services.delivery import Postman
from bot.services.reminders import PassSummary, evaluate_day, plan, run_pass
from integrations.providers import build_senders

#: a pass running longer than this reports its progress on stderr
PROGRESS_AFTER_SECONDS = 2.0

at_option = click.option(
    "--at",
    "at",
    metavar="TIME",
    help="ISO 8601 instant with offset, e.g. 2026-11-22T09:00:00-05:00 (default: now).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


@click.group()
def reminders() -> None:
    """What the scheduler sends and holds back, one pass, and the daily review."""


@reminders.command("plan")
@at_option
@json_option
def plan_command(at: str | None, as_json: bool) -> None:
    """Dry run: what a pass at TIME would send, and what it would hold back and why."""
    app = wired()
    now = instant(app, at)
    planned = plan(app.sessions, now, app.settings)
    if as_json:
        emit_json([item.to_json() for item in planned])
        return
    sends = holds = 0
    for item in planned:
        d = item.decision
        state = f"held: {d.reason}" if d.held else "send"
        click.echo(
            f"{d.account_number}  {d.kind}  {d.channel or '-'}  {d.send_at.isoformat()}  {state}"
        )
        click.echo("  " + item.text.replace("\n", "\n  "))
        holds += d.held
        sends += not d.held
    click.echo(f"{sends} to send, {holds} held at {now.isoformat()}")


@reminders.command("run")
@at_option
@json_option
def run_command(at: str | None, as_json: bool) -> None:
    """One scheduler pass now, through the configured senders."""
    app = wired()
    now = instant(app, at)
    summary = asyncio.run(_one_pass(app, now, fixed=at is not None))
    if as_json:
        emit_json(summary.to_json())
        return
    click.echo(str(summary))


@reminders.command("review")
@at_option
@json_option
def review_command(at: str | None, as_json: bool) -> None:
    """The daily review: promises kept or broken, installments paid or missed."""
    app = wired()
    now = instant(app, at)
    summary = evaluate_day(
        app.sessions,
        now,
        app.settings.policy,
        default_zone=app.settings.default_timezone,
        hold_days=app.settings.hold_days_past_due,
    )
    if as_json:
        emit_json(summary.to_json())
        return
    click.echo(str(summary))


def instant(app: Container, value: str | None) -> datetime:
    """``--at`` as an aware instant, or the clock's now; bad input names ``--at``."""
    if value is None:
        return app.clock.now()
    try:
        return parse_instant(value, field="--at")
    except ValueError as exc:
        raise InputError(str(exc)) from None


async def _one_pass(app: Container, now: datetime, *, fixed: bool) -> PassSummary:
    senders = build_senders(app.settings)
    clock = FixedClock(now) if fixed else app.clock
    try:
        return await run_pass(
            Postman(app.sessions, clock, senders), app.settings, now, progress=_progress
        )
    finally:
        for sender in senders.values():
            await sender.aclose()


def _progress(summary: PassSummary) -> None:
    if summary.seconds >= PROGRESS_AFTER_SECONDS:
        echo_err(
            f"… {summary.accounts} accounts, {summary.sent} sent, "
            f"{sum(summary.held.values())} held ({summary.seconds:.0f} s)"
        )
