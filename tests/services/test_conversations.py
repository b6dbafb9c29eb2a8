"""The transcript and what an inbound message tells the gateway, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Account, Conversation, Escalation, Message, User
from bot.services.conversations import record_inbound, record_replies
from tests.services.conftest import NOW, PHONE, Seeded


def _bodies(session: Session) -> list[tuple[int | None, str, str]]:
    with session.begin():
        rows = session.execute(
            select(Message.conversation_id, Message.direction, Message.body).order_by(Message.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_a_message_and_its_replies_share_one_conversation(session: Session, seeded: Seeded) -> None:
    inbound = record_inbound(session, "sms", PHONE, "hi", now=NOW)
    record_replies(session, inbound.conversation_id, ["Hello!", "How can I help?"], now=NOW)
    assert _bodies(session) == [
        (inbound.conversation_id, "in", "hi"),
        (inbound.conversation_id, "out", "Hello!"),
        (inbound.conversation_id, "out", "How can I help?"),
    ]


def test_a_provider_retry_is_recorded_once(session: Session, seeded: Seeded) -> None:
    first = record_inbound(session, "sms", PHONE, "hi", now=NOW, provider_id="SM1")
    again = record_inbound(session, "sms", PHONE, "hi", now=NOW, provider_id="SM1")
    assert (first.duplicate, again.duplicate, again.id) == (False, True, first.id)
    assert len(_bodies(session)) == 1


def test_the_first_message_of_a_consumer_asks_for_the_disclosure(
    session: Session, seeded: Seeded
) -> None:
    with session.begin():
        account = session.get(Account, seeded.account_id)
        assert account is not None
        account.consumer = True
    first = record_inbound(session, "sms", PHONE, "hi", now=NOW)
    assert first.disclose
    record_replies(session, first.conversation_id, ["Hello"], now=NOW)
    assert not record_inbound(session, "sms", PHONE, "ok", now=NOW).disclose
    assert not record_inbound(session, "sms", "+15550000000", "hi", now=NOW).disclose


def test_an_idle_conversation_ends_and_a_new_one_starts(session: Session, seeded: Seeded) -> None:
    first = record_inbound(session, "sms", PHONE, "hi", now=NOW)
    later = record_inbound(session, "sms", PHONE, "hi again", now=NOW + timedelta(minutes=31))
    assert later.conversation_id != first.conversation_id
    with session.begin():
        ended = session.get(Conversation, first.conversation_id)
        assert ended is not None
        assert ended.ended_at == NOW


def test_a_claimed_conversation_has_its_owner_and_does_not_time_out(
    session: Session, seeded: Seeded
) -> None:
    first = record_inbound(session, "sms", PHONE, "a person please", now=NOW)
    with session.begin():
        user = User(email="c@example.com", password_hash="x", role="collector", created_at=NOW)
        session.add(user)
        session.flush()
        session.add(
            Escalation(
                account_id=seeded.account_id,
                conversation_id=first.conversation_id,
                reason="customer_request",
                status="claimed",
                assigned_to=user.id,
                created_at=NOW,
                claimed_at=NOW,
            )
        )
    later = record_inbound(session, "sms", PHONE, "still there?", now=NOW + timedelta(hours=2))
    assert (later.conversation_id, later.owner) == (first.conversation_id, user.id)
