"""``arbot outbox`` lists what the development provider accepted; ``arbot user token``."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from bot.container import build_container
from bot.services import api_tokens, delivery
from bot.services.delivery import Postman
from bot.settings import load_settings
from integrations.rasa import BotMessage, Button
from integrations.senders import OutboxSender
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
