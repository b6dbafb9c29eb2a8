"""``arbot outbox`` lists what the development provider accepted; ``arbot user token``."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from bot.container import build_container
from bot.errors import DeliveryFailed
from bot.services import api_tokens, delivery
from bot.services.delivery import Postman
from bot.settings import load_settings
from integrations.rasa import BotMessage, Button
from integrations.senders import Outbound, OutboxSender, Receipt
from tests.cli.runner import NOW, arbot


@pytest.fixture
def migrated(tmp_database: str) -> str:
    assert arbot("db", "upgrade", database=tmp_database).code == 0
    return tmp_database


def send_to_outbox(database: str, address: str, message: BotMessage) -> None:
    wiring = build_container(
        load_settings({"ARBOT_DATABASE_URL": database, "ARBOT_NOW": NOW}, dotenv=None)
    )
    postman = Postman(wiring.sessions, wiring.clock, {"sms": OutboxSender()})
    try:
        asyncio.run(delivery.deliver(postman, "sms", address, message, key=f"t:{address}"))
    finally:
        wiring.engine.dispose()


def test_outbox_lists_the_messages_the_outbox_provider_accepted(migrated: str) -> None:
    send_to_outbox(migrated, "+16175550111", BotMessage("Pay now?", (Button("Yes", "/affirm"),)))
    send_to_outbox(migrated, "+16175550122", BotMessage("Hello"))

    listed = arbot("outbox", "--json", database=migrated)
    only_one = arbot("outbox", "--to", "+16175550122", database=migrated)

    assert listed.code == 0, listed.err
    assert [(m["to"], m["text"]) for m in listed.json()] == [
        ("+16175550111", "Pay now?\n1) Yes\nReply 1"),
        ("+16175550122", "Hello"),
    ]
    assert "+16175550122" in only_one.out
    assert "+16175550111" not in only_one.out


def test_an_empty_outbox_says_so(migrated: str) -> None:
    result = arbot("outbox", database=migrated)
    assert result.code == 0
    assert "the outbox is empty" in result.out


def test_user_token_prints_a_token_that_authenticates_its_user(migrated: str) -> None:
    arbot("user", "add", "ana@example.com", "--role", "collector", database=migrated)

    result = arbot("user", "token", "ana@example.com", database=migrated)

    assert result.code == 0, result.err
    token = result.out.split()[1]
    wiring = build_container(load_settings({"ARBOT_DATABASE_URL": migrated}, dotenv=None))
    try:
        with wiring.sessions() as session:
            caller = api_tokens.authenticate(session, token)
    finally:
        wiring.engine.dispose()
    assert caller is not None
    assert (caller.email, caller.role) == ("ana@example.com", "collector")


def test_user_token_for_an_unknown_user_names_the_email(migrated: str) -> None:
    result = arbot("user", "token", "nobody@example.com", database=migrated)
    assert result.code == 1
    assert "email" in result.err


def test_timestamps_in_the_outbox_are_utc(migrated: str) -> None:
    send_to_outbox(migrated, "+16175550133", BotMessage("Hi"))
    (row,) = arbot("outbox", "--json", database=migrated).json()
    assert datetime.fromisoformat(row["created_at"]) == datetime.fromisoformat(NOW)


def fail_once(database: str, address: str, text: str) -> int:
    """A message to ``address`` the provider refused; its id."""

    class Refusing(OutboxSender):
        provider = "twilio"

        async def send(self, message: Outbound) -> Receipt:
            raise DeliveryFailed("twilio: 21211 invalid To", retryable=False)

    wiring = build_container(
        load_settings({"ARBOT_DATABASE_URL": database, "ARBOT_NOW": NOW}, dotenv=None)
    )
    postman = Postman(wiring.sessions, wiring.clock, {"sms": Refusing()})
    try:
        sent = asyncio.run(delivery.deliver(postman, "sms", address, BotMessage(text), key=text))
    finally:
        wiring.engine.dispose()
    assert sent.status == "failed"
    assert sent.message_id is not None
    return sent.message_id


def test_outbox_failed_lists_a_refused_message_with_its_reason(migrated: str) -> None:
    message_id = fail_once(migrated, "+16175550133", "Your balance is $10.00.")

    listed = arbot("outbox", "--failed", "--json", database=migrated)
    shown = arbot("outbox", "--failed", database=migrated)

    assert listed.code == 0, listed.err
    (row,) = listed.json()
    assert (row["id"], row["state"], row["to"]) == (message_id, "failed", "+16175550133")
    assert row["error"] == "twilio: 21211 invalid To"
    assert "twilio: 21211 invalid To" in shown.out


def test_outbox_retry_sends_a_failed_message_once_and_discard_gives_one_up(migrated: str) -> None:
    retried = fail_once(migrated, "+16175550144", "first")
    discarded = fail_once(migrated, "+16175550155", "second")

    sent = arbot("outbox", "--retry", str(retried), "--by", "ops", database=migrated)
    again = arbot("outbox", "--retry", str(retried), database=migrated)
    dropped = arbot("outbox", "--discard", str(discarded), database=migrated)

    assert (sent.code, again.code, dropped.code) == (0, 1, 0), (sent.err, again.err, dropped.err)
    assert f"message {retried} sent" in sent.out
    assert f"message {retried} is not failed or in doubt" in again.err
    assert arbot("outbox", "--failed", "--json", database=migrated).json() == []
    assert [m["text"] for m in arbot("outbox", "--json", database=migrated).json()] == ["first"]


def test_outbox_takes_one_of_failed_retry_and_discard(migrated: str) -> None:
    both = arbot("outbox", "--failed", "--retry", "1", database=migrated)
    assert both.code == 2
    assert "give one of them" in both.err
