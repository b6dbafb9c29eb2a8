"""The dispatcher: queued messages sent once, in order per conversation, retried with
backoff, given up after 24 hours, in doubt after a crash — on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade
from bot.db.models import AuditEvent, Dispute, EarlyStatus, Message
from bot.errors import DeliveryFailed, NotFound
from bot.repositories import dispatch_queue
from bot.services import delivery, dispatch, failed_messages
from bot.services.delivery import Parcel
from bot.services.dispatch import Postman
from bot.services.dispute_resolution import uphold
from bot.services.disputes import open_dispute
from integrations.rasa import BotMessage
from integrations.senders import Outbound, OutboxSender, Receipt
from integrations.twilio_sms import Retry, TwilioSmsSender
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES
from tests.fakes.twilio_api import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    FROM,
    SERVER_ERROR,
    FakeTwilio,
    fake_twilio,
    too_many_requests,
)
from tests.services.conftest import NOW
from tests.services.console_seed import add_collector, seed_account

PHONES = ("+16175550101", "+16175550102")


@dataclass
class Clock:
    """A stopped clock the test moves."""

    instant: datetime = NOW

    def now(self) -> datetime:
        return self.instant


@dataclass
class Flaky(OutboxSender):
    """The outbox provider, failing while ``failing`` (retryable unless ``refuse``)."""

    provider = "twilio"
    failing: bool = False
    refuse: bool = False
    sent: list[Outbound] = field(default_factory=list)
    provider_id: str | None = None

    async def send(self, message: Outbound) -> Receipt:
        if self.failing:
            raise DeliveryFailed("twilio: 500 Internal Server Error", retryable=not self.refuse)
        self.sent.append(message)
        if self.provider_id is not None:
            return Receipt(self.provider_id, "queued")
        return await super().send(message)


def postman(sessions: sessionmaker[Session], clock: Clock, sender: OutboxSender) -> Postman:
    return Postman(sessions, clock, {"sms": sender}, jitter=lambda: 1.0)


def queue(box: Postman, *texts: str, to: str = PHONES[0], automated: bool = False) -> None:
    parcels = [
        Parcel("sms", to, BotMessage(text), f"{to}:{text}", automated=automated) for text in texts
    ]
    asyncio.run(delivery.queue_many(box, parcels))


def states(sessions: sessionmaker[Session]) -> list[tuple[str, str | None]]:
    with sessions() as session:
        rows = session.execute(
            select(Message.body, Message.dispatch_state)
            .where(Message.direction == "out")
            .order_by(Message.id)
        )
        return [(body, state) for body, state in rows]


def run_until_quiet(box: Postman, clock: Clock, step: timedelta, limit: timedelta) -> None:
    """Dispatch passes while the clock moves ``step`` at a time, up to ``limit``."""
    end = clock.instant + limit
    while clock.instant < end:
        asyncio.run(dispatch.dispatch_due(box))
        clock.instant += step


def test_a_queued_message_is_sent_once_by_the_dispatcher_and_stored_done(
    sessions: sessionmaker[Session],
) -> None:
    clock, sender = Clock(), Flaky()
    box = postman(sessions, clock, sender)
    queue(box, "hello")
    assert states(sessions) == [("hello", "pending")]
    assert asyncio.run(dispatch.dispatch_due(box)) == 1
    assert asyncio.run(dispatch.dispatch_due(box)) == 0
    assert [m.text for m in sender.sent] == ["hello"]
    with sessions() as session:
        row = session.scalars(select(Message).where(Message.direction == "out")).one()
    assert (row.dispatch_state, row.provider, row.attempts) == ("done", "twilio", 1)
    assert (row.provider_id or "").startswith("OB")


def test_message_n_plus_1_of_a_conversation_never_leaves_before_n(
    sessions: sessionmaker[Session],
) -> None:
    clock, sender = Clock(), Flaky(failing=True)
    box = postman(sessions, clock, sender)
    queue(box, "one", "two", "three")
    queue(box, "other", to=PHONES[1])
    sender.failing = False
    with sessions() as session, session.begin():
        claimed = dispatch_queue.claim(session, clock.now(), limit=10)
    # the first of each conversation only
    assert [c.body for c in claimed] == ["one", "other"]
    with sessions() as session, session.begin():
        dispatch_queue.release(session, [c.id for c in claimed])
    sender.failing = True
    asyncio.run(dispatch.dispatch_due(box))  # "one" fails: the others of its line wait
    sender.failing = False
    asyncio.run(dispatch.dispatch_due(box))
    assert sender.sent == []
    run_until_quiet(box, clock, timedelta(seconds=5), timedelta(minutes=1))
    assert [m.text for m in sender.sent] == ["one", "other", "two", "three"]


@pytest.fixture(scope="module")
def twilio() -> Iterator[FakeTwilio]:
    with fake_twilio() as fake:
        yield fake


def test_twilio_failing_500_and_429_for_two_minutes_delivers_everything_after_in_order(
    sessions: sessionmaker[Session], twilio: FakeTwilio
) -> None:
    twilio.reset()
    clock = Clock()
    for phone in PHONES:
        queue(
            Postman(sessions, clock, {"sms": Flaky()}),
            *(f"{phone} #{n}" for n in (1, 2, 3)),
            to=phone,
        )

    async def outage_then_calm() -> None:
        sender = TwilioSmsSender(
            ACCOUNT_SID, AUTH_TOKEN, FROM, api_url=twilio.url, retry=Retry(attempts=1)
        )
        box = Postman(sessions, clock, {"sms": sender}, jitter=lambda: 0.5)
        twilio.fail_for(3600, SERVER_ERROR)
        try:
            while clock.instant < NOW + timedelta(minutes=2):  # two minutes of clock time
                if clock.instant >= NOW + timedelta(minutes=1):
                    twilio.fail_for(3600, too_many_requests())
                await dispatch.dispatch_due(box)
                clock.instant += timedelta(seconds=5)
            assert twilio.accepted == []
            twilio.heal()
            while clock.instant < NOW + timedelta(minutes=20):
                await dispatch.dispatch_due(box)
                clock.instant += timedelta(seconds=15)
        finally:
            await sender.aclose()

    asyncio.run(outage_then_calm())
    assert set(twilio.refused) == {500, 429}
    for phone in PHONES:
        bodies = [m["Body"] for m in twilio.accepted if m["To"] == phone]
        assert bodies == [f"{phone} #{n}" for n in (1, 2, 3)]
    assert {state for _, state in states(sessions)} == {"done"}


def test_a_message_that_keeps_failing_is_failed_with_the_reason_after_24_hours(
    sessions: sessionmaker[Session],
) -> None:
    clock, sender = Clock(), Flaky(failing=True)
    box = postman(sessions, clock, sender)
    queue(box, "hello")
    run_until_quiet(box, clock, timedelta(minutes=30), timedelta(hours=23, minutes=30))
    assert states(sessions) == [("hello", "pending")]
    run_until_quiet(box, clock, timedelta(minutes=30), timedelta(hours=1))
    assert states(sessions) == [("hello", "failed")]
    (stuck,) = failed_messages.needing_a_person(sessions)
    assert stuck.error == "twilio: 500 Internal Server Error (still failing after 24 h, given up)"
    assert stuck.attempts > 10


def test_a_refusal_is_failed_at_once_and_a_retry_sends_it_once_audited(
    sessions: sessionmaker[Session],
) -> None:
    clock, sender = Clock(), Flaky(failing=True, refuse=True)
    box = postman(sessions, clock, sender)
    queue(box, "hello")
    asyncio.run(dispatch.dispatch_due(box))
    assert states(sessions) == [("hello", "failed")]
    (stuck,) = failed_messages.needing_a_person(sessions)
    sender.failing = False
    sent = asyncio.run(failed_messages.retry(box, stuck.id, actor="operator", by="cli:ops"))
    assert (sent.state, [m.text for m in sender.sent]) == ("done", ["hello"])
    with pytest.raises(NotFound, match=f"message {stuck.id}"):
        asyncio.run(failed_messages.retry(box, stuck.id, actor="operator"))
    asyncio.run(dispatch.dispatch_due(box))
    assert len(sender.sent) == 1
    with sessions() as session:
        audited = session.scalars(select(AuditEvent).where(AuditEvent.entity == "message")).all()
    assert [(a.action, a.actor) for a in audited] == [("retried", "operator")]


def test_a_discarded_message_is_never_sent_and_the_discard_is_audited(
    sessions: sessionmaker[Session],
) -> None:
    clock, sender = Clock(), Flaky(failing=True, refuse=True)
    box = postman(sessions, clock, sender)
    queue(box, "hello")
    asyncio.run(dispatch.dispatch_due(box))
    (stuck,) = failed_messages.needing_a_person(sessions)
    failed_messages.discard(box, stuck.id, actor="operator", by="cli:ops")
    sender.failing = False
    run_until_quiet(box, clock, timedelta(minutes=5), timedelta(minutes=30))
    assert (states(sessions), sender.sent, failed_messages.needing_a_person(sessions)) == (
        [("hello", "discarded")],
        [],
        [],
    )


def test_an_automated_retry_waits_for_the_customers_contact_window(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        seed_account(session)  # Chicago; contact window 08:00–21:00
    evening = datetime(2026, 11, 22, 20, 59, 58, tzinfo=timezone(timedelta(hours=-6)))
    clock, sender = Clock(evening.astimezone(timezone.utc)), Flaky(failing=True)
    box = postman(sessions, clock, sender)
    queue(box, "reminder", automated=True)
    asyncio.run(dispatch.dispatch_due(box))
    with sessions() as session_:
        retry_at = session_.scalar(select(Message.next_attempt_at))
    assert retry_at == datetime(2026, 11, 23, 14, tzinfo=timezone.utc)  # 08:00 in Chicago


def test_a_message_a_dead_dispatcher_left_sending_is_in_doubt_and_never_resent(
    sessions: sessionmaker[Session],
) -> None:
    clock, sender = Clock(), Flaky()
    box = postman(sessions, clock, sender)
    queue(box, "maybe sent", "after it")
    with sessions() as session, session.begin():  # claimed, handed over, then SIGKILL
        (claimed,) = dispatch_queue.claim(session, clock.now(), limit=10)
    clock.instant += timedelta(minutes=1)
    assert dispatch.settle(box) == []  # within the lease: its dispatcher may be alive
    clock.instant += timedelta(minutes=2)
    assert dispatch.settle(box) == [claimed.id]
    run_until_quiet(box, clock, timedelta(seconds=5), timedelta(minutes=1))
    assert [m.text for m in sender.sent] == ["after it"]
    assert states(sessions) == [("maybe sent", "in_doubt"), ("after it", "done")]
    assert [s.id for s in failed_messages.needing_a_person(sessions)] == [claimed.id]


def test_a_status_callback_before_the_sid_is_stored_is_kept_and_applied_then(
    sessions: sessionmaker[Session],
) -> None:
    clock, sender = Clock(), Flaky(provider_id="SMearly")
    box = postman(sessions, clock, sender)
    queue(box, "hello")
    assert not delivery.record_status(sessions, "twilio", "SMearly", "delivered", now=NOW)
    asyncio.run(dispatch.dispatch_due(box))
    with sessions() as session:
        row = session.scalars(select(Message).where(Message.direction == "out")).one()
        left = session.scalar(select(func.count()).select_from(EarlyStatus))
    assert (row.provider_id, row.delivery_status, left) == ("SMearly", "delivered", 0)


def test_a_dispute_decision_whose_process_dies_after_commit_still_notifies_the_customer(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        seed_account(session)
        (record,) = open_dispute(session, "A-7", "I-2", "damaged", "broken", channel="sms", now=NOW)
        with session.begin():
            dispute_id = session.scalar(
                select(Dispute.id).where(Dispute.reference == record.reference)
            )
        assert dispute_id is not None
        collector = add_collector(session)
        uphold(session, dispute_id, collector, NOW, company="Acme Supply Co.")
    # the process dies here: decisions.send never runs; the next dispatcher finds the notice
    clock, sender = Clock(), Flaky()
    asyncio.run(dispatch.dispatch_due(postman(sessions, clock, sender)))
    (notice,) = sender.sent
    assert record.reference in notice.text
    assert notice.key == f"dispute:{dispute_id}:upheld"


@pytest.fixture
def own_postgres() -> Iterator[sessionmaker[Session]]:
    """A migrated PostgreSQL database of this test's own (it commits), dropped after."""
    admin = create_engine(make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("select 1"))
    except OperationalError as exc:
        if REQUIRE_POSTGRES:
            pytest.fail(f"ARBOT_TEST_REQUIRE_POSTGRES=1 but PostgreSQL is unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc.orig}")
    name = f"arbot_dispatch_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        upgrade(engine)
        yield make_session_factory(engine)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Slow(OutboxSender):
    """The outbox provider taking a millisecond a message."""

    log: list[Outbound]
    sent: list[Outbound] = field(default_factory=list)

    async def send(self, message: Outbound) -> Receipt:
        await asyncio.sleep(0.001)
        self.sent.append(message)
        self.log.append(message)
        return await super().send(message)


