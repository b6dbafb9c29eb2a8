"""The manager dashboard for a period [from, to] (SPEC §8, issue 6 point 4).

Aging (as of ``to``) and the KPIs are the very reports ``arbot report aging`` and
``arbot report kpis`` print — :func:`bot.services.reports.aging_report` and
:func:`~bot.services.reports.kpi_report` are called, not re-implemented — so the dashboard
and the CLI cannot disagree. The rest is summed in the database
(:mod:`bot.repositories.dashboard`) and folded by the pure :mod:`bot.policy.compliance`:
PTP compliance by ISO week and by who took the promise, broken promises to work, opt-outs,
reminder attempts by outcome, and each collector's performance. Shapes for JSON and CSV
are in :mod:`bot.services.dashboard_tables`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Row
from sqlalchemy.orm import Session

from bot.errors import InputError
from bot.policy.compliance import MAX_PERIOD_DAYS, PromiseCount, ReplyTimes, reply_times
from bot.repositories import dashboard as repo
from bot.repositories.dashboard import BrokenPromise
from bot.services.credit.report import CreditReport, credit_report
from bot.services.reports import AgingReport, KpiReport, aging_report, check_period, kpi_report


@dataclass(frozen=True)
class PreferenceChange:
    """Opt-outs (or opt-ins, or ceases) on one channel in the period."""

    action: str  # opt_out | opt_in | cease
    channel: str
    events: int
    accounts: int


@dataclass(frozen=True)
class AttemptCount:
    """Reminder attempts that ended the same way."""

    status: str  # sent | held | failed | sending | abandoned
    outcome: str | None  # the delivery status of the message sent
    reason: str | None  # why it was held
    attempts: int


@dataclass(frozen=True)
class CollectorPerformance:
    """What one collector did in the period.

    Attributes:
        handled: escalations assigned to them and resolved in the period.
        replies: time to first reply over those of ``handled`` they answered in writing.
        promises: promises dated in the period that they took, by status.
    """

    user_id: int
    email: str
    handled: int
    replies: ReplyTimes
    promises: dict[str, int]


@dataclass(frozen=True)
class Dashboard:
    """Every figure and table of the dashboard for one period."""

    period_start: date
    period_end: date
    aging: AgingReport
    kpis: KpiReport
    promises: tuple[PromiseCount, ...]
    broken_promises: tuple[BrokenPromise, ...]
    preference_changes: tuple[PreferenceChange, ...]
    opted_out_now: dict[str, int]
    contact_attempts: tuple[AttemptCount, ...]
    collectors: tuple[CollectorPerformance, ...]
    #: ``arbot report credit`` as of ``to`` for the period (SPEC §12)
    credit: CreditReport | None = None


def dashboard(
    session: Session,
    start: date,
    end: date,
    allowance_rates: Mapping[str, Decimal] | None = None,
) -> Dashboard:
    """Computes the dashboard for [start, end] with a fixed number of queries.

    ``allowance_rates`` (``ARBOT_ALLOWANCE_RATES``; None: the default) price the credit
    report's allowance.

    Raises:
        InputError: naming ``--to`` when ``end`` is before ``start``, or ``from`` when the
            period is longer than :data:`~bot.policy.compliance.MAX_PERIOD_DAYS`.
    """
    check_period(start, end)
    days = (end - start).days + 1
    if days > MAX_PERIOD_DAYS:
        raise InputError(f"from: the period is {days} days; at most {MAX_PERIOD_DAYS} are shown")
    aging = aging_report(session, end)
    kpis = kpi_report(session, start, end)
    credit = credit_report(session, end, start, end, allowance_rates)
    with session.begin():
        promises = repo.promise_counts(session, start, end)
        broken = repo.broken_promises(session, start, end)
        changes = repo.preference_changes(session, start, end)
        standing = repo.opted_out_now(session)
        attempts = repo.contact_attempts(session, start, end)
        performance = _performance(session, start, end)
    return Dashboard(
        period_start=start,
        period_end=end,
        aging=aging,
        kpis=kpis,
        promises=tuple(sorted(promises, key=_promise_order)),
        broken_promises=tuple(broken),
        preference_changes=_preference_changes(changes),
        opted_out_now=standing,
        contact_attempts=tuple(
            sorted((AttemptCount(*row) for row in attempts), key=_attempt_order)
        ),
        collectors=performance,
        credit=credit,
    )


def _promise_order(row: PromiseCount) -> tuple[date, str, str, str]:
    return row.due_date, row.channel, row.taken_by, row.status


def _attempt_order(row: AttemptCount) -> tuple[str, str, str]:
    # sorted here: SQLite puts NULLs first and PostgreSQL last
    return row.status, row.outcome or "", row.reason or ""


def _preference_changes(
    rows: Sequence[Row[tuple[str, str, int, int]]],
) -> tuple[PreferenceChange, ...]:
    """Reads the channel out of each audit detail (``{"channel": ...}``)."""
    changes = []
    for action, detail, events, accounts in rows:
        try:
            channel = str(json.loads(detail or "{}").get("channel", ""))
        except (ValueError, AttributeError):
            channel = ""
        changes.append(PreferenceChange(action, channel or "unknown", int(events), int(accounts)))
    return tuple(sorted(changes, key=lambda c: (c.action, c.channel)))


def _performance(session: Session, start: date, end: date) -> tuple[CollectorPerformance, ...]:
    """Each active collector (and anyone else who worked in the period), by e-mail."""
    handled = repo.escalations_handled(session, start, end)
    delays: dict[int, list[float]] = {}
    for user_id, claimed_at, replied_at in repo.first_replies(session, start, end):
        delays.setdefault(int(user_id), []).append((replied_at - claimed_at).total_seconds())
    promises = repo.collector_promises(session, start, end)
    people = repo.collectors(session, {*handled, *delays, *promises})
    return tuple(
        CollectorPerformance(
            user_id=user_id,
            email=email,
            handled=handled.get(user_id, 0),
            replies=reply_times(delays.get(user_id, ())),
            promises=promises.get(user_id, {}),
        )
        for user_id, email in people.items()
    )
