"""The feed's ids are reserved from its one counter row (SPEC §15)."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.models import FeedCounter, FeedEvent
from bot.repositories import events

NOW = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)


def _emit(session: Session, *numbers: str) -> None:
    with session.begin():
        for number in numbers:
            events.emit(session, "payment.received", at=NOW, account_number=number, data={})


def test_one_commit_takes_consecutive_ids_and_moves_the_counter_past_them(
    session: Session,
) -> None:
    with session.begin():
        start = events.last_id(session)
    _emit(session, "A", "B", "C")
    with session.begin():
        stored = session.execute(
            select(FeedEvent.id, FeedEvent.account_number).where(FeedEvent.id > start)
        ).all()
        last = events.last_id(session)
    assert [tuple(row) for row in stored] == [(start + 1, "A"), (start + 2, "B"), (start + 3, "C")]
    assert last == start + 3


def test_a_schema_without_the_counter_row_numbers_events_from_one(session: Session) -> None:
    with session.begin():
        session.execute(delete(FeedEvent))
        session.execute(delete(FeedCounter))
    _emit(session, "A", "B")
    _emit(session, "C")
    with session.begin():
        stored = session.execute(
            select(FeedEvent.id, FeedEvent.account_number).order_by(FeedEvent.id)
        ).all()
        last = events.last_id(session)
    assert [tuple(row) for row in stored] == [(1, "A"), (2, "B"), (3, "C")]
    assert last == 3
