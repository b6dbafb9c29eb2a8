"""End-to-end harness: the action server, Rasa and the web app, started once per test session.

Each runs as its own process, as ``arbot run`` starts them, on free ports, against a
temporary SQLite database that is migrated and loaded with the demo portfolio, with
``ARBOT_NOW`` fixed. Rasa serves the newest ``models/arbot-*.tar.gz`` (``make model``
builds it; ``ARBOT_TEST_RASA_MODEL`` names another). Without a model or the Rasa
environment the e2e tests are skipped, and pytest says why.

Tests talk to the gateway the way a customer's client does (:meth:`Stack.chat`) and read the
transcript from the database (:attr:`Stack.db`).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import httpx
import pytest
from sqlalchemy import Engine

from bot.cli.run import project_root
from bot.db.engine import make_engine
from integrations import rasa_server
from tests.asgi_server import free_port, serving
from tests.cli.runner import NOW, arbot
from tests.fakes.stripe_api import FakeStripe
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FROM as TWILIO_FROM
from tests.fakes.twilio_api import FakeTwilio

READY_SECONDS = float(os.environ.get("ARBOT_TEST_RASA_START_SECONDS", "240"))
CHAT_TIMEOUT = httpx.Timeout(120.0, connect=5.0)
TELEGRAM_SECRET = "e2e-telegram-secret"


@dataclass(frozen=True)
class Stack:
    """The running processes, how to reach them, and the providers' fakes they send to."""

    web_url: str
    rasa_url: str
    action_url: str
    database_url: str
    db: Engine
    logs: Path
    twilio: FakeTwilio
    telegram: FakeTelegram
    stripe: FakeStripe

    def chat(self, sender: str, message: str) -> list[dict[str, Any]]:
        """Posts one message to the gateway's web chat endpoint; returns its JSON answer."""
        response = httpx.post(
            f"{self.web_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=CHAT_TIMEOUT,
        )
        response.raise_for_status()
        answer: list[dict[str, Any]] = response.json()
        return answer


@dataclass
class _Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    sink: TextIO

    def tail(self, lines: int = 40) -> str:
        self.sink.flush()
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=15)
        self.sink.close()


def _model(root: Path) -> Path:
    named = os.environ.get("ARBOT_TEST_RASA_MODEL")
    if named:
        if not Path(named).is_file():
            pytest.fail(f"ARBOT_TEST_RASA_MODEL={named} is not a file")
        return Path(named).resolve()
    model = rasa_server.newest_model(root / "models")
    if model is None:
        pytest.skip(f"no trained Rasa model in {root / 'models'} (run `make model`)")
    return model


def _start(
    name: str, argv: tuple[str, ...], env: Mapping[str, str], logs: Path, cwd: Path | None = None
) -> _Process:
    log = logs / f"{name}.log"
    sink = log.open("w", encoding="utf-8")
    popen = subprocess.Popen(  # noqa: S603
        argv, env=dict(env), cwd=cwd, stdout=sink, stderr=subprocess.STDOUT
    )
    return _Process(name, popen, log, sink)


