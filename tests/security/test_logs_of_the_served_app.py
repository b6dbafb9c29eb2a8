"""Logs of the real app hold no phone number, token, password or secret.

The web app, served by uvicorn with real Twilio and Telegram senders talking to local
fakes (themselves served by uvicorn), masking installed as the composition root installs
it, is driven through a web chat, SMS (one reply refused by Twilio with the number in its
error), a forged Twilio request, a Telegram update, console logins with a wrong and the
right password and API calls with a bearer token — while every logger of the process,
SQLAlchemy's statements, httpx's and httpcore's requests and uvicorn's access log
included, logs at DEBUG into one handler. None of what it captured holds any of those
values, and it did capture each of those loggers.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from twilio.request_validator import RequestValidator

from bot.container import build_container
from bot.logging_setup import HIDDEN, install_masking, settings_secrets
from bot.services import api_tokens
from bot.services.users import add_user
from bot.settings import Settings, load_settings
from bot.web.app import create_app
from tests.asgi_server import serving
from tests.fakes.telegram_api import FakeTelegram, text_update
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM, Failure, fake_twilio
from tests.security.log_capture import Captured
from tests.web.conftest import NOW, FakeDialogue

WEB_PHONE, SMS_PHONE = "+16175550177", "+16175550188"
CHAT_ID = 5550199001
BOT_TOKEN = "8123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
WEBHOOK_SECRET = "webhook-secret-of-the-log-test"
PASSWORD, WRONG_PASSWORD = "correct horse battery staple", "wrong pony battery stable"
PUBLIC_URL = "https://arbot.example.com"


@dataclass
class Served:
    """The app served by uvicorn, the fakes behind it, and the handler of every record."""

    url: str
    logs: Captured
    telegram: FakeTelegram
    api_token: str


@pytest.fixture
def served(engine: Engine) -> Iterator[Served]:
    """Every logger at DEBUG into one handler (masking installed as the container does),
    and the app with real Twilio and Telegram senders served by uvicorn."""
    saved = _LoggingState.save()
    captured = Captured()
    logging.root.addHandler(captured)
    logging.root.setLevel(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.DEBUG)  # before any connection
    telegram = FakeTelegram(token=BOT_TOKEN)
    try:
        with serving(telegram.app()) as telegram_url, fake_twilio() as twilio:
            settings = _settings(engine, telegram.api_url(telegram_url), twilio.url)
            install_masking(settings_secrets(settings))
            twilio.fail(
                Failure(400, 21211, f"The 'To' number {SMS_PHONE} is not a valid phone number.")
            )
            with engine.connect() as connection:
                outer = connection.begin()
                sessions = sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                                        expire_on_commit=False)  # fmt: skip
                # the app's turn worker and dispatcher run beside its requests, in other
                # threads: one session at a time on the one rolled-back connection
                wiring = dataclasses.replace(
                    build_container(settings), sessions=OneAtATime(sessions)
                )
                with sessions() as session:
                    add_user(session, "ana@example.com", "collector", NOW, PASSWORD)
                with sessions() as session:
                    token = api_tokens.issue(session, "ana@example.com", NOW)
                app = create_app(wiring, dialogue=FakeDialogue())
                try:
                    with serving(app) as url:
                        _every_logger_at_debug_into(captured)
                        yield Served(url, captured, telegram, token)
                finally:
                    wiring.engine.dispose()
                    outer.rollback()
    finally:
        saved.restore(captured)


class OneAtATime:
    """A session factory handing out one session at a time across threads."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._lock = threading.RLock()

    def __call__(self, **kwargs: Any) -> Session:
        self._lock.acquire()
        try:
            session = self._sessions(**kwargs)
        except BaseException:
            self._lock.release()
            raise
        close, released = session.close, [False]

        def close_once() -> None:
            try:
                close()
            finally:
                if not released[0]:
                    released[0] = True
                    self._lock.release()

        session.close = close_once  # type: ignore[method-assign]
        return session


def _settings(engine: Engine, telegram_api: str, twilio_api: str) -> Settings:
    return load_settings(
        {
            "ARBOT_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "ARBOT_NOW": NOW.isoformat(),
            "ARBOT_PUBLIC_URL": PUBLIC_URL,
            "ARBOT_SMS_PROVIDER": "twilio",
            "ARBOT_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "ARBOT_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "ARBOT_TWILIO_FROM": FROM,
            "ARBOT_TWILIO_API_URL": twilio_api,
            "ARBOT_TELEGRAM_PROVIDER": "telegram",
            "ARBOT_TELEGRAM_TOKEN": BOT_TOKEN,
            "ARBOT_TELEGRAM_API_URL": telegram_api,
            "ARBOT_TELEGRAM_SECRET": WEBHOOK_SECRET,
        },
        dotenv=None,
    )


