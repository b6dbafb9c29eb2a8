"""The web app with ``ARBOT_PAYMENT_PROVIDER=stripe`` against a fake Stripe, on SQLite and
PostgreSQL, with account ``A-7`` (Chicago, SMS consent) owing on 2026-11-22:

| invoice | due        | open   |
|---------|------------|--------|
| I-1     | 2026-10-01 | 500.00 |
| I-2     | 2026-11-10 | 300.00 |
| I-3     | 2026-12-10 | 400.00 |

The keys are made up for each test session; nothing here is a real Stripe key.
"""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.container import build_container
from bot.db.models import Account, Contact, ContactPreference, Invoice, Message
from bot.payments.links import LinkSettings, PayLink, create_link
from bot.settings import Settings, load_settings
from bot.web.app import create_app
from tests.fakes.stripe_api import FakeStripe, fake_stripe
from tests.web.conftest import FakeDialogue

NOW = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)
PHONE = "+16175550101"
PUBLIC_URL = "http://arbot.test"
API_KEY = "sk_test_" + secrets.token_hex(12)
WEBHOOK_SECRET = "whsec_" + secrets.token_hex(16)
INVOICES = (
    ("I-1", date(2026, 10, 1), "500.00"),
    ("I-2", date(2026, 11, 10), "300.00"),
    ("I-3", date(2026, 12, 10), "400.00"),
)


def stripe_settings(
    database_url: str, api_url: str, now: datetime = NOW, extra: Mapping[str, str] | None = None
) -> Settings:
    return load_settings(
        {
            **(extra or {}),
            "ARBOT_DATABASE_URL": database_url,
            "ARBOT_NOW": now.isoformat(),
            "ARBOT_PUBLIC_URL": PUBLIC_URL,
            "ARBOT_PAYMENT_PROVIDER": "stripe",
            "ARBOT_STRIPE_SECRET_KEY": API_KEY,
            "ARBOT_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "ARBOT_STRIPE_API_URL": api_url,
        },
        dotenv=None,
    )


@pytest.fixture(scope="session")
def stripe_api() -> Iterator[FakeStripe]:
    """One fake Stripe for the test session (its state is per session id, never shared)."""
    with fake_stripe(API_KEY, WEBHOOK_SECRET) as fake:
        fake.now = int(NOW.timestamp())
        yield fake


def seed_account(session: Session, number: str = "A-7", phone: str = PHONE) -> int:
    """The account of the module docstring; its id."""
    with session.begin():
        account = Account(
            account_number=number,
            name="Ada Supply",
            postal_code="60614",
            timezone="America/Chicago",
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(account)
        session.flush()
        session.add(Contact(account_id=account.id, channel="sms", address=phone))
        session.add(ContactPreference(account_id=account.id, sms_consent=True, updated_at=NOW))
        for invoice_number, due, amount in INVOICES:
            session.add(
                Invoice(
                    invoice_number=f"{invoice_number}{'' if number == 'A-7' else '-' + number}",
                    account_id=account.id,
                    issue_date=date(2026, 9, 1),
                    due_date=due,
                    amount=Decimal(amount),
                    open_amount=Decimal(amount),
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
        return account.id


@dataclass
class PayDesk:
    """The web app under test, the fake Stripe and the database."""

    sessions: sessionmaker[Session]
    settings: Settings
    stripe: FakeStripe
    app: Any
    account_id: int

    def link(self, purpose: str = "balance", **kwargs: Any) -> PayLink:
        links = LinkSettings(PUBLIC_URL, self.settings.payment_link_days)
        with self.sessions() as session:
            return create_link(session, "A-7", purpose, now=NOW, settings=links, **kwargs)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(call())

    def open(self, link: PayLink | str) -> httpx.Response:
        url = link if isinstance(link, str) else link.url
        return self.request("GET", url.removeprefix(PUBLIC_URL))

    def checkout(self, link: PayLink) -> str:
        """Opens the link and returns the Checkout Session id it was sent to."""
        response = self.open(link)
        assert response.status_code == 303, response.text
        return response.headers["location"].rsplit("/", 1)[-1]

    def deliver(self, event: Mapping[str, Any], **signing: Any) -> httpx.Response:
        body, headers = self.stripe.signed(event, **signing)
        return self.request("POST", "/webhooks/stripe", content=body, headers=headers)

    def deliver_all(self, events: list[dict[str, Any]]) -> list[str]:
        outcomes = []
        for event in events:
            response = self.deliver(event)
            assert response.status_code == 200, response.text
            outcomes.append(response.json()["outcome"])
        return outcomes

    def pay(self, link: PayLink, method: str = "card") -> str:
        """Opens the link, pays at the fake Checkout and delivers the events; the session id."""
        session_id = self.checkout(link)
        self.deliver_all(self.stripe.pay(session_id, method))
        return session_id

    def notices(self) -> list[str]:
        """What the customer was told by arbot on their phone (system messages), in order."""
        with self.sessions() as session:
            rows = session.scalars(
                select(Message.body)
                .where(Message.address == PHONE, Message.author == "system")
                .order_by(Message.id)
            )
            return list(rows)


@pytest.fixture
def desk(engine: Engine, stripe_api: FakeStripe) -> Iterator[PayDesk]:
    with open_desk(engine, stripe_api) as opened:
        yield opened


@contextmanager
def open_desk(
    engine: Engine, stripe_api: FakeStripe, extra: Mapping[str, str] | None = None
) -> Iterator[PayDesk]:
    """The desk of the ``desk`` fixture, with ``extra`` settings (``ARBOT_…``) if given."""
    settings = stripe_settings(
        engine.url.render_as_string(hide_password=False), stripe_api.base_url, extra=extra
    )
    with engine.connect() as connection:
        outer = connection.begin()
        sessions = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        wiring = dataclasses.replace(build_container(settings), sessions=sessions)
        try:
            with sessions() as session:
                account_id = seed_account(session)
            app = create_app(wiring, dialogue=FakeDialogue())
            yield PayDesk(sessions, settings, stripe_api, app, account_id)
        finally:
            wiring.engine.dispose()
            outer.rollback()
