"""A scheduler pass writes to a Spanish account in Spanish (SPEC §14): the message that
goes out ends with "Responda PARAR para no recibir más mensajes."."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Account
from tests.services.reminder_portfolio import add_account, attempts, messages_to, phone, run


def test_a_spanish_account_gets_its_sms_reminder_in_spanish_with_the_parar_footer(
    sessions: sessionmaker[Session],
) -> None:
    account_id = add_account(sessions, "R-1", [("I-1", -1, "250.00")])
    with sessions() as session, session.begin():
        account = session.get(Account, account_id)
        assert account is not None
        account.language = "es"

    summary = run(sessions)

    assert (summary.sent, summary.failed) == (1, 0)
    (attempt,) = attempts(sessions, account_id)
    assert (attempt.status, attempt.channel) == ("sent", "sms")
    (message,) = messages_to(sessions, phone("R-1"))
    assert "$250.00" in message.body
    assert "vencido" in message.body
    assert message.body.endswith("\nResponda PARAR para no recibir más mensajes.")
    assert "Reply STOP" not in message.body


def test_an_english_account_keeps_the_english_footer(sessions: sessionmaker[Session]) -> None:
    add_account(sessions, "R-1", [("I-1", -1, "250.00")])
    run(sessions)
    (message,) = messages_to(sessions, phone("R-1"))
    assert message.body.endswith("\nReply STOP to opt out")
