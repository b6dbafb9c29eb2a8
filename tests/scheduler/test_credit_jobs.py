"""The daily job posts the closed month's finance charges and proposes write-offs.

The month closes at midnight in ``ARBOT_DEFAULT_TIMEZONE``: in Chicago, 2026-11-01 is also
the day daylight saving time ends, so 04:30 UTC is still October 31 (CDT) and 05:30 UTC is
November 1.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.container import build_container
from bot.db.models import Invoice, WriteOff
from bot.scheduler.jobs import daily_evaluation
from bot.settings import load_settings
from tests.services.credit.test_finance_charges import seed


def run_daily(engine: Engine, sessions: sessionmaker[Session], now: datetime) -> None:
    settings = load_settings(
        {
            "ARBOT_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "ARBOT_DEFAULT_TIMEZONE": "America/Chicago",
            "ARBOT_FINANCE_CHARGE_RATE": "1.5",
        },
        dotenv=None,
    )
    app = dataclasses.replace(build_container(settings), sessions=sessions)
    try:
        daily_evaluation(app)(now)
    finally:
        app.engine.dispose()


def charged(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        query = select(Invoice.invoice_number).where(Invoice.invoice_number.startswith("FC-"))
        return list(session.scalars(query))


def test_october_is_charged_once_november_has_begun_in_the_deployment_zone(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    with sessions() as session:
        seed(session)
    run_daily(engine, sessions, datetime(2026, 11, 1, 4, 30, tzinfo=timezone.utc))
    assert "FC-B-202610" not in charged(sessions)  # still October 31 in Chicago
    run_daily(engine, sessions, datetime(2026, 11, 1, 5, 30, tzinfo=timezone.utc))
    run_daily(engine, sessions, datetime(2026, 11, 2, 5, 30, tzinfo=timezone.utc))
    assert charged(sessions).count("FC-B-202610") == 1


def test_the_daily_job_proposes_the_write_off_candidates(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    with sessions() as session:
        seed(session)
    run_daily(engine, sessions, datetime(2027, 3, 1, 12, tzinfo=timezone.utc))
    with sessions() as session:
        proposed = session.scalars(select(WriteOff).where(WriteOff.status == "proposed")).all()
        assert {w.proposed_by for w in proposed} == {None}
        assert len(proposed) >= 1
