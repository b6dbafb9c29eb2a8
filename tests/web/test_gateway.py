"""The gateway's web chat channel: transcript, takeover, disclosure, Rasa down, bad input."""

from __future__ import annotations

import pytest

from bot.services.chat import TROUBLE_REPLY, disclosure
from integrations.rasa import BotMessage, Button
from tests.web.conftest import Gateway

PHONE = "+16175550101"
DISCLOSURE = disclosure("Acme Supply Co.")


def test_a_message_is_answered_in_the_json_of_rasas_rest_channel(gateway: Gateway) -> None:
    gateway.dialogue.replies = [
        BotMessage("Hi! How can I help?"),
        BotMessage("Pick one", (Button("Balance", "/check_balance"), Button("Pay", "/pay_now"))),
    ]
    assert gateway.chat(PHONE, "hi") == [
        {"recipient_id": PHONE, "text": "Hi! How can I help?"},
        {
            "recipient_id": PHONE,
            "text": "Pick one",
            "buttons": [
                {"title": "Balance", "payload": "/check_balance"},
                {"title": "Pay", "payload": "/pay_now"},
            ],
        },
    ]


def test_rasa_gets_the_channel_prefixed_sender_and_the_channel_metadata(
    gateway: Gateway,
) -> None:
    gateway.chat(f" {PHONE} ", "how much do I owe")
    assert gateway.dialogue.calls == [
        (
            f"web:{PHONE}",
            "how much do I owe",
            {"channel": "web", "address": PHONE, "language": "en"},
        )
    ]


def test_inbound_and_outbound_are_recorded_once_each(gateway: Gateway) -> None:
    gateway.dialogue.replies = [BotMessage("Pick", (Button("Yes", "/affirm"),))]
    gateway.chat(PHONE, "hi")
    assert gateway.transcript(PHONE) == [
        ("in", "customer", "hi"),
        ("out", "bot", "Pick\n1) Yes\nReply 1"),
    ]


def test_rasa_down_gets_a_try_again_reply_and_the_message_is_kept(gateway: Gateway) -> None:
    gateway.dialogue.down = True
    replies = gateway.chat(PHONE, "I want to pay")
    assert replies == [{"recipient_id": PHONE, "text": TROUBLE_REPLY}]
    assert gateway.transcript(PHONE) == [
        ("in", "customer", "I want to pay"),
        ("out", "bot", TROUBLE_REPLY),
    ]


def test_an_empty_answer_from_rasa_gets_the_try_again_reply(gateway: Gateway) -> None:
    gateway.dialogue.replies = []  # what Rasa's REST channel answers when an action failed
    replies = gateway.chat(PHONE, "my postal code is 90012")
    assert replies == [{"recipient_id": PHONE, "text": TROUBLE_REPLY}]
    assert gateway.transcript(PHONE)[-1] == ("out", "bot", TROUBLE_REPLY)


def test_a_consumer_gets_the_disclosure_on_the_first_reply_only(gateway: Gateway) -> None:
    gateway.add_account("C-1", PHONE, consumer=True)
    gateway.dialogue.replies = [BotMessage("Hello!"), BotMessage("How can I help?")]
    first = gateway.chat(PHONE, "hi")
    second = gateway.chat(PHONE, "hello again")
    assert [r["text"] for r in first] == [f"{DISCLOSURE}\nHello!", "How can I help?"]
    assert [r["text"] for r in second] == ["Hello!", "How can I help?"]
    assert gateway.transcript(PHONE)[1] == ("out", "bot", f"{DISCLOSURE}\nHello!")


def test_a_consumer_hears_the_disclosure_even_when_rasa_is_down(gateway: Gateway) -> None:
    gateway.add_account("C-1", PHONE, consumer=True)
    gateway.dialogue.down = True
    assert gateway.chat(PHONE, "hi")[0]["text"] == f"{DISCLOSURE}\n{TROUBLE_REPLY}"


@pytest.mark.parametrize("consumer", [False, None], ids=["business", "unknown sender"])
def test_no_disclosure_for_a_business_or_an_unknown_sender(
    gateway: Gateway, consumer: bool | None
) -> None:
    if consumer is not None:
        gateway.add_account("B-1", PHONE, consumer=consumer)
    assert [r["text"] for r in gateway.chat(PHONE, "hi")] == ["Hi! How can I help?"]


def test_a_long_message_is_cut_at_1600_characters(gateway: Gateway) -> None:
    gateway.chat(PHONE, "x" * 2000)
    assert gateway.dialogue.calls[0][1] == "x" * 1600
    assert gateway.transcript(PHONE)[0] == ("in", "customer", "x" * 1600)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([], "body"),
        ("hi", "body"),
        ({"message": "hi"}, "sender"),
        ({"sender": "   ", "message": "hi"}, "sender"),
        ({"sender": 16175550101, "message": "hi"}, "sender"),
        ({"sender": PHONE}, "message"),
        ({"sender": PHONE, "message": 42}, "message"),
        ({"sender": PHONE, "message": None}, "message"),
    ],
)
def test_bad_input_is_400_naming_the_field(gateway: Gateway, body: object, field: str) -> None:
    response = gateway.post(body)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["error"].startswith(f"{field}: ")
    assert gateway.dialogue.calls == []


def test_a_body_that_is_not_json_is_400_naming_the_body(gateway: Gateway) -> None:
    response = gateway.post(content=b"sender=+16175550101&message=hi")
    assert response.status_code == 400
    assert response.json()["field"] == "body"


def test_the_bot_is_silent_while_a_collector_owns_the_conversation(gateway: Gateway) -> None:
    gateway.add_account("A-1", PHONE, consumer=False)
    gateway.chat(PHONE, "i want a person")
    gateway.claim(PHONE)
    gateway.dialogue.calls.clear()

    assert gateway.chat(PHONE, "hello? anyone there") == []

    assert gateway.dialogue.calls == []
    assert gateway.transcript(PHONE)[-1] == ("in", "customer", "hello? anyone there")
