"""The SMS and Telegram webhooks answer at once, whatever Rasa is doing (SPEC §7).

The web app is served as ``arbot run`` serves it (uvicorn, its lifespan running the turn
worker and the dispatcher) on a SQLite file, with a Rasa that takes 10 seconds to answer.
Twenty customers text at once: every webhook answers within a second, and every customer
gets the bot's reply once Rasa answers — the turns run side by side, not one after another.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from bot.container import build_container
from bot.db import lanes
from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.db.models import Message
from bot.settings import load_settings
from bot.web.app import create_app
from bot.web.telegram import PATH as TELEGRAM_PATH
from bot.web.telegram import SECRET_HEADER
from bot.web.twilio import SMS_PATH
from integrations.rasa import BotMessage
from integrations.senders import OutboxSender
from tests.asgi_server import serving
from tests.fakes.telegram_api import callback_update, text_update
from tests.web.conftest import NOW

PUBLIC_URL = "https://arbot.example.com"
AUTH_TOKEN = "test-auth-token"
SECRET = "telegram-secret"
RASA_SECONDS = 10.0
CUSTOMERS = 20


@dataclass
class SlowRasa:
    """A Rasa that answers after :data:`RASA_SECONDS`."""

    started: list[str] = field(default_factory=list)
    #: whether each turn ran in the background lane (:mod:`bot.db.lanes`)
    in_background: list[bool] = field(default_factory=list)

    async def send(
        self, sender_id: str, text: str, metadata: Mapping[str, Any]
    ) -> list[BotMessage]:
        self.started.append(sender_id)
        self.in_background.append(lanes.in_background())
        await asyncio.sleep(RASA_SECONDS)
        return [BotMessage(f"answer to {text}")]

    async def aclose(self) -> None:
        return None


@dataclass
class Served:
    url: str
    rasa: SlowRasa
    database: str
    telegram: SlowTelegram


class SlowTelegram(OutboxSender):
    """A Telegram sender whose API takes :data:`RASA_SECONDS` to answer a button press."""

    def __init__(self) -> None:
        super().__init__()
        self.answered: list[str] = []

    async def answer_callback_query(self, callback_id: str) -> None:
        await asyncio.sleep(RASA_SECONDS)
        self.answered.append(callback_id)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    database = f"sqlite:///{tmp_path / 'arbot.db'}"
    engine = make_engine(database)
    upgrade(engine)
    engine.dispose()
    settings = load_settings(
        {
            "ARBOT_DATABASE_URL": database,
            "ARBOT_NOW": NOW.isoformat(),
            "ARBOT_PUBLIC_URL": PUBLIC_URL,
            "ARBOT_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "ARBOT_TELEGRAM_SECRET": SECRET,
        },
        dotenv=None,
    )
    wiring = build_container(settings)
    rasa = SlowRasa()
    senders = {"sms": OutboxSender(), "telegram": SlowTelegram(), "web": OutboxSender()}
    app = create_app(wiring, dialogue=rasa, senders=senders)
    try:
        with serving(app) as url:
            yield Served(url, rasa, database, senders["telegram"])  # type: ignore[arg-type]
    finally:
        wiring.engine.dispose()


def _sms_form(n: int) -> tuple[dict[str, str], dict[str, str]]:
    form = {"From": f"+1617555{n:04d}", "To": "+16175550000", "Body": f"hi {n}",
            "MessageSid": f"SMslow{n}"}  # fmt: skip
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + SMS_PATH, form)
    return form, {"X-Twilio-Signature": signature}


def _replies(database: str) -> list[tuple[str, str, str | None]]:
    engine = make_engine(database)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(Message.address, Message.body, Message.dispatch_state).where(
                    Message.direction == "out"
                )
            ).all()
        return [tuple(row) for row in rows]  # type: ignore[misc]
    finally:
        engine.dispose()


def test_twenty_customers_texting_a_slow_rasa_are_answered_at_once_then_replied(
    served: Served,
) -> None:
    async def text_all() -> list[float]:
        async with httpx.AsyncClient(base_url=served.url, timeout=30) as client:

            async def one(n: int) -> float:
                form, headers = _sms_form(n)
                start = time.perf_counter()
                response = await client.post(SMS_PATH, data=form, headers=headers)
                assert response.status_code == 200, response.text
                return time.perf_counter() - start

            async def telegram() -> float:
                start = time.perf_counter()
                response = await client.post(
                    TELEGRAM_PATH, json=text_update(77, 550118, "hello"),
                    headers={SECRET_HEADER: SECRET},
                )  # fmt: skip
                assert (response.status_code, response.json()) == (200, {})
                return time.perf_counter() - start

            return list(await asyncio.gather(*(one(n) for n in range(CUSTOMERS)), telegram()))

    started = time.monotonic()
    answered_in = asyncio.run(text_all())

    assert max(answered_in) < 1.0, sorted(answered_in)[-3:]
    deadline = started + RASA_SECONDS * 3

    def all_sent() -> bool:
        replies = _replies(served.database)
        return len(replies) == CUSTOMERS + 1 and all(state == "done" for *_, state in replies)

    while not all_sent() and time.monotonic() < deadline:  # queued, then handed over
        time.sleep(0.2)
    replies = _replies(served.database)
    assert sorted(body for _, body, _ in replies) == sorted(
        [f"answer to hi {n}" for n in range(CUSTOMERS)] + ["answer to hello"]
    )
    assert {state for _, _, state in replies} == {"done"}
    # the turns ran behind the webhooks, in the workers' lane of few threads
    assert served.rasa.in_background == [True] * (CUSTOMERS + 1)
    # side by side: all twenty-one turns within a little more than one Rasa answer
    assert time.monotonic() - started < RASA_SECONDS * 2.5


def test_a_pressed_button_is_answered_after_the_webhook_whatever_telegram_is_doing(
    served: Served,
) -> None:
    async def press() -> float:
        async with httpx.AsyncClient(base_url=served.url, timeout=30) as client:
            start = time.perf_counter()
            response = await client.post(
                TELEGRAM_PATH,
                json=callback_update(78, 550119, "/affirm", callback_id="cb-slow"),
                headers={SECRET_HEADER: SECRET},
            )
            assert (response.status_code, response.json()) == (200, {})
            return time.perf_counter() - start

    assert asyncio.run(press()) < 1.0
    deadline = time.monotonic() + RASA_SECONDS * 3
    while not served.telegram.answered and time.monotonic() < deadline:
        time.sleep(0.2)
    assert served.telegram.answered == ["cb-slow"]  # answered all the same, once
