"""The gateway with the real Rasa client when every replica is down: the trouble reply."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from bot.container import build_container
from bot.services.chat import TROUBLE_REPLY
from bot.settings import load_settings
from bot.web.app import create_app
from integrations.rasa import RasaRestEngine
from tests.web.conftest import NOW, FakeDialogue, Gateway

PHONE = "+16175550101"
REPLICAS = ("http://rasa-1:5005", "http://rasa-2:5005")


@pytest.fixture
def all_down(engine: Engine) -> Iterator[tuple[Gateway, list[str]]]:
    """The web app whose Rasa client finds every replica refusing connections."""
    tried: list[str] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        tried.append(f"http://{request.url.host}:{request.url.port}")
        raise httpx.ConnectError("connection refused", request=request)

    url = engine.url.render_as_string(hide_password=False)
    settings = load_settings({"ARBOT_DATABASE_URL": url, "ARBOT_NOW": NOW.isoformat()}, dotenv=None)
    rasa = RasaRestEngine(REPLICAS, transport=httpx.MockTransport(refuse))
    with engine.connect() as connection:
        outer = connection.begin()
        sessions = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        wiring = dataclasses.replace(build_container(settings), sessions=sessions)
        try:
            yield Gateway(FakeDialogue(), sessions, create_app(wiring, dialogue=rasa)), tried
        finally:
            wiring.engine.dispose()
            outer.rollback()


def test_every_replica_down_is_the_trouble_reply_after_trying_each(
    all_down: tuple[Gateway, list[str]],
) -> None:
    gateway, tried = all_down
    assert gateway.chat(PHONE, "how much do I owe") == [
        {"recipient_id": PHONE, "text": TROUBLE_REPLY}
    ]
    assert sorted(tried) == sorted(REPLICAS)
    assert gateway.transcript(PHONE) == [
        ("in", "customer", "how much do I owe"),
        ("out", "bot", TROUBLE_REPLY),
    ]
