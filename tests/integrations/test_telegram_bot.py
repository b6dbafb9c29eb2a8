"""TelegramSender: the real python-telegram-bot Bot against a local Bot API server."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import pytest

from bot.errors import ConfigError, DeliveryFailed
from bot.settings import load_settings
from integrations.rasa import Button
from integrations.senders import Outbound, Receipt
from integrations.telegram_bot import MAX_CALLBACK_BYTES, TelegramSender, callback_data
from tests.asgi_server import free_port, serving
from tests.fakes.telegram_api import TOKEN, FakeTelegram, callback_update, text_update

T = TypeVar("T")


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FakeTelegram, str]]:
    fake = FakeTelegram()
    with serving(fake.app()) as url:
        yield fake, url


@pytest.fixture
def fake(served: tuple[FakeTelegram, str]) -> FakeTelegram:
    served[0].reset()
    return served[0]


@pytest.fixture
def api_url(served: tuple[FakeTelegram, str]) -> str:
    return served[0].api_url(served[1])


class Sleeps:
    """A sleep that records how long it was asked to wait, and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def with_sender(
    api_url: str, use: Callable[[TelegramSender], Awaitable[T]], sleep: Sleeps | None = None
) -> T:
    async def run() -> T:
        sender = TelegramSender(TOKEN, api_url=api_url, sleep=sleep or Sleeps())
        try:
            return await use(sender)
        finally:
            await sender.aclose()

    return asyncio.run(run())


def send(api_url: str, message: Outbound, sleep: Sleeps | None = None) -> Receipt:
    return with_sender(api_url, lambda sender: sender.send(message), sleep)


def test_send_message_carries_chat_id_and_text_and_returns_chat_and_message_id(
    fake: FakeTelegram, api_url: str
) -> None:
    first = send(api_url, Outbound("telegram", "550118", "Hello Ada"))
    second = send(api_url, Outbound("telegram", "550118", "Again"))
    assert fake.sent[0] == {"chat_id": "550118", "text": "Hello Ada", "reply_markup": None}
    assert (first.status, second.status) == ("sent", "sent")
    chat, _, number = first.provider_id.partition(":")
    assert chat == "550118"
    assert second.provider_id == f"550118:{int(number) + 1}"


def test_buttons_become_an_inline_keyboard_one_button_per_row(
    fake: FakeTelegram, api_url: str
) -> None:
    buttons = (Button("Yes", "/affirm"), Button("No", "/deny"))
    send(api_url, Outbound("telegram", "550118", "Confirm?", buttons))
    assert fake.sent[0]["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Yes", "callback_data": "/affirm"}],
            [{"text": "No", "callback_data": "/deny"}],
        ]
    }


def test_a_payload_longer_than_64_bytes_is_sent_as_the_buttons_position(
    fake: FakeTelegram, api_url: str
) -> None:
    long = '/inform{"invoice_number":"' + "9" * 60 + '"}'
    buttons = (Button("Short", "/affirm"), Button("Invoice 999", long))
    send(api_url, Outbound("telegram", "550118", "Which?", buttons))
    rows = fake.sent[0]["reply_markup"]["inline_keyboard"]
    assert [row[0]["callback_data"] for row in rows] == ["/affirm", "#2"]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("x" * MAX_CALLBACK_BYTES, "x" * MAX_CALLBACK_BYTES),
        ("x" * (MAX_CALLBACK_BYTES + 1), "#3"),
        ("é" * 33, "#3"),  # 66 bytes in UTF-8
        ("", "#3"),
        ("#1", "#3"),  # would read as a position
    ],
    ids=["64 bytes", "65 bytes", "multibyte", "empty", "looks like a position"],
)
def test_callback_data_is_the_payload_only_when_telegram_can_carry_it(
    payload: str, expected: str
) -> None:
    assert callback_data(Button("Title", payload), 3) == expected


def test_text_longer_than_4096_characters_is_cut(fake: FakeTelegram, api_url: str) -> None:
    send(api_url, Outbound("telegram", "550118", "x" * 5000))
    assert fake.sent[0]["text"] == "x" * 4096


def test_flood_control_is_waited_out_and_the_message_delivered_once(
    fake: FakeTelegram, api_url: str
) -> None:
    fake.fail("sendMessage", "flood", retry_after=3)
    sleeps = Sleeps()
    receipt = send(api_url, Outbound("telegram", "550118", "Hello"), sleeps)
    assert receipt.status == "sent"
    assert sleeps.waits == [3.0]
    assert fake.calls == ["sendMessage", "sendMessage"]
    assert [m["text"] for m in fake.sent] == ["Hello"]


