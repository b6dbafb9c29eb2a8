"""The Twilio SMS webhook and status callback: the real app, the fake dialogue, the real
Twilio sender talking to a local fake of the Messages API."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker
from starlette.applications import Starlette
from twilio.request_validator import RequestValidator

from bot.container import build_container
from bot.db.models import ContactPreference, Conversation, Message
from bot.policy.catalog import say
from bot.policy.keywords import Keyword
from bot.services.chat import TEXT_ONLY_REPLY, ChatDesk, disclosure
from bot.services.delivery import Postman, deliver
from bot.services.keywords import SMS_ANSWERS
from bot.settings import load_settings
from bot.web import twilio as twilio_web
from bot.web.app import create_app
from integrations.providers import build_senders
from integrations.rasa import BotMessage, Button
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM, INVALID_TO, FakeTwilio
from tests.fakes.twilio_api import fake_twilio as serve_fake_twilio
from tests.web.conftest import NOW, FakeDialogue, Gateway

PUBLIC_URL = "https://arbot.example.com"
PHONE = "+16175550101"
COMPANY = "Acme Supply Co."
SMS = twilio_web.SMS_PATH
STATUS = twilio_web.STATUS_PATH
T = TypeVar("T")


@dataclass
class SmsGateway:
    """The app as Twilio sees it, on one event loop for the whole test."""

    gateway: Gateway
    twilio: FakeTwilio
    postman: Postman
    loop: asyncio.AbstractEventLoop
    client: httpx.AsyncClient

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(work)

    def post(
        self, path: str, form: dict[str, str], *, signature: str | None = "sign"
    ) -> httpx.Response:
        """Posts ``form``; signed as Twilio signs unless another signature (or None) is given."""
        headers = {}
        if signature is not None:
            headers["X-Twilio-Signature"] = sign(path, form) if signature == "sign" else signature
        return self.run(self.client.post(path, data=form, headers=headers))

    def text(self, body: str | None, *, sid: str | None = None, sender: str = PHONE) -> str:
        """A customer texts ``body``; returns the MessageSid. The webhook must answer TwiML."""
        sid = sid or f"SM{uuid.uuid4().hex}"
        form = {"From": sender, "To": FROM, "MessageSid": sid, "AccountSid": ACCOUNT_SID}
        if body is not None:
            form["Body"] = body
        response = self.post(SMS, form)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/xml")
        assert response.text == twilio_web.EMPTY_TWIML
        self.work()
        return sid

    def work(self) -> None:
        """What runs behind the webhook: the turn worker answers, the dispatcher sends."""
        self.run(self.gateway.app.state.workers.drain())

    def rows(self, address: str = PHONE) -> list[tuple[str, str, str | None, str | None]]:
        """(direction, body, provider id, delivery status) of every SMS message, oldest first."""
        with self.gateway.sessions() as session:
            found = session.execute(
                select(
                    Message.direction, Message.body, Message.provider_id, Message.delivery_status
                )
                .where(Message.channel == "sms", Message.address == address)
                .order_by(Message.id)
            ).all()
        return [tuple(row) for row in found]

    def opted_out(self, account_id: int) -> bool:
        with self.gateway.sessions() as session:
            preference = session.get(ContactPreference, account_id)
            return preference is not None and preference.sms_opt_out


def sign(path: str, form: dict[str, str]) -> str:
    return str(RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + path, form))


@pytest.fixture(scope="module")
def served_twilio() -> Iterator[FakeTwilio]:
    with serve_fake_twilio() as fake:
        yield fake


@pytest.fixture
def sms(engine: Engine, served_twilio: FakeTwilio) -> Iterator[SmsGateway]:
    served_twilio.reset()
    settings = load_settings(
        {
            "ARBOT_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "ARBOT_NOW": NOW.isoformat(),
            "ARBOT_PUBLIC_URL": PUBLIC_URL,
            "ARBOT_SMS_PROVIDER": "twilio",
            "ARBOT_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "ARBOT_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "ARBOT_TWILIO_FROM": FROM,
            "ARBOT_TWILIO_API_URL": served_twilio.url,
        },
        dotenv=None,
    )
    loop = asyncio.new_event_loop()
    senders = build_senders(settings)
    with engine.connect() as connection:
        outer = connection.begin()
        sessions = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        wiring = dataclasses.replace(build_container(settings), sessions=sessions)
        dialogue = FakeDialogue()
        app = create_app(wiring, dialogue=dialogue, senders=senders)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL)
        postman = Postman(sessions, wiring.clock, senders)
        harness = SmsGateway(Gateway(dialogue, sessions, app), served_twilio, postman, loop, client)
        try:
            yield harness
        finally:
            harness.run(client.aclose())
            for sender in senders.values():
                harness.run(sender.aclose())
            loop.close()
            wiring.engine.dispose()
            outer.rollback()


def test_an_sms_conversation_is_answered_through_the_messages_api(sms: SmsGateway) -> None:
    sms.gateway.add_account("C-1", PHONE, consumer=True)
    sms.gateway.dialogue.replies = [BotMessage("Hello!"), BotMessage("How can I help?")]
    first = sms.text("hi")
    second = sms.text("how much do I owe")
    assert sms.twilio.bodies() == [
        f"{disclosure(COMPANY)}\nHello!",
        "How can I help?",
        "Hello!",
        "How can I help?",
    ]
    assert {(m["To"], m["From"]) for m in sms.twilio.accepted} == {(PHONE, FROM)}
    assert [call[:2] for call in sms.gateway.dialogue.calls] == [
        (f"sms:{PHONE}", "hi"),
        (f"sms:{PHONE}", "how much do I owe"),
    ]
    sids = [m["Sid"] for m in sms.twilio.accepted]
    assert sms.rows() == [
        ("in", "hi", first, None),
        ("out", f"{disclosure(COMPANY)}\nHello!", sids[0], "queued"),
        ("out", "How can I help?", sids[1], "queued"),
        ("in", "how much do I owe", second, None),
        ("out", "Hello!", sids[2], "queued"),
        ("out", "How can I help?", sids[3], "queued"),
    ]


@pytest.mark.parametrize(
    "signature", ["not-a-signature", sign(SMS, {"From": PHONE})], ids=["garbage", "other form"]
)
def test_a_bad_signature_is_403_and_nothing_is_recorded(sms: SmsGateway, signature: str) -> None:
    response = sms.post(
        SMS, {"From": PHONE, "Body": "hi", "MessageSid": "SM1"}, signature=signature
    )
    assert response.status_code == 403
    assert (sms.rows(), sms.gateway.dialogue.calls, sms.twilio.accepted) == ([], [], [])


def test_a_missing_signature_is_403(sms: SmsGateway) -> None:
    response = sms.post(SMS, {"From": PHONE, "Body": "hi", "MessageSid": "SM1"}, signature=None)
    assert response.status_code == 403
    assert sms.rows() == []


def test_a_signature_over_another_url_than_the_public_one_is_403(sms: SmsGateway) -> None:
    form = {"From": PHONE, "Body": "hi", "MessageSid": "SM1"}
    elsewhere = RequestValidator(AUTH_TOKEN).compute_signature(f"http://127.0.0.1:8000{SMS}", form)
    assert sms.post(SMS, form, signature=str(elsewhere)).status_code == 403


def test_every_request_is_403_while_no_auth_token_is_configured(sms: SmsGateway) -> None:
    desk = ChatDesk(sms.gateway.sessions, sms.postman.clock, sms.gateway.dialogue, COMPANY)
    app = Starlette(routes=twilio_web.routes(desk, auth_token="", public_url=PUBLIC_URL))
    form = {"From": PHONE, "Body": "hi", "MessageSid": "SM1"}

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
            return await client.post(
                SMS, data=form, headers={"X-Twilio-Signature": sign(SMS, form)}
            )

    assert sms.run(post()).status_code == 403
    assert sms.rows() == []


def test_a_replayed_message_sid_is_recorded_and_answered_once(sms: SmsGateway) -> None:
    sid = sms.text("hi")
    sms.text("hi", sid=sid)
    assert [row[:2] for row in sms.rows()] == [("in", "hi"), ("out", "Hi! How can I help?")]
    assert len(sms.twilio.accepted) == 1
    assert len(sms.gateway.dialogue.calls) == 1


def test_a_message_without_body_is_recorded_and_answered_without_the_bot(
    sms: SmsGateway,
) -> None:
    sms.text(None)
    assert sms.rows()[0][:2] == ("in", "")
    assert sms.gateway.dialogue.calls == []
    assert sms.twilio.bodies() == [TEXT_ONLY_REPLY]


def test_a_5000_character_message_is_cut_to_1600(sms: SmsGateway) -> None:
    sms.text("x" * 5000)
    assert len(sms.rows()[0][1]) == 1600
    assert sms.gateway.dialogue.calls[0][1] == "x" * 1600


def test_bytes_that_are_not_utf8_are_read_with_replacement_characters(sms: SmsGateway) -> None:
    content = b"From=%2B16175550101&MessageSid=SMbytes&Body=caf\xe9+ok%FF"
    decoded = {"From": PHONE, "MessageSid": "SMbytes", "Body": "caf\ufffd ok\ufffd"}
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": sign(SMS, decoded),
    }
    response = sms.run(sms.client.post(SMS, content=content, headers=headers))
    assert response.status_code == 200
    assert sms.rows()[0][:2] == ("in", "caf\ufffd ok\ufffd")


@pytest.mark.parametrize("sender", [None, "", "   "], ids=["missing", "empty", "blank"])
def test_a_missing_or_blank_from_is_400_naming_the_field(
    sms: SmsGateway, sender: str | None
) -> None:
    form = {"Body": "hi", "MessageSid": "SM1"} | ({} if sender is None else {"From": sender})
    response = sms.post(SMS, form)
    assert response.status_code == 400
    assert response.json()["field"] == "From"
    assert sms.gateway.dialogue.calls == []


def test_a_form_larger_than_twilio_sends_is_413(sms: SmsGateway) -> None:
    response = sms.post(SMS, {"From": PHONE, "Body": "x" * 70_000, "MessageSid": "SM1"})
    assert response.status_code == 413
    assert sms.rows() == []


def test_an_unknown_sender_is_answered_without_an_account(sms: SmsGateway) -> None:
    stranger = "+16175559999"
    sms.text("who is this", sender=stranger)
    assert [(m["To"], m["Body"]) for m in sms.twilio.accepted] == [
        (stranger, "Hi! How can I help?")
    ]
    with sms.gateway.sessions() as session:
        conversation = session.scalars(select(Conversation)).one()
    assert (conversation.sender, conversation.account_id) == (stranger, None)


def test_stop_opts_out_with_one_confirmation_holds_reminders_and_start_opts_back_in(
    sms: SmsGateway,
) -> None:
    account_id = sms.gateway.add_account("B-1", PHONE, consumer=False)
    sms.text("STOP")
    assert sms.opted_out(account_id)
    assert sms.twilio.bodies() == [say(SMS_ANSWERS[Keyword.STOP], "en", company=COMPANY)]
    reminder = sms.run(
        deliver(sms.postman, "sms", PHONE, BotMessage("Reminder"), key="r:1", automated=True)
    )
    assert (reminder.status, reminder.reason) == ("held", "opted_out")
    assert len(sms.twilio.accepted) == 1
    sms.text("start")
    assert not sms.opted_out(account_id)
    assert sms.twilio.bodies()[1:] == [say(SMS_ANSWERS[Keyword.START], "en", company=COMPANY)]
    assert sms.gateway.dialogue.calls == []


def test_a_number_after_options_reaches_the_dialogue_as_that_options_payload(
    sms: SmsGateway,
) -> None:
    options = (Button("Balance", "/check_balance"), Button("Pay", "/pay_now"))
    sms.gateway.dialogue.replies = [BotMessage("Pick one", options)]
    sms.text("hi")
    assert sms.twilio.bodies() == ["Pick one\n1) Balance\n2) Pay\nReply 1 or 2"]
    sms.text("2")
    assert sms.gateway.dialogue.calls[-1][1] == "/pay_now"


def test_a_reply_twilio_refuses_is_stored_failed_and_the_webhook_still_answers(
    sms: SmsGateway,
) -> None:
    sms.twilio.fail(INVALID_TO)
    sms.text("hi")
    assert [row[3] for row in sms.rows()] == [None, "failed"]


def test_status_callbacks_update_the_delivery_status_and_error(sms: SmsGateway) -> None:
    sms.text("hi")
    sid = sms.twilio.accepted[0]["Sid"]
    delivered = sms.post(STATUS, {"MessageSid": sid, "MessageStatus": "delivered"})
    assert delivered.status_code == 200
    assert sms.rows()[1][3] == "delivered"
    sms.post(STATUS, {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30007"})
    with sms.gateway.sessions() as session:
        row = session.scalars(select(Message).where(Message.provider_id == sid)).one()
    assert (row.delivery_status, row.error) == ("undelivered", "30007")


def test_a_status_callback_for_an_unknown_sid_is_200(sms: SmsGateway) -> None:
    response = sms.post(STATUS, {"MessageSid": "SMunknown", "MessageStatus": "sent"})
    assert response.status_code == 200


def test_an_unsigned_status_callback_is_403_and_changes_nothing(sms: SmsGateway) -> None:
    sms.text("hi")
    sid = sms.twilio.accepted[0]["Sid"]
    form = {"MessageSid": sid, "MessageStatus": "failed"}
    assert sms.post(STATUS, form, signature=None).status_code == 403
    assert sms.rows()[1][3] == "queued"


def test_a_status_callback_without_a_status_is_400_naming_the_field(sms: SmsGateway) -> None:
    response = sms.post(STATUS, {"MessageSid": "SM1"})
    assert response.status_code == 400
    assert response.json()["field"] == "MessageStatus"
