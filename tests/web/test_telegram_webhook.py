"""The Telegram webhook: the real app and the real PTB sender against a local Bot API."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.container import Container, build_container
from bot.db.models import Account, Contact, ContactPreference, Message
from bot.policy.catalog import say
from bot.policy.keywords import Keyword
from bot.services import keywords
from bot.services.chat import disclosure
from bot.services.telegram_links import issue_code
from bot.settings import load_settings
from bot.web.app import create_app
from bot.web.telegram import GREETING, PATH, SECRET_HEADER, START_LOGGED
from integrations.rasa import BotMessage, Button
from integrations.senders import OutboxSender
from integrations.telegram_bot import TelegramSender
from tests.asgi_server import serving
from tests.fakes.telegram_api import (
    TOKEN,
    FakeTelegram,
    callback_update,
    sticker_update,
    text_update,
)
from tests.web.conftest import NOW, FakeDialogue

SECRET = "s3cret_Token-1"
CHAT = 550118
SENDER = f"telegram:{CHAT}"


async def no_sleep(_seconds: float) -> None:
    return None


@dataclass
class TelegramGateway:
    """The web app wired with the Telegram sender, the fake API and the test database."""

    fake: FakeTelegram
    api_url: str
    dialogue: FakeDialogue
    sessions: sessionmaker[Session]
    wiring: Container

    def post(
        self, *bodies: Any, secret: str | None = SECRET, content: bytes | None = None
    ) -> list[httpx.Response]:
        """Posts each body (or ``content`` once) to the webhook, in one event loop."""

        async def run() -> list[httpx.Response]:
            sender = TelegramSender(TOKEN, api_url=self.api_url, sleep=no_sleep)
            senders = {"sms": OutboxSender(), "web": OutboxSender(), "telegram": sender}
            app = create_app(self.wiring, dialogue=self.dialogue, senders=senders)
            headers = {} if secret is None else {SECRET_HEADER: secret}
            transport = httpx.ASGITransport(app=app)
            try:
                async with httpx.AsyncClient(transport=transport, base_url="http://t.test") as c:
                    if content is not None:
                        answered = [await c.post(PATH, content=content, headers=headers)]
                        await app.state.workers.drain()
                        return answered
                    responses = []
                    for body in bodies:
                        responses.append(await c.post(PATH, json=body, headers=headers))
                        # behind the webhook: the turn worker answers, the dispatcher sends
                        await app.state.workers.drain()
                    return responses
            finally:
                await sender.aclose()

        return asyncio.run(run())

    def send(self, *updates: dict[str, Any]) -> None:
        for response in self.post(*updates):
            assert (response.status_code, response.json()) == (200, {}), response.text

    def transcript(self, chat_id: int = CHAT) -> list[tuple[str, str, str]]:
        with self.sessions() as session:
            rows = session.execute(
                select(Message.direction, Message.author, Message.body)
                .where(Message.channel == "telegram", Message.address == str(chat_id))
                .order_by(Message.id)
            ).all()
        return [(row.direction, row.author, row.body) for row in rows]

    def add_account(self, number: str, *, consumer: bool = False) -> int:
        with self.sessions() as session, session.begin():
            account = Account(
                account_number=number,
                name="Ada Supply",
                postal_code="02110",
                consumer=consumer,
                created_at=NOW,
                updated_at=NOW,
            )
            session.add(account)
            session.flush()
            return account.id

    def issue(self, number: str, *, at: datetime = NOW) -> str:
        with self.sessions() as session:
            return issue_code(session, number, at).code

    def telegram_chat_of(self, account_id: int) -> str | None:
        with self.sessions() as session:
            return session.scalar(
                select(Contact.address).where(
                    Contact.account_id == account_id, Contact.channel == "telegram"
                )
            )


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FakeTelegram, str]]:
    fake = FakeTelegram()
    with serving(fake.app()) as url:
        yield fake, fake.api_url(url)


@pytest.fixture
def tg(engine: Engine, served: tuple[FakeTelegram, str]) -> Iterator[TelegramGateway]:
    fake, api_url = served
    fake.reset()
    settings = load_settings(
        {
            "ARBOT_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "ARBOT_NOW": NOW.isoformat(),
            "ARBOT_TELEGRAM_SECRET": SECRET,
        },
        dotenv=None,
    )
    with engine.connect() as connection:
        outer = connection.begin()
        sessions = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        wiring = dataclasses.replace(build_container(settings), sessions=sessions)
        try:
            yield TelegramGateway(fake, api_url, FakeDialogue(), sessions, wiring)
        finally:
            wiring.engine.dispose()
            outer.rollback()


def test_a_conversation_reaches_the_bot_and_its_replies_reach_send_message(
    tg: TelegramGateway,
) -> None:
    tg.dialogue.replies = [
        BotMessage("Hi! How can I help?"),
        BotMessage("Pick one", (Button("Balance", "/check_balance"),)),
    ]
    tg.send(text_update(1, CHAT, "hi"), text_update(2, CHAT, "how much do I owe"))
    assert tg.dialogue.calls == [
        (SENDER, "hi", {"channel": "telegram", "address": str(CHAT), "language": "en"}),
        (
            SENDER,
            "how much do I owe",
            {"channel": "telegram", "address": str(CHAT), "language": "en"},
        ),
    ]
    assert [(m["chat_id"], m["text"]) for m in tg.fake.sent] == [
        (str(CHAT), "Hi! How can I help?"),
        (str(CHAT), "Pick one"),
    ] * 2
    assert tg.fake.sent[1]["reply_markup"] == {
        "inline_keyboard": [[{"text": "Balance", "callback_data": "/check_balance"}]]
    }
    assert [d for d, _, _ in tg.transcript()] == ["in", "out", "out", "in", "out", "out"]


def test_replies_are_recorded_with_telegrams_ids_and_status(tg: TelegramGateway) -> None:
    tg.send(text_update(1, CHAT, "hi"))
    with tg.sessions() as session:
        row = session.execute(
            select(Message.provider, Message.provider_id, Message.delivery_status).where(
                Message.direction == "out"
            )
        ).one()
    assert (row.provider, row.delivery_status) == ("telegram", "sent")
    assert row.provider_id is not None
    assert row.provider_id.startswith(f"{CHAT}:")


@pytest.mark.parametrize("secret", [None, "wrong", ""], ids=["missing", "wrong", "blank"])
def test_a_wrong_or_missing_secret_is_403_and_nothing_is_recorded(
    tg: TelegramGateway, secret: str | None
) -> None:
    (response,) = tg.post(text_update(1, CHAT, "hi"), secret=secret)
    assert response.status_code == 403
    assert tg.transcript() == []
    assert tg.dialogue.calls == []
    assert tg.fake.sent == []


def test_without_a_configured_secret_every_update_is_403(tg: TelegramGateway) -> None:
    tg.wiring = dataclasses.replace(
        tg.wiring, settings=dataclasses.replace(tg.wiring.settings, telegram_secret="")
    )
    (response,) = tg.post(text_update(1, CHAT, "hi"), secret="")
    assert response.status_code == 403
    assert tg.transcript() == []


def test_a_redelivered_update_is_handled_once(tg: TelegramGateway) -> None:
    tg.send(text_update(7, CHAT, "hi"), text_update(7, CHAT, "hi"))
    assert len(tg.dialogue.calls) == 1
    assert len(tg.fake.sent) == 1
    assert tg.transcript() == [("in", "customer", "hi"), ("out", "bot", "Hi! How can I help?")]


def test_start_with_a_code_links_the_chat_to_the_account(tg: TelegramGateway) -> None:
    account_id = tg.add_account("A-104321")
    code = tg.issue("A-104321")
    tg.send(text_update(1, CHAT, f"/start {code}"))
    assert tg.telegram_chat_of(account_id) == str(CHAT)
    assert "linked to account ending 4321" in tg.fake.sent[0]["text"]
    assert tg.dialogue.calls == []
    assert tg.transcript()[0] == ("in", "customer", START_LOGGED)
    assert all(code not in body for _, _, body in tg.transcript())


def test_a_consumer_linking_the_chat_hears_the_disclosure(tg: TelegramGateway) -> None:
    tg.add_account("C-1", consumer=True)
    tg.send(text_update(1, CHAT, f"/start {tg.issue('C-1')}"))
    assert tg.fake.sent[0]["text"].startswith(disclosure("Acme Supply Co."))


def test_a_used_code_is_refused_and_the_first_chat_stays_linked(tg: TelegramGateway) -> None:
    account_id = tg.add_account("A-104321")
    code = tg.issue("A-104321")
    tg.send(text_update(1, CHAT, f"/start {code}"), text_update(2, 777, f"/start {code}"))
    assert tg.telegram_chat_of(account_id) == str(CHAT)
    refusal = tg.fake.sent[1]
    assert refusal["chat_id"] == "777"
    assert "did not work (code already used)" in refusal["text"]


def test_an_expired_code_is_refused(tg: TelegramGateway) -> None:
    account_id = tg.add_account("A-104321")
    code = tg.issue("A-104321", at=NOW - timedelta(hours=25))
    tg.send(text_update(1, CHAT, f"/start {code}"))
    assert tg.telegram_chat_of(account_id) is None
    assert "did not work (code expired at" in tg.fake.sent[0]["text"]


def test_a_redelivered_start_with_a_code_is_answered_once(tg: TelegramGateway) -> None:
    tg.add_account("A-104321")
    code = tg.issue("A-104321")
    tg.send(text_update(1, CHAT, f"/start {code}"), text_update(1, CHAT, f"/start {code}"))
    assert len(tg.fake.sent) == 1
    assert "linked" in tg.fake.sent[0]["text"]


def test_a_bare_start_greets_through_the_bot(tg: TelegramGateway) -> None:
    tg.send(text_update(1, CHAT, "/start"))
    assert tg.dialogue.calls[0][:2] == (SENDER, GREETING)
    assert [m["text"] for m in tg.fake.sent] == ["Hi! How can I help?"]


def test_stop_opts_the_chat_out_of_telegram_and_confirms(tg: TelegramGateway) -> None:
    account_id = tg.add_account("A-104321")
    tg.send(text_update(1, CHAT, f"/start {tg.issue('A-104321')}"))
    tg.send(text_update(2, CHAT, "/stop@arbot_test_bot"))
    with tg.sessions() as session:
        preference = session.get(ContactPreference, account_id)
        assert preference is not None
        assert (preference.telegram_opt_out, preference.sms_opt_out) == (True, False)
    assert tg.fake.sent[-1]["text"] == say(
        keywords.TELEGRAM_ANSWERS[Keyword.STOP], "en", company="Acme Supply Co."
    )
    assert tg.dialogue.calls == []


def test_a_bare_start_after_stop_turns_automated_messages_back_on(tg: TelegramGateway) -> None:
    account_id = tg.add_account("A-104321")
    tg.send(text_update(1, CHAT, f"/start {tg.issue('A-104321')}"))
    tg.send(text_update(2, CHAT, "/stop"))
    tg.send(text_update(3, CHAT, "/start"))
    with tg.sessions() as session:
        preference = session.get(ContactPreference, account_id)
        assert preference is not None
        assert preference.telegram_opt_out is False
    assert tg.dialogue.calls[-1][:2] == (SENDER, GREETING)


def test_help_answers_with_the_help_text(tg: TelegramGateway) -> None:
    tg.send(text_update(1, CHAT, "/help"))
    with tg.sessions() as session:
        expected = keywords.obey(
            session, Keyword.HELP, "telegram", str(CHAT), NOW, company="Acme Supply Co."
        )
    assert [m["text"] for m in tg.fake.sent] == [expected]
    assert tg.dialogue.calls == []


def test_a_pressed_button_is_answered_and_its_data_reaches_the_bot(tg: TelegramGateway) -> None:
    tg.send(callback_update(3, CHAT, "/affirm", callback_id="cb-9"))
    assert tg.fake.answered == ["cb-9"]
    assert tg.dialogue.calls[0][:2] == (SENDER, "/affirm")
    assert len(tg.fake.sent) == 1


def test_a_button_sent_by_position_reaches_the_bot_as_its_title(tg: TelegramGateway) -> None:
    keyboard = [("Yes", "/affirm"), ("Invoice INV-99", "#2")]
    tg.send(callback_update(3, CHAT, "#2", keyboard=keyboard))
    assert tg.dialogue.calls[0][:2] == (SENDER, "Invoice INV-99")


def test_a_redelivered_button_press_reaches_the_bot_once(tg: TelegramGateway) -> None:
    tg.send(callback_update(3, CHAT, "/affirm"), callback_update(3, CHAT, "/affirm"))
    assert len(tg.dialogue.calls) == 1


def test_a_5000_character_text_is_cut_at_4096(tg: TelegramGateway) -> None:
    tg.send(text_update(1, CHAT, "x" * 5000))
    assert tg.dialogue.calls[0][1] == "x" * 4096
    assert tg.transcript()[0] == ("in", "customer", "x" * 4096)


def test_an_unknown_chat_is_answered_by_the_bot_and_linked_to_nothing(
    tg: TelegramGateway,
) -> None:
    tg.send(text_update(1, 999_001, "hello?"))
    assert [m["chat_id"] for m in tg.fake.sent] == ["999001"]
    with tg.sessions() as session:
        assert session.scalars(select(Contact).where(Contact.channel == "telegram")).all() == []


def test_a_blocked_bot_still_answers_the_webhook_and_records_the_failure(
    tg: TelegramGateway,
) -> None:
    tg.fake.fail("sendMessage", "blocked")
    tg.send(text_update(1, CHAT, "hi"))
    with tg.sessions() as session:
        status = session.scalar(select(Message.delivery_status).where(Message.direction == "out"))
    assert status == "failed"


@pytest.mark.parametrize(
    "update",
    [
        text_update(1, CHAT, "hi", kind="edited_message"),
        sticker_update(1, CHAT),
        text_update(1, -100123, "hi", chat_type="group"),
        {"update_id": 1, "my_chat_member": {}},
    ],
    ids=["edited", "sticker", "group", "other kind"],
)
def test_updates_it_does_not_handle_are_200_and_ignored(
    tg: TelegramGateway, update: dict[str, Any]
) -> None:
    tg.send(update)
    assert tg.dialogue.calls == []
    assert tg.transcript() == []
    assert tg.fake.sent == []


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"{not json", "body: not valid JSON"),
        (b"[1, 2]", "body: expected a JSON object"),
        (b'{"message": {}}', "update_id: missing"),
        (b'{"update_id": "7"}', "update_id: missing or not an integer"),
    ],
    ids=["not json", "not an object", "no update id", "update id not an integer"],
)
def test_a_body_that_is_not_an_update_is_400(
    tg: TelegramGateway, content: bytes, error: str
) -> None:
    (response,) = tg.post(content=content)
    assert response.status_code == 400
    assert response.json()["error"].startswith(error)
    assert tg.dialogue.calls == []
