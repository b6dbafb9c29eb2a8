"""Fixtures of the security tests: the console's app with the webhooks' secrets set, callers
of every kind, and one case of each sort for the pages to show.

The app is the one of ``tests/web/console/conftest.py`` (the real :func:`create_app`, a
fake dialogue engine, outbox senders, a rolled-back transaction per test, SQLite and
PostgreSQL); here it also has a Twilio auth token, a Telegram webhook secret and a public
URL, so the webhooks check signatures instead of refusing everything for want of a key.

Fixtures:

* ``console``, ``console_clock``, ``add_user``, ``client``, ``login_as`` — as in the console
  tests (imported from there).
* ``caller`` — ``caller(name) -> Caller`` for ``anonymous``, a console session of a role
  (``collector`` …) or an API bearer token of a role (``token:collector`` …).
* ``casework`` — account A-7 with an escalation (on a web conversation), a dispute and a
  plan waiting for approval; the ids in a :class:`Casework`.
"""

from __future__ import annotations

import csv
import hashlib
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from starlette.exceptions import StarletteDeprecationWarning

from bot.db.models import Base, Dispute
from bot.imports.loader import ImportReport, import_file
from bot.services import api_tokens
from bot.services.disputes import open_dispute
from bot.services.escalations import escalate
from tests.services.console_seed import add_pending_plan, seed_account
from tests.web.console import conftest as console_fixtures
from tests.web.console.conftest import AddUser, ConsoleApp, LoginAs

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

PUBLIC_URL = "https://arbot.example.com"
TWILIO_AUTH_TOKEN = "twilio-auth-token-of-the-security-tests"
TELEGRAM_SECRET = "telegram-webhook-secret-of-the-security-tests"
#: the phone of account A-7's customer
PHONE = "+16175550101"
#: an id no row has
MISSING_ID = 987654

CallerFactory = Callable[[str], "Caller"]

# the console tests' fixtures, shared (pytest finds fixtures among a conftest's names)
console = console_fixtures.console
console_clock = console_fixtures.console_clock
add_user = console_fixtures.add_user
client = console_fixtures.client
login_as = console_fixtures.login_as


#: the settings of the app under test, on top of the console tests' own
SECURE_ENV = {
    "ARBOT_PUBLIC_URL": PUBLIC_URL,
    "ARBOT_TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
    "ARBOT_TELEGRAM_SECRET": TELEGRAM_SECRET,
}


@pytest.fixture
def console_env() -> dict[str, str]:
    """The console app with a Twilio auth token, a Telegram secret and a public URL."""
    return dict(SECURE_ENV)


@dataclass
class Caller:
    """Someone calling the app: nobody, a signed-in console user, or an API token.

    Attributes:
        name: ``anonymous``, a role, or ``token:<role>``.
        kind: ``anonymous``, ``session`` or ``token``.
        role: the user's role (None for anonymous).
        client: the HTTP client (https, redirects not followed).
        csrf: the console session's CSRF token ("" unless a session).
        token: the API bearer token ("" unless a token).
    """

    name: str
    kind: str
    role: str | None
    client: TestClient
    csrf: str = ""
    token: str = ""

    def send(
        self, method: str, url: str, *, form: Mapping[str, str] | None = None, json: Any = None
    ) -> httpx.Response:
        """One request; a console session's form carries its CSRF token, a token caller
        its ``Authorization`` header."""
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        if json is not None:
            return self.client.request(method, url, json=json, headers=headers)
        if form is not None or method != "GET":
            data = dict(form or {})
            if self.csrf:
                data["csrf_token"] = self.csrf
            return self.client.request(method, url, data=data, headers=headers)
        return self.client.request(method, url, headers=headers)


@pytest.fixture
def caller(console: ConsoleApp, login_as: LoginAs, add_user: AddUser) -> CallerFactory:
    """``caller(name)``: ``anonymous``, ``collector``/``manager``/``admin`` (signed in
    through the login form) or ``token:<role>`` (a bearer token issued to a new user)."""

    def make(name: str) -> Caller:
        if name == "anonymous":
            return Caller(name, "anonymous", None, console.client())
        kind, _, role = name.rpartition(":")
        if kind == "token":
            user = add_user(role)
            with console.sessions() as session:
                token = api_tokens.issue(session, user.email, console.clock.now())
            return Caller(name, "token", role, console.client(), token=token)
        signed, csrf = login_as(role)
        return Caller(name, "session", role, signed, csrf=csrf)

    return make


@dataclass(frozen=True)
class Casework:
    """What the pages of a test show: the ids of A-7's escalation, dispute and plan."""

    account_id: int
    escalation_id: int
    dispute_id: int
    plan_id: int


@pytest.fixture
def casework(console: ConsoleApp) -> Casework:
    """Account A-7 (phone on file): an open escalation on its customer's web conversation,
    a dispute of invoice I-2 and a plan waiting for approval."""
    with console.sessions() as session:
        account_id = seed_account(session, phone=PHONE)
    chat = console.client().post(
        "/webhooks/rest/webhook", json={"sender": PHONE, "message": "I want a person"}
    )
    assert chat.status_code == 200, chat.text
    now = console.clock.now()
    with console.sessions() as session:
        case = escalate(session, "customer_request", channel="web", address=PHONE,
                        account_number="A-7", now=now)  # fmt: skip
    with console.sessions() as session:
        open_dispute(session, "A-7", "I-2", "damaged", "arrived broken", channel="sms", now=now)
    with console.sessions() as session:
        dispute_id = session.scalars(select(Dispute.id)).one()
    with console.sessions() as session:
        plan_id = add_pending_plan(session, account_id)
    return Casework(account_id, case.id, dispute_id, plan_id)


def row_counts(console: ConsoleApp) -> dict[str, int]:
    """The number of rows of every table: a request that records nothing leaves it as is."""
    with console.sessions() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def session_digest(token: str) -> str:
    """The SHA-256 a console session or API token is stored under."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def import_csv(
    console: ConsoleApp, folder: Path, kind: str, rows: list[dict[str, str]]
) -> ImportReport:
    """Imports ``rows`` as a CSV file of ``kind`` (the header from the first row's keys),
    written with the csv module as a spreadsheet would export it."""
    path = folder / f"{kind}.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with console.sessions() as session:
        return import_file(session, kind, path, now=console.clock.now())
