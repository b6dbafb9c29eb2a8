"""The scheduler's jobs in production: the reminder services, wired from the container.

Each run builds what it needs afresh — senders (their HTTP clients belong to the run's
event loop) and sessions — and the services are imported when a job first runs, so
starting a scheduler, or testing one with fake jobs, needs nothing of them. (The
``type: ignore`` on those imports covers a checkout where the services are not there yet;
once they are, ``unused-ignore`` keeps mypy quiet and the calls are checked.)
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from bot.container import Container
from bot.scheduler.process import Job
from bot.services.delivery import Postman
from integrations.providers import build_senders


def reminder_pass(app: Container) -> Job:
    """One reminder pass (SPEC §6): what is due is sent, the rest held with its reason."""

    def run(now: datetime) -> object:
        return asyncio.run(_pass(app, now))

    return run


async def _pass(app: Container, now: datetime) -> object:
    from bot.services.reminders import run_pass  # type: ignore[import, unused-ignore]

    senders = build_senders(app.settings)
    try:
        return await run_pass(Postman(app.sessions, app.clock, senders), app.settings, now)
    finally:
        for sender in senders.values():
            await sender.aclose()


def _post_finance_charges(app: Container, now: datetime) -> None:
    """Posts the last closed month's finance charges (SPEC §12); a month is posted once."""
    from bot.policy.finance_charges import last_closed_month
    from bot.services.credit.finance_charges import post_finance_charges

    rules = app.settings.finance_charges
    if not rules.enabled:
        return
    zone = app.settings.default_timezone or timezone.utc
    year, month = last_closed_month(now.astimezone(zone).date())
    with app.sessions() as session:
        days = app.settings.hold_days_past_due
        post_finance_charges(session, year, month, now, rules, hold_days=days)


def _propose_write_offs(app: Container, now: datetime) -> None:
    """The daily review proposes every write-off candidate (a manager then decides)."""
    from bot.services.credit.write_offs import propose_candidates

    with app.sessions() as session:
        propose_candidates(session, now, app.settings.default_timezone, app.settings.write_off_days)


def daily_evaluation(app: Container) -> Job:
    """The daily evaluation: promises kept or broken, plans in default, as of ``now``."""

    def run(now: datetime) -> object:
        from bot.services.reminders import evaluate_day  # type: ignore[import, unused-ignore]

        summary = evaluate_day(
            app.sessions, now, app.settings.policy, hold_days=app.settings.hold_days_past_due
        )
        _post_finance_charges(app, now)
        _propose_write_offs(app, now)
        return summary

    return run