def _wait_ready(process: _Process, url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            pytest.fail(
                f"{process.name} exited with status {process.popen.returncode}:\n{process.tail()}"
            )
        try:
            if httpx.get(url, timeout=2).status_code == httpx.codes.OK:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{process.name} not ready at {url} in {READY_SECONDS:.0f} s:\n{process.tail()}")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Action server + Rasa + web app on a demo database, once for the whole session."""
    root = project_root()
    rasa = root / ".venv" / "rasa" / "bin" / "rasa"
    if not rasa.is_file():
        pytest.skip(f"the Rasa environment is missing ({rasa}; run `make envs`)")
    model = _model(root)
    work = tmp_path_factory.mktemp("e2e")
    database_url = f"sqlite:///{work / 'arbot.db'}"
    for step in (("db", "upgrade"), ("demo",)):
        done = arbot(*step, database=database_url)
        assert done.code == 0, f"arbot {' '.join(step)} failed: {done.err}"

    web_port, rasa_port, action_port = free_port(), free_port(), free_port()
    web_url, rasa_url = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{rasa_port}"
    action_url = f"http://127.0.0.1:{action_port}/webhook"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ARBOT_")},
        **rasa_server.RASA_ENVIRONMENT,
        "ARBOT_DATABASE_URL": database_url,
        "ARBOT_NOW": NOW,
        "ARBOT_RASA_URL": rasa_url,
        "ARBOT_ACTION_SERVER_URL": action_url,
        # every test customer chats from 127.0.0.1, faster than people type: a limit far
        # above what the suite sends, so the limiter runs without refusing (tests/web)
        "ARBOT_WEBCHAT_RATE_LIMIT": "100000",
    }
    # the tracker store arbot run derives from the AR database: a file beside it
    endpoints, credentials = rasa_server.write_config(
        work, action_url, rasa_server.default_tracker_store(database_url)
    )
    actions = rasa_server.action_server_command(sys.executable, action_url)
    rasa_cmd = rasa_server.rasa_command(rasa, model, rasa_url, endpoints, credentials, project=root)
    web = (sys.executable, "-m", "uvicorn", "--factory", "bot.web.app:create_app")
    web += ("--port", str(web_port), "--log-level", "warning", "--ws", "none")

    twilio, telegram = FakeTwilio(), FakeTelegram()
    # keys made up for this run: the real stripe client talks to the fake
    stripe = FakeStripe("sk_test_" + secrets.token_hex(12), "whsec_" + secrets.token_hex(16))
    stripe.now = int(datetime.fromisoformat(NOW).timestamp())
    processes: list[_Process] = []
    db = make_engine(database_url)
    with ExitStack() as fakes:
        twilio.url = fakes.enter_context(serving(twilio.app()))
        telegram_url = telegram.api_url(fakes.enter_context(serving(telegram.app())))
        stripe.base_url = fakes.enter_context(serving(stripe.app()))
        env |= {  # the real Twilio and Telegram adapters, sending to the fakes
            "ARBOT_PUBLIC_URL": web_url,
            "ARBOT_SMS_PROVIDER": "twilio",
            "ARBOT_TWILIO_ACCOUNT_SID": twilio.account_sid,
            "ARBOT_TWILIO_AUTH_TOKEN": twilio.auth_token,
            "ARBOT_TWILIO_FROM": TWILIO_FROM,
            "ARBOT_TWILIO_API_URL": twilio.url,
            "ARBOT_TELEGRAM_PROVIDER": "telegram",
            "ARBOT_TELEGRAM_TOKEN": telegram.token,
            "ARBOT_TELEGRAM_SECRET": TELEGRAM_SECRET,
            "ARBOT_TELEGRAM_API_URL": telegram_url,
            "ARBOT_PAYMENT_PROVIDER": "stripe",
            "ARBOT_STRIPE_SECRET_KEY": stripe.api_key,
            "ARBOT_STRIPE_WEBHOOK_SECRET": stripe.webhook_secret,
            "ARBOT_STRIPE_API_URL": stripe.base_url,
        }
        try:
            processes.append(_start("actions", actions.argv, {**env, **actions.env}, work))
            processes.append(_start("rasa", rasa_cmd.argv, env, work, cwd=rasa_cmd.cwd))
            processes.append(_start("web", web, env, work))
            deadline = time.monotonic() + READY_SECONDS
            _wait_ready(processes[0], f"http://127.0.0.1:{action_port}/health", deadline)
            _wait_ready(processes[1], f"{rasa_url}/status", deadline)
            _wait_ready(processes[2], f"{web_url}/health", deadline)
            yield Stack(
                web_url, rasa_url, action_url, database_url, db, work, twilio, telegram, stripe
            )
        finally:
            for process in reversed(processes):
                process.stop()
            db.dispose()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every e2e test is slow (it needs the stack)."""
    for item in items:
        if "tests/e2e/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.slow)
