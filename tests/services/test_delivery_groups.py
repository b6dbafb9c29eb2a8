"""Recording a group of messages with set-based statements: the rules of one message."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FixedClock
from bot.db.models import (
    Account,
    AuditEvent,
    Contact,
    ContactPreference,
    Conversation,
    Escalation,
    Message,
    User,
)
from bot.repositories import messages
from bot.services.delivery import Delivered, Parcel, Postman, deliver_many
from integrations.rasa import BotMessage
from integrations.senders import OutboxSender

NOW = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)
NEW = "+16175550010"  # on file for A-1, never written to
IDLE = "+16175550011"  # a conversation idle for two hours
CLAIMED = "+16175550012"  # idle too, but a collector claimed it
OPEN = "+16175550013"  # a conversation five minutes old, started before A-4 was on file
OPTED_OUT = "+16175550014"
CEASE = "+16175550015"
STRANGER = "+16175550016"  # nobody has it on file


def add_account(session: Session, number: str, phone: str, **preference: bool) -> int:
    account = Account(
        account_number=number, name=number, postal_code="02110", created_at=NOW, updated_at=NOW
    )
    session.add(account)
    session.flush()
    session.add(Contact(account_id=account.id, channel="sms", address=phone))
    if preference:
        flags = {"sms_opt_out": False, "telegram_opt_out": False, "cease": False} | preference
        session.add(
            ContactPreference(account_id=account.id, sms_consent=True, updated_at=NOW, **flags)
        )
    return account.id


def add_conversation(session: Session, phone: str, last: datetime) -> int:
    conversation = Conversation(
        channel="sms", sender=phone, started_at=last, last_message_at=last, escalated=False
    )
    session.add(conversation)
    session.flush()
    return conversation.id


def claim(session: Session, conversation_id: int) -> None:
    user = User(email="c@example.com", password_hash="x", role="collector", created_at=NOW)
    session.add(user)
    session.flush()
    session.add(
        Escalation(
            conversation_id=conversation_id,
            reason="customer_request",
            status="claimed",
            assigned_to=user.id,
            created_at=NOW,
            claimed_at=NOW,
        )  # fmt: skip
    )


def parcel(
    address: str, key: str, *, automated: bool = True, reply_to: int | None = None
) -> Parcel:
    message = BotMessage(f"to {address}")
    return Parcel("sms", address, message, key, conversation_id=reply_to, automated=automated)


def send(sessions: sessionmaker[Session], parcels: list[Parcel]) -> list[Delivered]:
    postman = Postman(sessions, FixedClock(NOW), {"sms": OutboxSender()})
    return asyncio.run(deliver_many(postman, parcels, concurrency=4))


def conversation_of(sessions: sessionmaker[Session], message_id: int | None) -> Conversation:
    with sessions() as session:
        message = session.get(Message, message_id)
        assert message is not None
        conversation = session.get(Conversation, message.conversation_id)
        assert conversation is not None
        return conversation


def test_a_mixed_group_is_held_recognised_and_recorded_in_the_right_conversations(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session, session.begin():
        a1 = add_account(session, "A-1", NEW)
        add_account(session, "A-2", OPTED_OUT, sms_opt_out=True)
        add_account(session, "A-3", CEASE, cease=True)
        idle = add_conversation(session, IDLE, NOW - timedelta(hours=2))
        claimed = add_conversation(session, CLAIMED, NOW - timedelta(hours=2))
        claim(session, claimed)
        open_ = add_conversation(session, OPEN, NOW - timedelta(minutes=5))
        a4 = add_account(session, "A-4", OPEN)
    (before,) = send(sessions, [parcel(STRANGER, "k-dup")])

    results = send(
        sessions,
        [
            parcel(NEW, "k-new"),
            parcel(IDLE, "k-idle"),
            parcel(CLAIMED, "k-claimed"),
            parcel(OPEN, "k-open"),
            parcel(OPTED_OUT, "k-opted-out"),
            parcel(CEASE, "k-cease"),
            parcel(STRANGER, "k-dup"),
            parcel(OPTED_OUT, "k-answer", automated=False),  # asked for: not held
            parcel(IDLE, "k-reply", automated=False, reply_to=idle),
        ],
    )

    assert [(r.status, r.reason, r.duplicate) for r in results] == [
        ("delivered", None, False),
        ("delivered", None, False),
        ("delivered", None, False),
        ("delivered", None, False),
        ("held", "opted_out", False),
        ("held", "cease", False),
        ("duplicate", None, True),
        ("delivered", None, False),
        ("delivered", None, False),
    ]
    assert results[6].message_id == before.message_id
    started = conversation_of(sessions, results[0].message_id)
    assert (started.account_id, started.started_at, started.ended_at) == (a1, NOW, None)
    renewed = conversation_of(sessions, results[1].message_id)
    assert renewed.id != idle
    assert renewed.last_message_at == NOW
    assert conversation_of(sessions, results[2].message_id).id == claimed
    kept = conversation_of(sessions, results[3].message_id)
    assert (kept.id, kept.account_id, kept.last_message_at) == (open_, a4, NOW)
    assert conversation_of(sessions, results[8].message_id).id == idle
    with sessions() as session:
        ended = session.get(Conversation, idle)
        assert ended is not None
        assert ended.ended_at == NOW - timedelta(hours=2)
        events = session.execute(
            select(AuditEvent.entity_id, AuditEvent.action).where(
                AuditEvent.entity == "conversation"
            )
        ).all()
        keys = session.scalars(select(Message.idempotency_key).order_by(Message.id)).all()
    assert (str(idle), "ended") in events
    assert (str(renewed.id), "started") in events
    assert (str(started.id), "started") in events
    assert keys == [
        "k-dup", "k-new", "k-idle", "k-claimed", "k-open", "k-answer", "k-reply"
    ]  # fmt: skip


def test_a_key_taken_between_the_check_and_the_insert_is_recorded_one_by_one(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    (first,) = send(sessions, [parcel(NEW, "k-1")])
    monkeypatch.setattr(messages, "by_keys", lambda session, keys: {})  # the check misses it

    results = send(sessions, [parcel(IDLE, "k-2"), parcel(NEW, "k-1")])

    assert [(r.status, r.duplicate) for r in results] == [("delivered", False), ("duplicate", True)]
    assert results[1].message_id == first.message_id
    with sessions() as session:
        counted = session.execute(
            select(Conversation.sender, func.count()).group_by(Conversation.sender)
        ).all()
        keys = session.scalars(select(Message.idempotency_key).order_by(Message.id)).all()
    assert sorted(tuple(row) for row in counted) == [(NEW, 1), (IDLE, 1)]
    assert keys == ["k-1", "k-2"]


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def test_a_group_costs_the_same_statements_whatever_its_size(
    sessions: sessionmaker[Session], statements: list[str]
) -> None:
    send(sessions, [parcel(f"+1617555{i:04}", f"a-{i}") for i in range(2)])
    small = len(statements)
    statements.clear()

    send(sessions, [parcel(f"+1617556{i:04}", f"b-{i}") for i in range(32)])

    assert len(statements) == small, "\n".join(s[:90] for s in statements)
