"""The web chat's guards at the edge: the per-client rate limit and the bearer token.

Requests go through the real web app (``create_app``, the ASGI app ``arbot run`` serves)
from chosen client addresses, with the fake dialogue engine behind it.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.container import build_container
from bot.db.models import Message
from bot.settings import load_settings
from bot.web.app import create_app
from bot.web.rate_limit import RateLimiter
from tests.web.conftest import NOW, FakeDialogue

TOKEN = "s3cret-webchat-token-0123456789"  # noqa: S105 - a test's own secret


@dataclasses.dataclass
class Site:
    app: Any
    dialogue: FakeDialogue
    sessions: sessionmaker[Session]

    def post(
        self, client: str = "203.0.113.7", headers: dict[str, str] | None = None, n: int = 0
    ) -> httpx.Response:
        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, client=(client, 50000))
            async with httpx.AsyncClient(transport=transport, base_url="http://arbot.test") as c:
                body = {"sender": f"+1415555{n:04d}", "message": "hi"}
                return await c.post("/webhooks/rest/webhook", json=body, headers=headers)

        return asyncio.run(call())

    def inbound(self) -> int:
        with self.sessions() as session:
            return (
                session.scalar(
                    select(func.count()).select_from(Message).where(Message.direction == "in")
                )
                or 0
            )


def _site(engine: Engine, extra: dict[str, str]) -> Iterator[Site]:
    settings = load_settings(
        {
            "ARBOT_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "ARBOT_NOW": NOW.isoformat(),
            **extra,
        },
        dotenv=None,
    )
    with engine.connect() as connection:
        outer = connection.begin()
        sessions = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        wiring = dataclasses.replace(build_container(settings), sessions=sessions)
        dialogue = FakeDialogue()
        try:
            yield Site(create_app(wiring, dialogue=dialogue), dialogue, sessions)
        finally:
            wiring.engine.dispose()
            outer.rollback()


@pytest.fixture
def limited(engine: Engine) -> Iterator[Site]:
    yield from _site(engine, {"ARBOT_WEBCHAT_RATE_LIMIT": "3"})


@pytest.fixture
def guarded(engine: Engine) -> Iterator[Site]:
    yield from _site(engine, {"ARBOT_WEBCHAT_TOKEN": TOKEN})


def test_a_client_over_its_limit_gets_429_with_retry_after(limited: Site) -> None:
    answers = [limited.post(n=n) for n in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[3].headers["retry-after"] == "20"  # 3 a minute: one every 20 s
    assert "too many messages" in answers[3].json()["error"]


def test_a_refused_message_never_reaches_the_transcript_or_the_bot(limited: Site) -> None:
    for n in range(5):
        limited.post(n=n)

    assert limited.inbound() == 3
    assert len(limited.dialogue.calls) == 3


def test_the_limit_is_per_client_whatever_the_sender_says(limited: Site) -> None:
    rotating = [limited.post("203.0.113.7", n=n).status_code for n in range(4)]
    other = limited.post("198.51.100.9").status_code

    assert rotating == [200, 200, 200, 429]
    assert other == 200


def test_the_default_limit_lets_a_conversation_through(gateway: Any) -> None:
    statuses = {gateway.post({"sender": "+14155550100", "message": "hi"}).status_code
                for _ in range(20)}  # fmt: skip

    assert statuses == {200}


def test_without_the_token_the_web_chat_answers_401(guarded: Site) -> None:
    missing = guarded.post()
    wrong = guarded.post(headers={"Authorization": f"Bearer {TOKEN}x"})
    basic = guarded.post(headers={"Authorization": f"Basic {TOKEN}"})

    assert [r.status_code for r in (missing, wrong, basic)] == [401, 401, 401]
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert missing.json()["error"].startswith("authorization:")
    assert guarded.inbound() == 0
    assert guarded.dialogue.calls == []


def test_with_the_token_the_web_chat_answers(guarded: Site) -> None:
    response = guarded.post(headers={"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 200
    assert response.json()[0]["text"] == "Hi! How can I help?"


def test_the_token_guards_only_the_web_chat(guarded: Site) -> None:
    async def index() -> httpx.Response:
        transport = httpx.ASGITransport(app=guarded.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://arbot.test") as c:
            return await c.get("/")

    assert asyncio.run(index()).status_code == 200


def test_a_bucket_refills_at_the_limit_a_minute() -> None:
    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0])

    assert [limiter.retry_after("a") for _ in range(61)][-2:] == [0, 1]
    now[0] += 1.0
    assert limiter.retry_after("a") == 0
    assert limiter.retry_after("a") == 1


def test_a_limit_of_zero_is_no_limit() -> None:
    limiter = RateLimiter(0)

    assert {limiter.retry_after("a") for _ in range(1000)} == {0}


def test_the_least_recently_seen_clients_are_forgotten_first() -> None:
    limiter = RateLimiter(1, clock=lambda: 0.0, max_clients=2)
    limiter.retry_after("a")
    limiter.retry_after("b")
    limiter.retry_after("c")  # "a" is forgotten: a fresh bucket

    assert limiter.retry_after("a") == 0
    assert limiter.retry_after("c") == 60