@dataclass
class _LoggingState:
    """What the test changes in the logging module, to put back."""

    factory: object
    levels: dict[str, int]
    propagating: dict[str, bool]

    @classmethod
    def save(cls) -> _LoggingState:
        loggers = _loggers()
        return cls(
            logging.getLogRecordFactory(),
            {name: lg.level for name, lg in loggers.items()} | {"": logging.root.level},
            {name: lg.propagate for name, lg in loggers.items()},
        )

    def restore(self, captured: Captured) -> None:
        logging.setLogRecordFactory(self.factory)  # type: ignore[arg-type]
        for name, lg in _loggers().items():
            lg.removeHandler(captured)
            lg.setLevel(self.levels.get(name, logging.NOTSET))
        logging.root.removeHandler(captured)
        logging.root.setLevel(self.levels[""])


def _loggers() -> dict[str, logging.Logger]:
    found = logging.root.manager.loggerDict.items()
    return {name: lg for name, lg in found if isinstance(lg, logging.Logger)}


def _every_logger_at_debug_into(captured: Captured) -> None:
    """After uvicorn has configured its loggers: everything at DEBUG, and the loggers that
    do not hand their records up (uvicorn's) hand them to the capture too."""
    for logger in _loggers().values():
        logger.setLevel(logging.DEBUG)
        if not logger.propagate:
            logger.addHandler(captured)


def _cookie(response: httpx.Response, name: str) -> str:
    found = re.search(rf"{name}=([^;]+)", response.headers.get("set-cookie", ""))
    assert found is not None, response.headers
    return found.group(1)


def test_driving_every_channel_logs_no_phone_token_password_or_secret(served: Served) -> None:
    with httpx.Client(base_url=served.url, timeout=30) as http:
        said = {"sender": WEB_PHONE, "message": f"call me on {WEB_PHONE}"}
        chat = http.post("/webhooks/rest/webhook", json=said)
        texts = [_sms(http, sid, "what do I owe") for sid in ("SM" + "a" * 32, "SM" + "b" * 32)]
        forged = http.post("/webhooks/twilio/sms", data={"From": SMS_PHONE, "Body": "hi"},
                           headers={"X-Twilio-Signature": "forged"})  # fmt: skip
        update = http.post("/webhooks/telegram", json=text_update(8001, CHAT_ID, "hello"),
                           headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET})  # fmt: skip
        form = http.get("/console/login")
        csrf_cookie = _cookie(form, "arbot_csrf")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert csrf is not None
        logins = [
            http.post("/console/login", headers={"cookie": f"arbot_csrf={csrf_cookie}"},
                      data={"csrf_token": csrf.group(1), "email": "ana@example.com",
                            "password": password})
            for password in (WRONG_PASSWORD, PASSWORD)
        ]  # fmt: skip
        session = _cookie(logins[1], "arbot_session")
        queue = http.get("/console/queue", headers={"cookie": f"arbot_session={session}"})
        api = http.get("/api/escalations", headers={"authorization": f"Bearer {served.api_token}"})
        refused = http.get(
            "/api/escalations", headers={"authorization": f"Bearer {served.api_token}x"}
        )

    deadline = time.monotonic() + 30  # the turn worker and the dispatcher answer behind
    while time.monotonic() < deadline and not (
        served.telegram.sent
        and "bot.services.dispatch" in {record.name for record in served.logs.records}
    ):
        time.sleep(0.05)
    answers = [chat, *texts, forged, update, *logins, queue, api, refused]
    assert [r.status_code for r in answers] == [200, 200, 200, 403, 200, 401, 303, 200, 200, 401]
    assert [m["chat_id"] for m in served.telegram.sent] == [str(CHAT_ID)]
    logged = served.logs.text()
    secrets = {
        "web phone": WEB_PHONE[1:], "sms phone": SMS_PHONE[1:],
        "web phone, national": WEB_PHONE[2:], "sms phone, national": SMS_PHONE[2:],
        "telegram chat id": str(CHAT_ID),
        "bot token": BOT_TOKEN.split(":")[1], "webhook secret": WEBHOOK_SECRET,
        "twilio auth token": AUTH_TOKEN, "password": PASSWORD, "wrong password": WRONG_PASSWORD,
        "api token": served.api_token, "session cookie": session, "login csrf": csrf_cookie,
    }  # fmt: skip
    assert [name for name, value in secrets.items() if value in logged] == []
    names = {record.name for record in served.logs.records}
    assert {"httpx", "sqlalchemy.engine.Engine", "uvicorn.access", "bot.services.dispatch",
            "bot.web.twilio", "bot.web.telegram"} <= names  # fmt: skip
    for seen in ("•••0177", "•••0188", f"/bot{HIDDEN}/sendMessage", "INSERT INTO messages"):
        assert seen in logged, seen


def _sms(http: httpx.Client, sid: str, body: str) -> httpx.Response:
    form = {"From": SMS_PHONE, "To": FROM, "Body": body, "MessageSid": sid}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        PUBLIC_URL + "/webhooks/twilio/sms", form
    )
    return http.post("/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})
