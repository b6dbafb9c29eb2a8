"""Fixtures of the console tests: the web app on the test database, users, signed-in clients.

The app is the real one (:func:`bot.web.app.create_app`) with a fake dialogue engine and
outbox senders; its sessions share one connection whose outer transaction is rolled back
after each test, on SQLite and on PostgreSQL (the ``engine`` fixture's two params). Its
clock is a :class:`MovableClock` the test can move forward.

Fixtures (each documented where it is defined):

* ``console_clock`` — the app's clock (``.now()``, ``.advance(timedelta)``).
* ``console_env`` — extra ``ARBOT_*`` settings of the app (``{}``; override it in a module).
* ``console`` — the :class:`ConsoleApp`: ``app``, ``sessions``, ``clock``, ``dialogue``.
* ``add_user`` — ``add_user(role, email=None, password=PASSWORD) -> NewUser``.
* ``client`` — an anonymous ``TestClient`` (https, redirects not followed).
* ``login_as`` — ``login_as(role, email=None) -> (TestClient, csrf_token)``: a new user of
  that role, signed in through the login form.

Clients use ``base_url="https://testserver"`` (the session cookie is ``Secure``) and do
not follow redirects, so a test sees the 303s the console answers with.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning

from bot.container import build_container
from bot.db.models import ConsoleSession
from bot.services.users import NewUser
from bot.services.users import add_user as create_user
from bot.settings import Settings, load_settings
from bot.web.app import create_app
from integrations.senders import OutboxSender
from tests.web.conftest import FakeDialogue

# Starlette's TestClient prefers the httpx2 fork and warns (an error here) at import when it
# finds only httpx, which the lock file pins for the app; the client works the same.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

#: when every console test starts (the app's clock; move it with ``console_clock.advance``)
NOW = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)
#: the password ``add_user`` and ``login_as`` give their users
PASSWORD = "correct horse battery staple"
BASE_URL = "https://testserver"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')

LoginAs = Callable[..., tuple[TestClient, str]]
AddUser = Callable[..., NewUser]


@dataclass
class MovableClock:
    """A stopped clock a test moves forward (``Clock`` protocol)."""

    instant: datetime = NOW

    def now(self) -> datetime:
        return self.instant

    def advance(self, by: timedelta) -> None:
        self.instant += by


@dataclass
class ConsoleApp:
    """The web app under test and what it is wired with.

    Attributes:
        app: the Starlette app (``create_app``) with the console mounted.
        sessions: the app's session factory (rolled back after the test).
        clock: the app's clock.
        dialogue: the fake dialogue engine that answers customers' messages.
        settings: the app's settings.
        clients: every TestClient the fixtures opened (closed after the test).
    """

    app: Starlette
    sessions: sessionmaker[Session]
    clock: MovableClock
    dialogue: FakeDialogue
    settings: Settings
    clients: list[TestClient] = field(default_factory=list)

    def client(self) -> TestClient:
        """A new anonymous client of the app: https, redirects not followed."""
        opened = TestClient(self.app, base_url=BASE_URL, follow_redirects=False)
        self.clients.append(opened)
        return opened


def csrf_of(html: str) -> str:
    """The ``csrf_token`` hidden field of the first form on a page."""
    found = _CSRF_FIELD.search(html)
    assert found is not None, "the page has no csrf_token field"
    return found.group(1)


def login(console: ConsoleApp, client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Signs ``client`` in through the login form; the session's CSRF token.

    The token is read from the session's row (found by the SHA-256 of the cookie), so
    this works before any page a role may open exists.
    """
    form = client.get("/console/login")
    assert form.status_code == 200, form.text
    done = client.post(
        "/console/login",
        data={"csrf_token": csrf_of(form.text), "email": email, "password": password},
    )
    assert done.status_code == 303, done.text
    token = client.cookies.get("arbot_session")
    assert token, "the login set no session cookie"
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
    with console.sessions() as session:
        csrf = session.scalar(
            select(ConsoleSession.csrf_token).where(ConsoleSession.token_hash == digest)
        )
    assert csrf is not None
    return csrf


@pytest.fixture
def console_clock() -> MovableClock:
    """The clock of the app under test, at :data:`NOW`; ``advance(timedelta)`` moves it."""
    return MovableClock()


@pytest.fixture
def console_env() -> dict[str, str]:
    """Extra ``ARBOT_*`` variables of the app under test; a test module overrides this
    fixture to run the console with other settings."""
    return {}


@pytest.fixture
def console(
    engine: Engine, console_clock: MovableClock, console_env: dict[str, str]
) -> Iterator[ConsoleApp]:
    """The web app (console mounted) on the test database, rolled back after the test.

    Runs once on SQLite and once on PostgreSQL. Outbound messages go to outbox senders;
    customers' messages to :class:`~tests.web.conftest.FakeDialogue`.
    """
    settings = load_settings(
        {
            "ARBOT_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "ARBOT_NOW": NOW.isoformat(),
            **console_env,
        },
        dotenv=None,
    )
    with engine.connect() as connection:
        outer = connection.begin()
        sessions = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        wiring = dataclasses.replace(
            build_container(settings), sessions=sessions, clock=console_clock
        )
        dialogue = FakeDialogue()
        senders = {channel: OutboxSender() for channel in ("sms", "telegram", "web")}
        app = create_app(wiring, dialogue=dialogue, senders=senders)
        under_test = ConsoleApp(app, sessions, console_clock, dialogue, settings)
        try:
            yield under_test
        finally:
            for opened in under_test.clients:
                opened.close()
            wiring.engine.dispose()
            outer.rollback()


@pytest.fixture
def add_user(console: ConsoleApp) -> AddUser:
    """``add_user(role, email=None, password=PASSWORD) -> NewUser``: a console user.

    Without an e-mail one is made up (``collector1@example.com`` …). Created through
    :func:`bot.services.users.add_user`, so the password is argon2-hashed as in production.
    """
    numbers = itertools.count(1)

    def make(role: str, email: str | None = None, password: str = PASSWORD) -> NewUser:
        address = email or f"{role}{next(numbers)}@example.com"
        with console.sessions() as session:
            return create_user(session, address, role, console.clock.now(), password)

    return make


@pytest.fixture
def client(console: ConsoleApp) -> TestClient:
    """An anonymous client of the app (https://testserver, redirects not followed)."""
    return console.client()


@pytest.fixture
def login_as(console: ConsoleApp, add_user: AddUser) -> LoginAs:
    """``login_as(role, email=None) -> (client, csrf_token)``: a signed-in client.

    Creates a user of ``role`` (``collector``, ``manager`` or ``admin``), signs a new
    client in through the login form and returns it with the session's CSRF token, to
    send as the ``csrf_token`` form field or the ``X-CSRF-Token`` header of a POST.
    Pass ``email`` to know the user (``bot.repositories.users.by_email`` finds its id).
    """

    def sign_in(role: str, email: str | None = None) -> tuple[TestClient, str]:
        user = add_user(role, email)
        signed = console.client()
        return signed, login(console, signed, user.email)

    return sign_in
