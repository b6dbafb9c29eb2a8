"""Delivering messages in a batch: each parcel once per key, held or failed on its own."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FixedClock
from bot.db.models import Account, Contact, ContactPreference, Message
from bot.errors import DeliveryFailed
from bot.services.delivery import Parcel, Postman, deliver_many
from integrations.rasa import BotMessage
from integrations.senders import Outbound, OutboxSender, Receipt

NOW = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)


class PickySender(OutboxSender):
    """The outbox, except that it refuses one address."""

    def __init__(self, refuse: str) -> None:
        self.refuse = refuse
        self.sent: list[str] = []

    async def send(self, message: Outbound) -> Receipt:
        if message.address == self.refuse:
            raise DeliveryFailed(f"{message.address} refused")
        self.sent.append(message.address)
        return await super().send(message)


def opted_out(sessions: sessionmaker[Session], phone: str) -> None:
    with sessions() as session, session.begin():
        account = Account(
            account_number="D-1", name="Opted Out", postal_code="02110",
            created_at=NOW, updated_at=NOW,
        )  # fmt: skip
        session.add(account)
        session.flush()
        session.add(Contact(account_id=account.id, channel="sms", address=phone))
        session.add(
            ContactPreference(
                account_id=account.id,
                sms_consent=True,
                sms_opt_out=True,
                telegram_opt_out=False,
                cease=False,
                updated_at=NOW,
            )  # fmt: skip
        )


def parcel(address: str, key: str, *, automated: bool = False) -> Parcel:
    return Parcel("sms", address, BotMessage(f"to {address}"), key, automated=automated)


def test_each_parcel_is_held_failed_sent_or_recognised_on_its_own(
    sessions: sessionmaker[Session],
) -> None:
    opted_out(sessions, "+16175550001")
    sender = PickySender(refuse="+16175550003")
    postman = Postman(sessions, FixedClock(NOW), {"sms": sender})
    asyncio.run(deliver_many(postman, [parcel("+16175550004", "k-4")]))

    results = asyncio.run(
        deliver_many(
            postman,
            [
                parcel("+16175550001", "k-1", automated=True),  # opted out: held
                parcel("+16175550002", "k-2"),
                parcel("+16175550003", "k-3"),  # the provider refuses it
                parcel("+16175550004", "k-4"),  # sent before under this key
            ],
        )
    )

    assert [(r.status, r.duplicate) for r in results] == [
        ("held", False),
        ("delivered", False),
        ("failed", False),
        ("duplicate", True),
    ]
    assert results[0].reason == "opted_out"
    assert sender.sent == ["+16175550004", "+16175550002"]
    with sessions() as session:
        rows = session.execute(
            select(Message.idempotency_key, Message.delivery_status).order_by(Message.id)
        ).all()
    assert [tuple(row) for row in rows] == [
        ("k-4", "delivered"),
        ("k-2", "delivered"),
        ("k-3", "failed"),
    ]
