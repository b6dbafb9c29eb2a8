"""The web app on the test database, with a fake dialogue engine instead of Rasa.

The app's sessions share one connection whose outer transaction is rolled back after each
test (the services' own transactions become savepoints), so tests leave nothing behind on
SQLite or PostgreSQL even though the gateway commits as in production.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.container import build_container
from bot.db.models import Account, Contact, Conversation, Escalation, Message, User
from bot.errors import DialogueUnavailable
from bot.settings import load_settings
from bot.web.app import create_app
from integrations.rasa import BotMessage

NOW = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)


@dataclass
class FakeDialogue:
    """A DialogueEngine that answers with ``replies`` (or is down) and remembers each call."""

    replies: list[BotMessage] = field(default_factory=lambda: [BotMessage("Hi! How can I help?")])
    down: bool = False
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    async def send(
        self, sender_id: str, text: str, metadata: Mapping[str, Any]
    ) -> list[BotMessage]:
        self.calls.append((sender_id, text, dict(metadata)))
        if self.down:
            raise DialogueUnavailable("no Rasa server answered: http://rasa.test (ConnectError)")
        return list(self.replies)

    async def aclose(self) -> None:
        return None


@dataclass
class Gateway:
    """The web app under test, the fake behind it and the database it writes to."""

    dialogue: FakeDialogue
    sessions: sessionmaker[Session]
    app: Any

    def post(self, body: Any = None, *, content: bytes | None = None) -> httpx.Response:
        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://arbot.test") as c:
                if content is not None:
                    return await c.post("/webhooks/rest/webhook", content=content)
                return await c.post("/webhooks/rest/webhook", json=body)

        return asyncio.run(call())

    def chat(self, sender: str, message: str) -> list[dict[str, Any]]:
        response = self.post({"sender": sender, "message": message})
        assert response.status_code == 200, response.text
        replies: list[dict[str, Any]] = response.json()
        return replies

    def transcript(self, address: str) -> list[tuple[str, str, str]]:
        """(direction, author, body) of every web message of ``address``, oldest first."""
        with self.sessions() as session:
            rows = session.execute(
                select(Message.direction, Message.author, Message.body)
                .where(Message.channel == "web", Message.address == address)
                .order_by(Message.id)
            ).all()
        return [(row.direction, row.author, row.body) for row in rows]

    def claim(self, address: str) -> int:
        """A collector claims an escalation on the sender's current web conversation."""
        with self.sessions() as session, session.begin():
            conversation = session.scalars(
                select(Conversation)
                .where(Conversation.channel == "web", Conversation.sender == address)
                .order_by(Conversation.id.desc())
            ).first()
            assert conversation is not None
            user = User(
                email="ana@example.com", password_hash="x", role="collector", created_at=NOW
            )
            session.add(user)
            session.flush()
            session.add(
                Escalation(
                    conversation_id=conversation.id,
                    channel="web",
                    address=address,
                    reason="customer_request",
                    status="claimed",
                    assigned_to=user.id,
                    created_at=NOW,
                    claimed_at=NOW,
                )
            )
            return user.id

    def add_account(self, number: str, phone: str, *, consumer: bool) -> int:
        """An account whose phone is on file (as an SMS contact)."""
        with self.sessions() as session, session.begin():
            account = Account(
                account_number=number,
                name=f"Customer {number}",
                postal_code="02110",
                consumer=consumer,
                created_at=NOW,
                updated_at=NOW,
            )
            session.add(account)
            session.flush()
            session.add(Contact(account_id=account.id, channel="sms", address=phone))
            return account.id


@pytest.fixture
def gateway(engine: Engine) -> Iterator[Gateway]:
    settings = load_settings(
        {
            "ARBOT_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "ARBOT_NOW": NOW.isoformat(),
        },
        dotenv=None,
    )
    with engine.connect() as connection:
        outer = connection.begin()
        sessions = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        wiring = dataclasses.replace(build_container(settings), sessions=sessions)
        dialogue = FakeDialogue()
        try:
            yield Gateway(dialogue, sessions, create_app(wiring, dialogue=dialogue))
        finally:
            wiring.engine.dispose()
            outer.rollback()
