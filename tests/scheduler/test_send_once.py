"""Two real schedulers started together on one portfolio send every reminder once.

Each is ``arbot scheduler --once`` (the daily review, then one reminder pass, under the
lock) on the demo portfolio, sending through the outbox. The lock lets one lead; the
other waits, then runs its own pass, which finds every send already claimed.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.db.engine import make_engine
from bot.db.models import ContactAttempt, Message
from tests.cli.runner import NOW, arbot
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES
from tests.scheduler.conftest import Child

ARBOT = str(Path(sys.executable).with_name("arbot"))


@pytest.fixture
def demo_postgres() -> Iterator[str]:
    """A fresh PostgreSQL database with the demo portfolio, dropped afterwards."""
    admin_url = make_url(POSTGRES_URL)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("select 1"))
    except OperationalError as exc:
        reason = f"PostgreSQL at {admin_url.render_as_string()} unreachable: {exc.orig}"
        if REQUIRE_POSTGRES:
            pytest.fail(f"ARBOT_TEST_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    name = f"arbot_once_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    try:
        for step in (("db", "upgrade"), ("demo",)):
            done = arbot(*step, database=url)
            assert done.code == 0, done.err
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_two_schedulers_started_together_send_each_reminder_once(demo_postgres: str) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ARBOT_")},
        "ARBOT_DATABASE_URL": demo_postgres,
        "ARBOT_NOW": NOW,
        "ARBOT_SCHEDULER_LOCK_POLL_SECONDS": "1",
    }
    schedulers = [Child([ARBOT, "scheduler", "--once", "--wait", "120"], env) for _ in range(2)]
    try:
        statuses = [child.wait(timeout=180) for child in schedulers]
    finally:
        for child in schedulers:
            child.stop()

    assert statuses == [0, 0], [child.errors for child in schedulers]
    engine = make_engine(demo_postgres)
    try:
        with engine.connect() as connection:
            sent_keys = connection.scalars(
                select(ContactAttempt.idempotency_key).where(ContactAttempt.status == "sent")
            ).all()
            system_messages = connection.scalar(
                select(func.count()).select_from(Message).where(Message.author == "system")
            )
    finally:
        engine.dispose()
    assert sent_keys, "the demo portfolio has reminders due at NOW"
    assert len(sent_keys) == len(set(sent_keys))
    assert system_messages == len(sent_keys)
