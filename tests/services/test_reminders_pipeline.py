"""A pass with senders in parallel: it reads the next page while it sends this one, and a
batch that stops mid-way frees the keys of the messages no sender was given."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FixedClock
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade
from bot.db.models import Message
from bot.services.delivery import Parcel, Postman, deliver_many
from bot.services.dispatch import dispatch_due, settle
from bot.services.reminders import plan, run_pass
from integrations.rasa import BotMessage
from tests.services.reminder_portfolio import (
    NOW,
    SETTINGS,
    RecordingSender,
    add_account,
    messages_to,
    phone,
)

NUMBERS = [f"P-{n}" for n in range(7)]


@pytest.fixture
def file_sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """A migrated SQLite file of its own: the pass's threads each take a connection."""
    engine = make_engine(f"sqlite:///{tmp_path / 'arbot.db'}")
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


def test_a_pass_reading_pages_ahead_sends_every_due_message_once(
    file_sessions: sessionmaker[Session],
) -> None:
    for number in NUMBERS:
        add_account(file_sessions, number, [(f"I-{number}", -1, "250.00")])
    due = [p.decision for p in plan(file_sessions, NOW, SETTINGS) if not p.decision.held]
    sender = RecordingSender()
    postman = Postman(file_sessions, FixedClock(NOW), {"sms": sender, "telegram": sender})

    summary = asyncio.run(run_pass(postman, SETTINGS, NOW, batch=2, concurrency=16))

    assert (summary.accounts, summary.sent, len(due)) == (7, 7, 7)
    assert sorted(m.address for m in sender.sent) == sorted(phone(n) for n in NUMBERS)
    assert [len(messages_to(file_sessions, phone(n))) for n in NUMBERS] == [1] * 7


def test_a_batch_that_stops_leaves_queued_what_no_sender_was_given(
    file_sessions: sessionmaker[Session],
) -> None:
    crashing = RecordingSender(fail_on=2)
    postman = Postman(file_sessions, FixedClock(NOW), {"sms": crashing})
    parcels = [
        Parcel("sms", phone(n), BotMessage(f"to {n}"), f"key-{n}", automated=False)
        for n in ("A", "B", "C")
    ]

    with pytest.raises(RuntimeError):
        asyncio.run(deliver_many(postman, parcels, concurrency=1))

    with file_sessions() as session:
        states = {
            key: session.scalar(
                select(Message.dispatch_state).where(Message.idempotency_key == key)
            )
            for key in ("key-A", "key-B", "key-C")
        }
    # A went out; B was in the sender's hands when it failed (it may have gone): it stays
    # sending, in doubt once its lease is over, never sent again; C was never given to a
    # sender: it is back in the queue
    assert states == {"key-A": "done", "key-B": "sending", "key-C": "pending"}
    healthy = RecordingSender()
    again = Postman(file_sessions, FixedClock(NOW + timedelta(minutes=5)), {"sms": healthy})
    results = asyncio.run(deliver_many(again, parcels, concurrency=1))
    assert [r.duplicate for r in results] == [True, True, True]
    assert settle(again) == [2]
    asyncio.run(dispatch_due(again))
    assert [m.address for m in healthy.sent] == [phone("C")]
