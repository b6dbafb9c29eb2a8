"""The Twilio SMS sender: the real twilio library against a local fake of the Messages API."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FixedClock
from bot.db.models import Message
from bot.errors import ConfigError, DeliveryFailed
from bot.policy.sms_text import SMS_MAX_CHARS
from bot.services.delivery import Delivered, Postman, deliver
from bot.settings import load_settings
from integrations.providers import build_senders
from integrations.rasa import BotMessage, Button
from integrations.senders import Outbound, Receipt
from integrations.twilio_sms import Retry, TwilioSmsSender
from tests.asgi_server import free_port
from tests.fakes.twilio_api import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    BAD_GATEWAY,
    FROM,
    INVALID_TO,
    SERVER_ERROR,
    FakeTwilio,
    fake_twilio,
    too_many_requests,
)

PHONE = "+16175550101"
NOW = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)
RETRY = Retry(attempts=3, backoff=0.25, max_delay=5.0)


@dataclass
class Waits:
    """Stands in for asyncio.sleep: remembers each wait instead of waiting."""

    seconds: list[float] = field(default_factory=list)

    async def __call__(self, delay: float) -> None:
        self.seconds.append(delay)


@pytest.fixture(scope="module")
def served() -> Iterator[FakeTwilio]:
    with fake_twilio() as fake:
        yield fake


@pytest.fixture
def twilio(served: FakeTwilio) -> FakeTwilio:
    served.reset()
    return served


def make_sender(api_url: str, waits: Waits, *, sender: str = FROM) -> TwilioSmsSender:
    return TwilioSmsSender(
        ACCOUNT_SID,
        AUTH_TOKEN,
        sender,
        status_callback="https://arbot.example.com/webhooks/twilio/status",
        api_url=api_url,
        retry=RETRY,
        sleep=waits,
    )


def send(sender: TwilioSmsSender, message: Outbound) -> Receipt:
    async def run() -> Receipt:
        try:
            return await sender.send(message)
        finally:
            await sender.aclose()

    return asyncio.run(run())


def deliver_one(sessions: sessionmaker[Session], sender: TwilioSmsSender, text: str) -> Delivered:
    postman = Postman(sessions, FixedClock(NOW), {"sms": sender})

    async def run() -> Delivered:
        try:
            return await deliver(postman, "sms", PHONE, BotMessage(text), key="test:1")
        finally:
            await sender.aclose()

    return asyncio.run(run())


def sms_rows(sessions: sessionmaker[Session]) -> list[tuple[str | None, str | None, str | None]]:
    """(delivery status, provider id, error) of every SMS message to PHONE."""
    with sessions() as session:
        rows = session.execute(
            select(Message.delivery_status, Message.provider_id, Message.error)
            .where(Message.channel == "sms", Message.address == PHONE)
            .order_by(Message.id)
        ).all()
    return [tuple(row) for row in rows]


def test_a_message_is_sent_with_to_from_body_callback_and_the_accounts_credentials(
    twilio: FakeTwilio,
) -> None:
    settings = load_settings(
        {
            "ARBOT_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "ARBOT_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "ARBOT_TWILIO_FROM": FROM,
            "ARBOT_TWILIO_API_URL": twilio.url,
            "ARBOT_PUBLIC_URL": "https://arbot.example.com/",
        },
        dotenv=None,
    )
    receipt = send(TwilioSmsSender.from_settings(settings), Outbound("sms", PHONE, "Hello"))
    assert twilio.accepted == [
        {
            "To": PHONE,
            "From": FROM,
            "Body": "Hello",
            "StatusCallback": "https://arbot.example.com/webhooks/twilio/status",
            "Sid": receipt.provider_id,
        }
    ]
    assert receipt.status == "queued"
    assert receipt.provider_id.startswith("SM")


def test_a_messaging_service_sid_is_sent_as_the_messaging_service(twilio: FakeTwilio) -> None:
    service = "MG" + "1" * 32
    send(make_sender(twilio.url, Waits(), sender=service), Outbound("sms", PHONE, "Hi"))
    assert twilio.accepted[0]["MessagingServiceSid"] == service
    assert "From" not in twilio.accepted[0]


def test_buttons_are_sent_as_numbered_options(twilio: FakeTwilio) -> None:
    buttons = (Button("Balance", "/check_balance"), Button("Pay", "/pay_now"))
    send(make_sender(twilio.url, Waits()), Outbound("sms", PHONE, "Pick one", buttons))
    assert twilio.bodies() == ["Pick one\n1) Balance\n2) Pay\nReply 1 or 2"]


def test_a_5000_character_text_goes_as_parts_of_at_most_1600_and_the_first_is_the_receipt(
    twilio: FakeTwilio,
) -> None:
    text = " ".join(f"Sentence number {n} of the long answer." for n in range(200))[:5000]
    receipt = send(make_sender(twilio.url, Waits()), Outbound("sms", PHONE, text))
    bodies = twilio.bodies()
    assert len(bodies) == 4
    assert all(len(body) <= SMS_MAX_CHARS for body in bodies)
    assert " ".join(bodies).split() == text.split()
    assert receipt.provider_id == twilio.accepted[0]["Sid"]


def test_two_server_errors_then_success_send_one_message_recorded_once(
    twilio: FakeTwilio, sessions: sessionmaker[Session]
) -> None:
    twilio.fail(SERVER_ERROR, SERVER_ERROR)
    waits = Waits()
    delivered = deliver_one(sessions, make_sender(twilio.url, waits), "Your balance is due")
    assert twilio.requests == 3
    assert len(twilio.accepted) == 1
    assert waits.seconds == [0.25, 0.5]
    assert delivered.status == "queued"
    assert sms_rows(sessions) == [("queued", twilio.accepted[0]["Sid"], None)]


def test_the_retry_after_of_a_429_is_waited_before_the_next_try(twilio: FakeTwilio) -> None:
    twilio.fail(too_many_requests("3"))
    waits = Waits()
    send(make_sender(twilio.url, waits), Outbound("sms", PHONE, "Hi"))
    assert waits.seconds == [3.0]
    assert len(twilio.accepted) == 1


def test_a_retry_after_beyond_the_longest_wait_fails_retryable_without_waiting(
    twilio: FakeTwilio,
) -> None:
    twilio.fail(too_many_requests("60"))
    waits = Waits()
    with pytest.raises(DeliveryFailed, match="HTTP 429") as failed:
        send(make_sender(twilio.url, waits), Outbound("sms", PHONE, "Hi"))
    assert failed.value.retryable
    assert (twilio.requests, waits.seconds) == (1, [])


def test_a_400_is_not_retried_and_the_message_row_is_failed(
    twilio: FakeTwilio, sessions: sessionmaker[Session]
) -> None:
    twilio.fail(INVALID_TO)
    delivered = deliver_one(sessions, make_sender(twilio.url, Waits()), "Hi")
    assert twilio.requests == 1
    assert delivered.status == "failed"
    [(status, provider_id, error)] = sms_rows(sessions)
    assert (status, provider_id) == ("failed", None)
    assert error is not None
    assert "21211" in error


def test_a_400_is_a_delivery_failure_that_is_not_retryable(twilio: FakeTwilio) -> None:
    twilio.fail(INVALID_TO)
    with pytest.raises(DeliveryFailed, match="error 21211") as failed:
        send(make_sender(twilio.url, Waits()), Outbound("sms", PHONE, "Hi"))
    assert not failed.value.retryable


def test_wrong_credentials_are_a_refusal_that_is_not_retried(twilio: FakeTwilio) -> None:
    sender = TwilioSmsSender(ACCOUNT_SID, "wrong-token", FROM, api_url=twilio.url, retry=RETRY)
    with pytest.raises(DeliveryFailed, match="HTTP 401") as failed:
        send(sender, Outbound("sms", PHONE, "Hi"))
    assert not failed.value.retryable
    assert twilio.requests == 1


def test_server_errors_on_every_try_end_in_a_retryable_failure(twilio: FakeTwilio) -> None:
    twilio.fail(SERVER_ERROR, SERVER_ERROR, SERVER_ERROR)
    with pytest.raises(DeliveryFailed, match="HTTP 500") as failed:
        send(make_sender(twilio.url, Waits()), Outbound("sms", PHONE, "Hi"))
    assert failed.value.retryable
    assert (twilio.requests, twilio.accepted) == (3, [])


def test_a_gateway_error_is_not_retried_since_twilio_may_have_taken_the_message(
    twilio: FakeTwilio,
) -> None:
    twilio.fail(BAD_GATEWAY)
    with pytest.raises(DeliveryFailed, match="outcome unknown") as failed:
        send(make_sender(twilio.url, Waits()), Outbound("sms", PHONE, "Hi"))
    assert not failed.value.retryable
    assert twilio.requests == 1


def test_an_unreachable_api_is_tried_again_then_a_retryable_failure() -> None:
    waits = Waits()
    sender = make_sender(f"http://127.0.0.1:{free_port()}", waits)
    with pytest.raises(DeliveryFailed, match="unreachable") as failed:
        send(sender, Outbound("sms", PHONE, "Hi"))
    assert failed.value.retryable
    assert waits.seconds == [0.25, 0.5]


def test_a_later_part_refused_is_not_retryable_and_names_the_part_that_went_out(
    twilio: FakeTwilio,
) -> None:
    twilio.fail(None, INVALID_TO)
    with pytest.raises(DeliveryFailed, match="part 2 of 2") as failed:
        send(make_sender(twilio.url, Waits()), Outbound("sms", PHONE, "word " * 400))
    assert not failed.value.retryable
    assert twilio.accepted[0]["Sid"] in str(failed.value)


def test_missing_twilio_settings_are_named() -> None:
    with pytest.raises(ConfigError) as missing:
        TwilioSmsSender.from_settings(load_settings({}, dotenv=None))
    assert str(missing.value).startswith(
        "ARBOT_TWILIO_ACCOUNT_SID, ARBOT_TWILIO_AUTH_TOKEN, ARBOT_TWILIO_FROM:"
    )


def test_the_sms_provider_twilio_builds_the_twilio_sender() -> None:
    settings = load_settings(
        {
            "ARBOT_SMS_PROVIDER": "twilio",
            "ARBOT_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "ARBOT_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "ARBOT_TWILIO_FROM": FROM,
        },
        dotenv=None,
    )
    sender = build_senders(settings)["sms"]
    asyncio.run(sender.aclose())
    assert isinstance(sender, TwilioSmsSender)
    assert sender.provider == "twilio"
