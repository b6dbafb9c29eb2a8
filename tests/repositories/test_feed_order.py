"""Feed ids increase in commit order under concurrent writers on PostgreSQL (SPEC §15).

Writers commit for real (no rolled-back outer transaction) from several threads, each
commit slowed down after its ids were taken, while a reader polls the feed as a client
would: it must never find an id appear below one it has already seen — the gap a plain
sequence leaves when a transaction that took id 6 commits after the one that took id 7.
"""

from __future__ import annotations

import random
import threading
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import Engine, delete, event, select
from sqlalchemy.orm import Session

from bot.db.engine import make_session_factory
from bot.db.models import FeedEvent
from bot.repositories import events

NOW = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)
WRITERS = 6
TRANSACTIONS = 15


def _slow_commit(session: Session) -> None:
    """Runs after the feed's own ``before_commit``: ids taken, commit not yet done."""
    assert events._PENDING not in session.info, "the feed's hook has not run yet"  # noqa: SLF001
    time.sleep(random.uniform(0, 0.02))  # noqa: S311 - timing noise, not a secret


@pytest.mark.postgres
def test_ids_appear_in_commit_order_under_concurrent_writers(postgres_engine: Engine) -> None:
    sessions = make_session_factory(postgres_engine)
    with sessions() as session, session.begin():
        start = events.last_id(session)
    done = threading.Event()
    violations: list[str] = []
    failures: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for n in range(TRANSACTIONS):
                with sessions() as session:
                    event.listen(session, "before_commit", _slow_commit)
                    with session.begin():
                        for k in range(1 + n % 3):
                            events.emit(session, "payment.received", at=NOW, account_number=None,
                                        data={"writer": number, "n": n, "k": k})  # fmt: skip
        except BaseException as exc:  # reported by the test, not lost in the thread
            failures.append(exc)

    def reader() -> None:
        seen: set[int] = set()
        while True:
            finished = done.is_set()
            with postgres_engine.connect() as connection:
                ids = connection.scalars(
                    select(FeedEvent.id).where(FeedEvent.id > start).order_by(FeedEvent.id)
                ).all()
            top = max(seen, default=start)
            late = [i for i in ids if i < top and i not in seen]
            if late:
                violations.append(f"{late} appeared after {top} had been seen")
            seen.update(ids)
            if finished:
                return

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    watcher = threading.Thread(target=reader)
    watcher.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    watcher.join()
    try:
        assert failures == []
        assert violations == []
        with sessions() as session, session.begin():
            rows = session.execute(
                select(FeedEvent.id, FeedEvent.data).where(FeedEvent.id > start)
            ).all()
        expected = WRITERS * sum(1 + n % 3 for n in range(TRANSACTIONS))
        assert sorted(i for i, _ in rows) == list(range(start + 1, start + expected + 1))
    finally:
        with sessions() as session, session.begin():
            session.execute(delete(FeedEvent).where(FeedEvent.id > start))


@pytest.mark.postgres
def test_a_rolled_back_transaction_writes_no_event_and_takes_no_id(
    postgres_engine: Engine,
) -> None:
    sessions = make_session_factory(postgres_engine)
    with sessions() as session, session.begin():
        start = events.last_id(session)

    def failing_change() -> None:
        with sessions() as session, session.begin():
            events.emit(session, "payment.received", at=NOW, account_number="X", data={})
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError):
        failing_change()
    with sessions() as session, session.begin():
        events.emit(session, "payment.received", at=NOW, account_number="Y", data={})
    try:
        with sessions() as session, session.begin():
            rows = session.execute(
                select(FeedEvent.id, FeedEvent.account_number).where(FeedEvent.id > start)
            ).all()
        assert [tuple(r) for r in rows] == [(start + 1, "Y")]
    finally:
        with sessions() as session, session.begin():
            session.execute(delete(FeedEvent).where(FeedEvent.id > start))
