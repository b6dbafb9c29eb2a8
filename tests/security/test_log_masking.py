"""Log masking (:mod:`bot.logging_setup`): which text is hidden, and how records carry it.

:func:`~bot.logging_setup.mask` on a table of lines; the record factory on every way a
record carries text (arguments, numbers, mappings, tracebacks, stacks, uvicorn's access
log, which reads its arguments one by one); the composition root installing it in a
fresh process. ``test_logs_of_the_served_app`` drives the real app and reads every log.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
import uvicorn.logging

from bot.logging_setup import HIDDEN, mask, masking_factory, settings_secrets
from bot.settings import load_settings
from tests.security.log_capture import Captured

BOT_TOKEN = "8123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
WEBHOOK_SECRET = "webhook-secret-of-the-log-test"


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
