"""What came of a reminder (SPEC §6: each attempt logged with its delivery status and
outcome): the provider's receipts, until the customer writes back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.services import conversations
from bot.services.delivery import record_status
from tests.services.reminder_portfolio import NOW, add_account, attempts, phone, run


def sent_attempt(sessions: sessionmaker[Session], account: int) -> tuple[str | None, str | None]:
    (attempt,) = [a for a in attempts(sessions, account) if a.status == "sent"]
    return attempt.delivery_status, attempt.outcome


def provider_id_of(sessions: sessionmaker[Session], account: int) -> str:
    (attempt,) = [a for a in attempts(sessions, account) if a.status == "sent"]
    assert attempt.provider_id is not None
    return attempt.provider_id


def customer_writes(sessions: sessionmaker[Session], number: str, hours: float) -> None:
    with sessions() as session:
        conversations.record_inbound(
            session, "sms", phone(number), "ok", now=NOW + timedelta(hours=hours)
        )


def test_a_sent_reminder_takes_its_receipt_as_outcome(sessions: sessionmaker[Session]) -> None:
    account = add_account(sessions, "R-1", [("I-1", -1, "250.00")])

    run(sessions)

    assert sent_attempt(sessions, account) == ("delivered", "delivered")


def test_a_later_status_callback_updates_the_attempt(sessions: sessionmaker[Session]) -> None:
    account = add_account(sessions, "R-1", [("I-1", -1, "250.00")])
    run(sessions)

    assert record_status(sessions, "outbox", provider_id_of(sessions, account), "undelivered")

    assert sent_attempt(sessions, account) == ("undelivered", "undelivered")


def test_an_answer_within_three_days_makes_the_outcome_replied(
    sessions: sessionmaker[Session],
) -> None:
    account = add_account(sessions, "R-1", [("I-1", -1, "250.00")])
    other = add_account(sessions, "R-2", [("I-2", -1, "250.00")])
    run(sessions)

    customer_writes(sessions, "R-1", hours=30)
    record_status(sessions, "outbox", provider_id_of(sessions, account), "delivered")

    assert sent_attempt(sessions, account) == ("delivered", "replied")
    assert sent_attempt(sessions, other) == ("delivered", "delivered")


def test_an_answer_after_three_days_is_not_the_reminders_outcome(
    sessions: sessionmaker[Session],
) -> None:
    account = add_account(sessions, "R-1", [("I-1", -1, "250.00")])
    run(sessions)

    customer_writes(sessions, "R-1", hours=73)

    assert sent_attempt(sessions, account) == ("delivered", "delivered")
