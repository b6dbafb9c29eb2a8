"""Outbound messages as deliveries: their idempotency keys, receipts and the outbox."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from bot.db.models import Message
from bot.repositories.ledger import array_member, member_of, one_array, table


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


def by_keys(session: Session, keys: Collection[str]) -> dict[str, Delivery]:
    """The outbound messages recorded under any of these idempotency keys, by key."""
    if one_array(session, keys):
        results = [session.execute(_by_keys_of_array(), {"keys": sorted(keys)})]
    else:
        results = [
            session.execute(_by_keys(condition))
            for condition in member_of(session, Message.idempotency_key, keys)
        ]
    return {row[0]: Delivery(*row[1:]) for result in results for row in result}


def _by_keys(keyed: Any) -> Any:
    return select(
        Message.idempotency_key, Message.id, Message.conversation_id, Message.channel,
        Message.address, Message.provider, Message.provider_id, Message.delivery_status,
    ).where(keyed)  # fmt: skip


@cache
def _by_keys_of_array() -> Any:
    """:func:`by_keys`' statement with ``keys`` bound as an array, built once per process
    (every outbound message asks it)."""
    return _by_keys(array_member(Message.idempotency_key, "keys"))


def add_queued(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Inserts outbound messages (column name → value, each with its idempotency key) in
    one multi-row statement.

    Returns:
        Their ids, in the order of ``rows``.

    Raises:
        IntegrityError: when one of the idempotency keys is taken.
    """
    if not rows:
        return []
    target = table(Message)
    # matched by key: asking for the parameters' order would send the rows one at a time
    statement = insert(target).returning(target.c.idempotency_key, target.c.id)
    ids = dict(session.execute(statement, list(rows)).tuples().all())
    return [ids[row["idempotency_key"]] for row in rows]


@dataclass(frozen=True)
class ReceiptUpdate:
    """What the provider answered for one message."""

    message_id: int
    status: str
    provider_id: str | None
    error: str | None


def set_receipts(session: Session, receipts: Sequence[ReceiptUpdate]) -> None:
    """Stores the providers' answers: one executemany (two when some have no provider id).

    A receipt without a provider id leaves the stored one as it is (:func:`set_receipt`).
    """
    target = table(Message)
    with_id = [r for r in receipts if r.provider_id is not None]
    without_id = [r for r in receipts if r.provider_id is None]
    values: dict[str, Any] = {
        "delivery_status": bindparam("r_status"),
        "error": bindparam("r_error"),
    }
    where = target.c.id == bindparam("r_id")
    if with_id:
        values_with_id = values | {"provider_id": bindparam("r_provider_id")}
        session.execute(
            update(target).where(where).values(values_with_id),
            [
                {"r_id": r.message_id, "r_status": r.status, "r_error": r.error,
                 "r_provider_id": r.provider_id}
                for r in with_id
            ],
        )  # fmt: skip
    if without_id:
        session.execute(
            update(target).where(where).values(values),
            [{"r_id": r.message_id, "r_status": r.status, "r_error": r.error} for r in without_id],
        )


def remove_unsent(session: Session, message_ids: Collection[int]) -> None:
    """Deletes outbound messages recorded but never given to a provider (still
    ``queued``, no provider id), which frees their idempotency keys."""
    session.execute(
        delete(Message).where(
            Message.id.in_(message_ids),
            Message.provider_id.is_(None),
            Message.delivery_status == "queued",
        )
    )


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