@pytest.mark.postgres
def test_two_dispatchers_on_one_postgresql_database_send_each_message_once(
    own_postgres: sessionmaker[Session],
) -> None:
    clock = Clock()
    log: list[Outbound] = []
    first, second = Slow(log), Slow(log)
    boxes = [Postman(own_postgres, clock, {"sms": s}) for s in (first, second)]
    phones = [f"+1617555{n:04d}" for n in range(40)]
    for phone in phones:
        queue(boxes[0], *(f"{phone} #{n}" for n in range(5)), to=phone)

    async def drain(box: Postman) -> None:
        idle = 0
        while idle < 3:
            idle = 0 if await dispatch.dispatch_due(box, batch=20, concurrency=8) else idle + 1
            await asyncio.sleep(0.005)

    async def both() -> None:
        await asyncio.gather(drain(boxes[0]), drain(boxes[1]))

    asyncio.run(both())
    assert len(log) == len({m.key for m in log}) == 200
    assert first.sent, "the first dispatcher took part"
    assert second.sent, "the second dispatcher took part"
    for phone in phones:  # in the order they were queued, whoever sent them
        assert [m.text for m in log if m.address == phone] == [f"{phone} #{n}" for n in range(5)]
    assert {state for _, state in states(own_postgres)} == {"done"}
