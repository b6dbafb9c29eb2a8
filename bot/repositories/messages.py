"""Outbound messages as deliveries: their idempotency keys, receipts and the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import Message
from bot.repositories.ledger import table


@dataclass(frozen=True)
class Delivery:
    """An outbound message as the delivery service tracks it."""

    id: int
    conversation_id: int | None
    channel: str
    address: str
    provider: str | None
    provider_id: str | None
    status: str | None


def by_key(session: Session, key: str) -> Delivery | None:
    """The outbound message recorded under an idempotency key, if any."""
    row = session.execute(
        select(
            Message.id,
            Message.conversation_id,
            Message.channel,
            Message.address,
            Message.provider,
            Message.provider_id,
            Message.delivery_status,
        ).where(Message.idempotency_key == key)
    ).first()
    return None if row is None else Delivery(*row)


def set_queued(session: Session, message_id: int, provider: str, key: str) -> None:
    """Marks a just-recorded outbound message as handed to ``provider`` under ``key``."""
    session.execute(
        update(table(Message))
        .where(Message.id == message_id)
        .values(provider=provider, idempotency_key=key, delivery_status="queued")
    )


def set_receipt(
    session: Session,
    message_id: int,
    *,
    status: str,
    provider_id: str | None = None,
    error: str | None = None,
) -> None:
    """Stores what the provider answered for a message."""
    values: dict[str, object] = {"delivery_status": status, "error": error}
    if provider_id is not None:
        values["provider_id"] = provider_id
    session.execute(update(table(Message)).where(Message.id == message_id).values(**values))


def status_by_provider_id(
    session: Session, provider: str, provider_id: str
) -> tuple[int, str | None] | None:
    """The id and delivery status of the message a provider knows by ``provider_id``."""
    row = session.execute(
        select(Message.id, Message.delivery_status)
        .where(Message.provider == provider, Message.provider_id == provider_id)
        .with_for_update()
    ).first()
    return None if row is None else (row.id, row.delivery_status)


@dataclass(frozen=True)
class OutboxRow:
    """A message the ``outbox`` provider accepted."""

    id: int
    channel: str
    address: str
    author: str
    body: str
    created_at: datetime


def outbox(session: Session, *, limit: int, address: str | None = None) -> Sequence[OutboxRow]:
    """The newest messages of the ``outbox`` provider, oldest of them first."""
    query = select(
        Message.id, Message.channel, Message.address, Message.author, Message.body,
        Message.created_at,
    ).where(Message.provider == "outbox")  # fmt: skip
    if address is not None:
        query = query.where(Message.address == address)
    rows = session.execute(query.order_by(Message.id.desc()).limit(limit)).all()
    return [OutboxRow(*row) for row in reversed(rows)]
