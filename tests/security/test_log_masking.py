"""Logs never hold a full phone number, a token, a password or a secret.

:func:`bot.logging_setup.mask` is checked on a table of lines; the record factory on the
ways records carry text (arguments, numbers, mappings, tracebacks, uvicorn's access log);
the composition root installs it in a fresh process. Then the real web app, served by
uvicorn with real Twilio and Telegram senders talking to local fakes (themselves served
by uvicorn), is driven through a web chat, SMS (one reply refused by Twilio with the
number in its error), a forged Twilio request, a Telegram update, console logins with a
wrong and the right password and API calls with a bearer token — while every logger of
the process, SQLAlchemy's statements, httpx's requests and uvicorn's access log included,
logs at DEBUG into one handler. None of what it captured holds any of those values.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn.logging
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker
from twilio.request_validator import RequestValidator

from bot.container import build_container
from bot.logging_setup import HIDDEN, install_masking, mask, masking_factory, settings_secrets
from bot.services import api_tokens
from bot.services.users import add_user
from bot.settings import load_settings
from bot.web.app import create_app
from tests.asgi_server import serving
from tests.fakes.telegram_api import FakeTelegram, text_update
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM, Failure, fake_twilio
from tests.web.conftest import NOW, FakeDialogue

WEB_PHONE, SMS_PHONE = "+16175550177", "+16175550188"
CHAT_ID = 5550199001
BOT_TOKEN = "8123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
WEBHOOK_SECRET = "webhook-secret-of-the-log-test"
PASSWORD, WRONG_PASSWORD = "correct horse battery staple", "wrong pony battery stable"
PUBLIC_URL = "https://arbot.example.com"


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("message 12 to +16175550101 failed", "message 12 to +•••••••0101 failed"),
        ("[('web', '+16175550101', 'hi')]", "[('web', '+•••••••0101', 'hi')]"),
        ("call (617) 555-0101 or 617.555.0101", "call ••••••0101 or ••••••0101"),
        ("+1 617 555 0101", "+•••••••0101"),
        ("chat 5550101234 wrote", "chat ••••••1234 wrote"),
        ("POST http://h/bot8123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1/sendMessage",
         "POST http://h/bot•••/sendMessage"),
        ("Authorization: Bearer abcDEF123456789xyz", "Authorization: Bearer •••"),
        ("{'password': 'hunter2!', 'email': 'a@b.com'}", "{'password': '•••', 'email': 'a@b.com'}"),
        ("user=ana&password=hunter2&csrf_token=abc", "user=ana&password=•••&csrf_token=•••"),
        ("X-Telegram-Bot-Api-Secret-Token: s3cr3t", "X-Telegram-Bot-Api-Secret-Token: •••"),
        ("cookie: arbot_session=abcdef123", "cookie: •••"),
        ("postgresql+psycopg://arbot:pa55@db:5432/x", "postgresql+psycopg://arbot:•••@db:5432/x"),
        # left alone: times, amounts, addresses, ids, SIDs, UUIDs, short numbers
        ("2026-11-22 15:00:00,123 took 0.123s", "2026-11-22 15:00:00,123 took 0.123s"),
        ("12,000.00 at 127.0.0.1:8000, id 987654", "12,000.00 at 127.0.0.1:8000, id 987654"),
        ("sid SM0123456789abcdef0123456789abcdef", "sid SM0123456789abcdef0123456789abcdef"),
        ("3f2a1b4c-1234-5678-9abc-def012345678", "3f2a1b4c-1234-5678-9abc-def012345678"),
        ("the token was refused", "the token was refused"),
    ],
)  # fmt: skip
def test_mask_hides_phone_numbers_and_credentials_only(line: str, masked: str) -> None:
    assert mask(line) == masked


def test_settings_secrets_are_every_credential_of_the_settings() -> None:
    settings = load_settings(
        {
            "ARBOT_DATABASE_URL": "postgresql+psycopg://arbot:db-pass-word@db/arbot",
            "ARBOT_TWILIO_AUTH_TOKEN": "twilio-token-value",
            "ARBOT_TELEGRAM_TOKEN": BOT_TOKEN,
            "ARBOT_TELEGRAM_SECRET": WEBHOOK_SECRET,
        },
        dotenv=None,
    )

    assert sorted(settings_secrets(settings)) == sorted(
        ["db-pass-word", "twilio-token-value", BOT_TOKEN, WEBHOOK_SECRET]
    )


@dataclass
class Captured(logging.Handler):
    """Every record handed to it, formatted (message, traceback and stack)."""

    lines: list[str] = dataclasses.field(default_factory=list)
    records: list[logging.LogRecord] = dataclasses.field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))

    def __hash__(self) -> int:  # a Handler is kept in sets by logging
        return id(self)

    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def masked_logger() -> Iterator[tuple[logging.Logger, Captured]]:
    """A logger of its own, at DEBUG, with masking installed and a capturing handler."""
    previous = logging.getLogRecordFactory()
    logging.setLogRecordFactory(masking_factory(previous))
    logger = logging.getLogger("tests.security.masked")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    captured = Captured()
    logger.addHandler(captured)
    try:
        yield logger, captured
    finally:
        logger.removeHandler(captured)
        logging.setLogRecordFactory(previous)


def refuse(reason: str) -> None:
    raise RuntimeError(reason)


def test_every_way_a_record_carries_text_is_masked(
    masked_logger: tuple[logging.Logger, Captured],
) -> None:
    log, captured = masked_logger
    log.warning("to %s: %s", "+16175550101", ValueError("Bearer abcdefghijkl"))
    log.info("chat %d sent %d messages", 5550101234, 3)
    log.info("%(who)s logged in with password=%(pw)s", {"who": "ana", "pw": "hunter2!"})
    try:
        refuse("The 'To' number +16175550101 is not valid")
    except RuntimeError:
        log.exception("sending failed")
    log.debug("stack of a call for +16175550101", stack_info=True)

    assert captured.text().count("+16175550101") == 0
    assert captured.lines[:3] == [
        "tests.security.masked WARNING to +•••••••0101: Bearer •••",
        "tests.security.masked INFO chat ••••••1234 sent 3 messages",
        "tests.security.masked INFO ana logged in with password=•••",
    ]
    assert "RuntimeError: The 'To' number +•••••••0101 is not valid" in captured.lines[3]
    assert "stack of a call for +•••••••0101" in captured.lines[4]


def test_uvicorns_access_log_keeps_its_arguments_and_is_masked(
    masked_logger: tuple[logging.Logger, Captured],
) -> None:
    log, captured = masked_logger
    captured.setFormatter(
        uvicorn.logging.AccessFormatter(
            '%(client_addr)s "%(request_line)s" %(status_code)s', use_colors=False
        )
    )
    path = f"/bot{BOT_TOKEN}/sendMessage?to=%2B16175550101"

    log.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "POST", path, "1.1", 200)

    assert captured.lines == [
        '127.0.0.1:5000 "POST /bot•••/sendMessage?to=%2B16175550101 HTTP/1.1" 200 OK'
    ]


def test_the_composition_root_masks_the_logs_of_its_process(tmp_path: object) -> None:
    script = (
        "import logging\n"
        "from bot.container import container\n"
        "container()\n"
        "logging.basicConfig(format='%(message)s')\n"
        "logging.getLogger('x').warning('from +16175550101, secret %s', 'hook-secret-value')\n"
    )
    env = {
        **os.environ,
        "ARBOT_DATABASE_URL": f"sqlite:///{tmp_path}/arbot.db",
        "ARBOT_TELEGRAM_SECRET": "hook-secret-value",
    }

    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                          timeout=60, check=True)  # fmt: skip

    assert done.stderr.strip() == f"from +•••••••0101, secret {HIDDEN}"


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
                wiring = dataclasses.replace(build_container(settings), sessions=sessions)
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


def _settings(engine: Engine, telegram_api: str, twilio_api: str) -> object:
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
    assert {"httpx", "sqlalchemy.engine.Engine", "uvicorn.access", "bot.services.delivery",
            "bot.web.twilio", "bot.web.telegram"} <= names  # fmt: skip
    for seen in ("•••0177", "•••0188", f"/bot{HIDDEN}/sendMessage", "INSERT INTO messages"):
        assert seen in logged, seen


def _sms(http: httpx.Client, sid: str, body: str) -> httpx.Response:
    form = {"From": SMS_PHONE, "To": FROM, "Body": body, "MessageSid": sid}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        PUBLIC_URL + "/webhooks/twilio/sms", form
    )
    return http.post("/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})
