"""A chat turn across a database outage: the message is recorded once and answered once.

The database "goes down" (its sessions cannot be opened) at the worst moments of an SMS
turn — before the message is recorded, while Rasa thinks (the reply cannot be recorded)
and while the provider sends (the receipt cannot be stored) — and comes back a moment
later, as in a PostgreSQL restart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, cast

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FixedClock
from bot.db import outage
from bot.db.models import Message
from bot.db.outage import Patience
from bot.services.chat import ChatDesk, handle_message
from bot.services.delivery import Postman
from integrations.rasa import BotMessage
from integrations.senders import Outbound, OutboxSender, Receipt

NOW = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)
PHONE = "+16175550199"


class FlakyDatabase:
    """A session factory that refuses the next ``down`` sessions, as a restarting server."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self.down = 0
        self.refused = 0

    def __call__(self, **kwargs: Any) -> Session:
        if self.down:
            self.down -= 1
            self.refused += 1
            raise OperationalError("connect", {}, Exception("connection refused"))
        return self.sessions(**kwargs)


class Dialogue:
    """Rasa: answers every message, and the database goes down while it thinks."""

    def __init__(self, database: FlakyDatabase, outage_while_thinking: int) -> None:
        self.database = database
        self.outage = outage_while_thinking
        self.calls: list[str] = []

    async def send(
        self, sender_id: str, text: str, metadata: Mapping[str, Any]
    ) -> list[BotMessage]:
        self.calls.append(text)
        self.database.down = self.outage
        return [BotMessage("Your balance is $890.40.")]

    async def aclose(self) -> None:
        return None


class Twilio(OutboxSender):
    """Sends, and the database goes down while it does."""

    provider = "twilio"

    def __init__(self, database: FlakyDatabase, outage_while_sending: int) -> None:
        self.database = database
        self.outage = outage_while_sending
        self.sent: list[Outbound] = []

    async def send(self, message: Outbound) -> Receipt:
        self.sent.append(message)
        self.database.down = self.outage
        return Receipt(provider_id=f"SMsent{len(self.sent)}", status="queued")


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outage, "PATIENCE", Patience(5.0, first_wait=0.001, longest_wait=0.002))


def sms_rows(sessions: sessionmaker[Session]) -> list[tuple[str, str, str | None, str | None]]:
    with sessions() as session:
        rows = session.execute(
            select(Message.direction, Message.body, Message.provider_id, Message.delivery_status)
            .where(Message.address == PHONE)
            .order_by(Message.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


@pytest.mark.parametrize(
    ("before", "thinking", "sending"), [(3, 0, 0), (0, 3, 0), (0, 0, 3), (2, 2, 2)]
)
def test_a_message_meeting_an_outage_is_recorded_once_and_answered_once(
    sessions: sessionmaker[Session], before: int, thinking: int, sending: int
) -> None:
    database = FlakyDatabase(sessions)
    dialogue = Dialogue(database, thinking)
    twilio = Twilio(database, sending)
    clock = FixedClock(NOW)
    db = cast(sessionmaker[Session], database)
    postman = Postman(db, clock, {"sms": twilio})
    desk = ChatDesk(db, clock, dialogue, "Acme Supply Co.", postman=postman)
    database.down = before

    replies = asyncio.run(handle_message(desk, "sms", PHONE, "how much", provider_id="SMin1"))

    assert database.refused == before + thinking + sending
    assert [r.text for r in replies] == ["Your balance is $890.40."]
    assert dialogue.calls == ["how much"]
    assert [m.text for m in twilio.sent] == ["Your balance is $890.40."]
    assert sms_rows(sessions) == [
        ("in", "how much", "SMin1", None),
        ("out", "Your balance is $890.40.", "SMsent1", "queued"),
    ]


def test_an_outage_longer_than_the_patience_fails_the_webhook_before_rasa_is_asked(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outage, "PATIENCE", Patience(0.02, first_wait=0.005, longest_wait=0.005))
    database = FlakyDatabase(sessions)
    dialogue = Dialogue(database, 0)
    db = cast(sessionmaker[Session], database)
    postman = Postman(db, FixedClock(NOW), {"sms": Twilio(database, 0)})
    desk = ChatDesk(db, FixedClock(NOW), dialogue, "Acme Supply Co.", postman=postman)
    database.down = 1_000

    with pytest.raises(OperationalError):  # the webhook answers 500: Twilio may try again
        asyncio.run(handle_message(desk, "sms", PHONE, "how much", provider_id="SMin1"))

    assert dialogue.calls == []
    database.down = 0
    assert sms_rows(sessions) == []
