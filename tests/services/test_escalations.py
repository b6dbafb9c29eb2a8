"""Escalations and who owns a conversation, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.db.models import Conversation, Escalation, User
from bot.errors import InputError
from bot.services.conversations import record_inbound
from bot.services.escalations import escalate, owner_of
from tests.services.conftest import NOW, PHONE, Seeded


def _escalate(session: Session, reason: str = "customer_request", **kwargs: str) -> int:
    return escalate(session, reason, channel="sms", address=PHONE, now=NOW, **kwargs).id


def test_an_escalation_follows_the_customer_into_their_conversation(
    session: Session, seeded: Seeded
) -> None:
    message = record_inbound(session, "sms", PHONE, "let me talk to a person", now=NOW)
    escalation = session.get(Escalation, _escalate(session, account_number="A-7"))
    assert escalation is not None
    assert (escalation.reason, escalation.status) == ("customer_request", "open")
    assert (escalation.account_id, escalation.conversation_id) == (
        seeded.account_id,
        message.conversation_id,
    )
    conversation = session.get(Conversation, message.conversation_id)
    assert conversation is not None
    assert conversation.escalated


def test_the_same_open_case_is_not_queued_twice(session: Session, seeded: Seeded) -> None:
    assert _escalate(session, account_number="A-7") == _escalate(session, account_number="A-7")
    assert _escalate(session, "hardship", account_number="A-7") != _escalate(
        session, account_number="A-7"
    )


def test_a_sender_without_an_account_is_still_queued(session: Session) -> None:
    escalation = session.get(Escalation, _escalate(session, "fallback"))
    assert escalation is not None
    assert (escalation.account_id, escalation.channel, escalation.address) == (None, "sms", PHONE)


def test_the_collector_who_claimed_the_conversation_owns_it(
    session: Session, seeded: Seeded
) -> None:
    record_inbound(session, "sms", PHONE, "a person please", now=NOW)
    escalation_id = _escalate(session, account_number="A-7")
    assert owner_of(session, "sms", PHONE) is None
    with session.begin():
        user = User(email="c@example.com", password_hash="x", role="collector", created_at=NOW)
        session.add(user)
        session.flush()
        escalation = session.get(Escalation, escalation_id)
        assert escalation is not None
        escalation.status, escalation.assigned_to, escalation.claimed_at = "claimed", user.id, NOW
    assert owner_of(session, "sms", PHONE) == user.id
    assert owner_of(session, "telegram", "555") is None


def test_an_unknown_reason_is_refused_by_name(session: Session) -> None:
    with pytest.raises(InputError, match="^reason: 'bored'"):
        _escalate(session, "bored")
