"""``arbot telegram poll`` and ``arbot telegram link`` against a local Bot API."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.cli.telegram import poll_updates
from bot.clock import FixedClock
from bot.db.models import Message
from bot.services.chat import TROUBLE_REPLY, ChatDesk
from bot.services.delivery import Postman
from integrations.telegram_bot import TelegramSender
from tests.asgi_server import free_port, serving
from tests.cli.runner import ARBOT, NOW, Result, arbot
from tests.fakes.telegram_api import (
    BOT_USERNAME,
    TOKEN,
    FakeTelegram,
    callback_update,
    text_update,
)
from tests.web.conftest import NOW as NOW_UTC
from tests.web.conftest import FakeDialogue

CHAT = 550118


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FakeTelegram, str]]:
    fake = FakeTelegram()
    with serving(fake.app()) as url:
        yield fake, fake.api_url(url)


@pytest.fixture
def fake(served: tuple[FakeTelegram, str]) -> FakeTelegram:
    served[0].reset()
    return served[0]


def poll_once(
    sessions: sessionmaker[Session], api_url: str, dialogue: FakeDialogue, lines: list[str]
) -> int | None:
    async def run() -> int | None:
        sender = TelegramSender(TOKEN, api_url=api_url)
        clock = FixedClock(NOW_UTC)
        postman = Postman(sessions, clock, {"telegram": sender})
        desk = ChatDesk(sessions, clock, dialogue, "Acme Supply Co.", postman=postman)
        try:
            return await poll_updates(desk, sender, once=True, timeout=0, echo=lines.append)
        finally:
            await sender.aclose()

    return asyncio.run(run())


def test_poll_handles_the_queued_updates_like_the_webhook_and_advances_the_offset(
    fake: FakeTelegram, served: tuple[FakeTelegram, str], sessions: sessionmaker[Session]
) -> None:
    fake.queue(text_update(41, CHAT, "hi"), callback_update(42, CHAT, "/affirm"))
    dialogue, lines = FakeDialogue(), []
    offset = poll_once(sessions, served[1], dialogue, lines)
    assert offset == 43
    assert [call[1] for call in dialogue.calls] == ["hi", "/affirm"]
    assert fake.answered == ["cb-1"]
    assert [m["text"] for m in fake.sent] == ["Hi! How can I help?"] * 2
    assert lines == [
        f"update 41: message from chat {CHAT}, 1 replies",
        f"update 42: button from chat {CHAT}, 1 replies",
    ]
    assert fake.updates == []  # confirmed: Telegram forgets them


def test_a_second_poll_finds_nothing_left_to_handle(
    fake: FakeTelegram, served: tuple[FakeTelegram, str], sessions: sessionmaker[Session]
) -> None:
    fake.queue(text_update(41, CHAT, "hi"))
    dialogue = FakeDialogue()
    poll_once(sessions, served[1], dialogue, [])
    lines: list[str] = []
    assert poll_once(sessions, served[1], dialogue, lines) is None
    assert lines == []
    assert len(dialogue.calls) == 1


def test_an_update_polled_again_is_handled_once(
    fake: FakeTelegram, served: tuple[FakeTelegram, str], sessions: sessionmaker[Session]
) -> None:
    fake.queue(text_update(41, CHAT, "hi"))
    dialogue = FakeDialogue()
    poll_once(sessions, served[1], dialogue, [])
    fake.queue(text_update(41, CHAT, "hi"))  # as if the confirmation had been lost
    poll_once(sessions, served[1], dialogue, [])
    assert len(dialogue.calls) == 1
    with sessions() as session:
        inbound = session.scalars(select(Message.body).where(Message.direction == "in")).all()
    assert inbound == ["hi"]


# The command itself, as a user runs it.


def run_arbot(*args: str, database: str, extra: dict[str, str]) -> Result:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ARBOT_")},
        "ARBOT_DATABASE_URL": database,
        "ARBOT_NOW": NOW,
        **extra,
    }
    done = subprocess.run(
        [str(ARBOT), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("telegram_cli")
    url = f"sqlite:///{folder / 'arbot.db'}"
    assert arbot("db", "upgrade", database=url).code == 0
    customers = folder / "customers.csv"
    customers.write_text(
        "account_number,name,postal_code\nA-104321,Ada Ltd,10001\n", encoding="utf-8"
    )
    imported = arbot("import", "customers", str(customers), database=url)
    assert imported.code == 0, imported.err
    return url


def test_link_prints_a_code_and_its_deep_link(database: str) -> None:
    result = run_arbot(
        "telegram",
        "link",
        "A-104321",
        database=database,
        extra={"ARBOT_TELEGRAM_BOT_USERNAME": f"@{BOT_USERNAME}"},
    )
    assert result.code == 0, result.err
    first, second = result.out.splitlines()
    code = first.split()[1]
    assert first == f"code {code} for A-104321, usable once until 2026-11-23 15:00 UTC"
    assert second == f"link https://t.me/{BOT_USERNAME}?start={code}"


def test_link_for_an_unknown_account_exits_1_naming_it(database: str) -> None:
    result = run_arbot("telegram", "link", "A-404", database=database, extra={})
    assert result.code == 1
    assert "A-404" in result.err
    assert "Traceback" not in result.err


def test_poll_once_answers_a_queued_message_and_prints_one_line(
    fake: FakeTelegram, served: tuple[FakeTelegram, str], database: str, tmp_path: Path
) -> None:
    fake.queue(text_update(77, CHAT, "hi"))
    result = run_arbot(
        "telegram",
        "poll",
        "--once",
        database=database,
        extra={
            "ARBOT_TELEGRAM_TOKEN": TOKEN,
            "ARBOT_TELEGRAM_API_URL": served[1],
            "ARBOT_RASA_URL": f"http://127.0.0.1:{free_port()}",  # no Rasa: the trouble reply
        },
    )
    assert result.code == 0, result.err
    assert result.out.splitlines() == [f"update 77: message from chat {CHAT}, 1 replies"]
    assert [m["text"] for m in fake.sent] == [TROUBLE_REPLY]
    assert fake.updates == []


def test_poll_without_a_token_exits_1_naming_the_setting(database: str) -> None:
    result = run_arbot("telegram", "poll", "--once", database=database, extra={})
    assert result.code == 1
    assert "ARBOT_TELEGRAM_TOKEN" in result.err
