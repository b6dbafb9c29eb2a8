"""RasaRestEngine against local servers that speak Rasa's REST channel."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.errors import DialogueUnavailable
from integrations.rasa import BotMessage, Button, RasaRestEngine, parse_messages, rest_json
from tests.asgi_server import free_port, serving


@dataclass
class FakeRasa:
    """A Rasa replica: answers by the message text and remembers every request."""

    name: str
    received: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> Starlette:
        async def webhook(request: Request) -> Response:
            body = await request.json()
            self.received.append(body)
            sender, text = body["sender"], body["message"]
            if text == "boom":
                return JSONResponse({"error": "failed"}, status_code=500)
            if text == "busy":
                return JSONResponse({"error": "not ready"}, status_code=503)
            if text == "slow":
                await asyncio.sleep(2)
            return JSONResponse(
                [
                    {"recipient_id": sender, "text": f"hello from {self.name}"},
                    {
                        "recipient_id": sender,
                        "text": "Which invoice?",
                        "buttons": [
                            {"title": "INV-1", "payload": '/inform{"invoice_number":"INV-1"}'},
                            {"title": "All of them", "payload": "/inform"},
                        ],
                    },
                    {"recipient_id": sender, "custom": {"ignored": True}},
                ]
            )

        return Starlette(routes=[Route("/webhooks/rest/webhook", webhook, methods=["POST"])])


@pytest.fixture(scope="module")
def replicas() -> Iterator[tuple[FakeRasa, str, FakeRasa, str]]:
    first, second = FakeRasa("a"), FakeRasa("b")
    with serving(first.app()) as first_url, serving(second.app()) as second_url:
        yield first, first_url, second, second_url


@pytest.fixture(autouse=True)
def _forget(replicas: tuple[FakeRasa, str, FakeRasa, str]) -> None:
    replicas[0].received.clear()
    replicas[2].received.clear()


def send(engine: RasaRestEngine, sender: str, text: str) -> list[BotMessage]:
    async def call() -> list[BotMessage]:
        try:
            return await engine.send(sender, text, {"channel": "web", "address": "+1617"})
        finally:
            await engine.aclose()

    return asyncio.run(call())


def sender_first_on(engine: RasaRestEngine, url: str) -> str:
    return next(s for n in range(100) if engine.replicas_for(s := f"web:+1617555{n:04d}")[0] == url)


def test_send_posts_the_rest_channel_json_and_reads_text_and_buttons(
    replicas: tuple[FakeRasa, str, FakeRasa, str],
) -> None:
    fake, url, _, _ = replicas
    replies = send(RasaRestEngine([url]), "web:+16175550101", "hi")
    assert fake.received == [
        {
            "sender": "web:+16175550101",
            "message": "hi",
            "metadata": {"channel": "web", "address": "+1617"},
        }
    ]
    assert replies == [
        BotMessage("hello from a"),
        BotMessage(
            "Which invoice?",
            (
                Button("INV-1", '/inform{"invoice_number":"INV-1"}'),
                Button("All of them", "/inform"),
            ),
        ),
    ]


def test_a_sender_always_starts_on_the_same_replica_and_senders_spread() -> None:
    urls = ["http://r1:5005", "http://r2:5005", "http://r3:5005"]
    engine, again = RasaRestEngine(urls), RasaRestEngine(list(urls))
    firsts = {engine.replicas_for(f"sms:+1617555{n:04d}")[0] for n in range(30)}
    assert firsts == set(urls)
    for n in range(30):
        order = engine.replicas_for(f"sms:+1617555{n:04d}")
        assert order == again.replicas_for(f"sms:+1617555{n:04d}")
        assert sorted(order) == sorted(urls)


def test_a_dead_first_replica_fails_over_to_the_next(
    replicas: tuple[FakeRasa, str, FakeRasa, str],
) -> None:
    _, _, fake, url = replicas
    dead = f"http://127.0.0.1:{free_port()}"
    engine = RasaRestEngine([dead, url])
    replies = send(engine, sender_first_on(engine, dead), "hi")
    assert replies[0] == BotMessage("hello from b")
    assert len(fake.received) == 1


def test_a_replica_answering_503_passes_the_message_on(
    replicas: tuple[FakeRasa, str, FakeRasa, str],
) -> None:
    first, first_url, second, second_url = replicas
    engine = RasaRestEngine([first_url, second_url])
    with pytest.raises(DialogueUnavailable, match="no Rasa server answered"):
        send(engine, sender_first_on(engine, first_url), "busy")
    assert (len(first.received), len(second.received)) == (1, 1)


def test_every_replica_down_is_dialogue_unavailable_naming_them() -> None:
    dead = [f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"]
    with pytest.raises(DialogueUnavailable, match=dead[0].replace(".", r"\.")):
        send(RasaRestEngine(dead), "web:+16175550101", "hi")


def test_a_server_error_is_dialogue_unavailable_and_not_repeated_elsewhere(
    replicas: tuple[FakeRasa, str, FakeRasa, str],
) -> None:
    first, first_url, second, second_url = replicas
    engine = RasaRestEngine([first_url, second_url])
    with pytest.raises(DialogueUnavailable, match="HTTP 500"):
        send(engine, sender_first_on(engine, first_url), "boom")
    assert (len(first.received), len(second.received)) == (1, 0)


def test_no_answer_in_time_is_dialogue_unavailable(
    replicas: tuple[FakeRasa, str, FakeRasa, str],
) -> None:
    _, url, _, _ = replicas
    engine = RasaRestEngine([url], timeout=httpx.Timeout(0.3, connect=1.0))
    with pytest.raises(DialogueUnavailable, match="did not answer in time"):
        send(engine, "web:+16175550101", "slow")


@pytest.mark.parametrize("body", [b"<html>oops</html>", b'{"text": "not a list"}', b"[1, 2]"])
def test_malformed_answers_are_dialogue_unavailable(body: bytes) -> None:
    transport = httpx.MockTransport(lambda _request: httpx.Response(200, content=body))
    engine = RasaRestEngine(["http://rasa.test"], transport=transport)
    with pytest.raises(DialogueUnavailable, match="malformed"):
        send(engine, "web:+16175550101", "hi")


def test_the_engine_uses_one_client_for_every_message() -> None:
    transport = httpx.MockTransport(lambda _request: httpx.Response(200, json=[]))
    engine = RasaRestEngine(["http://rasa.test"], transport=transport)

    async def two_messages() -> bool:
        await engine.send("web:+1", "a", {})
        client = engine._client
        await engine.send("web:+1", "b", {})
        same = client is engine._client and client is not None
        await engine.aclose()
        return same

    assert asyncio.run(two_messages())


@pytest.mark.parametrize(
    ("titles", "hint"),
    [(["Yes"], "Reply 1"), (["Yes", "No"], "Reply 1 or 2"), (["A", "B", "C"], "Reply 1, 2 or 3")],
)
def test_buttons_become_numbered_options_in_plain_text(titles: list[str], hint: str) -> None:
    message = BotMessage("Pick one", tuple(Button(t, f"/{t}") for t in titles))
    lines = message.as_plain_text().splitlines()
    assert lines[0] == "Pick one"
    assert lines[1:-1] == [f"{n}) {t}" for n, t in enumerate(titles, start=1)]
    assert lines[-1] == hint


def test_rest_json_round_trips_through_parse_messages() -> None:
    messages = [BotMessage("hi"), BotMessage("Pick", (Button("Yes", "/affirm"),))]
    payload = rest_json("+16175550101", messages)
    assert payload[0] == {"recipient_id": "+16175550101", "text": "hi"}
    assert payload[1]["buttons"] == [{"title": "Yes", "payload": "/affirm"}]
    assert parse_messages(payload) == messages