def test_flood_control_that_outlasts_the_attempts_is_a_retryable_failure(
    fake: FakeTelegram, api_url: str
) -> None:
    fake.fail("sendMessage", "flood", times=3)
    with pytest.raises(DeliveryFailed, match="flood control") as failed:
        send(api_url, Outbound("telegram", "550118", "Hello"))
    assert failed.value.retryable
    assert fake.calls == ["sendMessage"] * 3
    assert fake.sent == []


def test_a_wait_longer_than_allowed_is_not_slept(fake: FakeTelegram, api_url: str) -> None:
    fake.fail("sendMessage", "flood", retry_after=600)
    sleeps = Sleeps()
    with pytest.raises(DeliveryFailed) as failed:
        send(api_url, Outbound("telegram", "550118", "Hello"), sleeps)
    assert failed.value.retryable
    assert sleeps.waits == []


@pytest.mark.parametrize(
    ("kind", "words"),
    [("blocked", "(?i)bot was blocked by the user"), ("chat_not_found", "(?i)chat not found")],
)
def test_a_refusal_is_a_failure_that_is_not_retried_nor_retryable(
    fake: FakeTelegram, api_url: str, kind: str, words: str
) -> None:
    fake.fail("sendMessage", kind)
    with pytest.raises(DeliveryFailed, match=words) as failed:
        send(api_url, Outbound("telegram", "550118", "Hello"))
    assert not failed.value.retryable
    assert fake.calls == ["sendMessage"]


def test_a_server_error_is_retryable_but_not_retried_since_it_may_have_been_sent(
    fake: FakeTelegram, api_url: str
) -> None:
    fake.fail("sendMessage", "server_error")
    with pytest.raises(DeliveryFailed) as failed:
        send(api_url, Outbound("telegram", "550118", "Hello"))
    assert failed.value.retryable
    assert fake.calls == ["sendMessage"]


def test_an_unreachable_api_is_tried_again_then_a_retryable_failure() -> None:
    sleeps = Sleeps()
    url = f"http://127.0.0.1:{free_port()}/bot"  # nothing listens: nothing was sent
    with pytest.raises(DeliveryFailed, match="ConnectError") as failed:
        send(url, Outbound("telegram", "550118", "Hello"), sleeps)
    assert failed.value.retryable
    assert len(sleeps.waits) == 2  # three attempts


def test_a_wrong_token_is_not_retryable(served: tuple[FakeTelegram, str]) -> None:
    fake, url = served
    fake.reset()

    async def use() -> Receipt:
        sender = TelegramSender("999:WRONG", api_url=fake.api_url(url), sleep=Sleeps())
        try:
            return await sender.send(Outbound("telegram", "550118", "Hello"))
        finally:
            await sender.aclose()

    with pytest.raises(DeliveryFailed, match="InvalidToken") as failed:
        asyncio.run(use())
    assert not failed.value.retryable


def test_answer_callback_query_names_the_query(fake: FakeTelegram, api_url: str) -> None:
    with_sender(api_url, lambda sender: sender.answer_callback_query("cb-42"))
    assert fake.answered == ["cb-42"]


def test_get_updates_serves_the_update_json_and_confirms_those_before_the_offset(
    fake: FakeTelegram, api_url: str
) -> None:
    fake.queue(text_update(5, 550118, "hi"), callback_update(6, 550118, "/affirm"))
    first = with_sender(api_url, lambda sender: sender.get_updates(None, 0))
    assert [u["update_id"] for u in first] == [5, 6]
    assert first[0]["message"]["text"] == "hi"
    assert first[1]["callback_query"]["data"] == "/affirm"
    later = with_sender(api_url, lambda sender: sender.get_updates(7, 0))
    assert later == []
    assert fake.updates == []


def test_from_settings_names_the_missing_token() -> None:
    settings = load_settings({"ARBOT_TELEGRAM_PROVIDER": "telegram"}, dotenv=None)
    with pytest.raises(ConfigError, match="ARBOT_TELEGRAM_TOKEN"):
        TelegramSender.from_settings(settings)


def test_from_settings_uses_the_configured_api_url(fake: FakeTelegram, api_url: str) -> None:
    settings = load_settings(
        {"ARBOT_TELEGRAM_TOKEN": TOKEN, "ARBOT_TELEGRAM_API_URL": api_url + "/"}, dotenv=None
    )

    async def use() -> Receipt:
        sender = TelegramSender.from_settings(settings)
        try:
            return await sender.send(Outbound("telegram", "42", "Hello"))
        finally:
            await sender.aclose()

    assert asyncio.run(use()).status == "sent"
    assert fake.sent[0]["chat_id"] == "42"
