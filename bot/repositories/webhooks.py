"""Webhook deliveries of the change feed: queueing new events, the head of each account's
line, outcomes and listings. Queries only; the caller's transaction commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from bot.db.models import FeedEvent, WebhookCursor, WebhookDelivery
from bot.policy.webhooks import FAILED, PENDING
from bot.repositories.ledger import table


@dataclass(frozen=True)
class Due:
    """A delivery whose turn has come: the head of its account's line at one receiver."""

    id: int
    url: str
    attempts: int
    first_attempt_at: datetime | None
    event: FeedEvent


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    url: str
    event_id: int
    type: str
    account_number: str | None
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    delivered_at: datetime | None
    last_status: int | None
    last_error: str | None


def queue_new(session: Session, url: str, now: datetime, limit: int = 5_000) -> int:
    """Queues the events after the receiver's cursor for it; returns how many."""
    cursor = session.get(WebhookCursor, url, with_for_update=True)
    if cursor is None:
        cursor = WebhookCursor(url=url, last_event_id=0)
        session.add(cursor)
        session.flush()
    rows = session.execute(
        select(FeedEvent.id, FeedEvent.account_number)
        .where(FeedEvent.id > cursor.last_event_id)
        .order_by(FeedEvent.id)
        .limit(limit)
    ).all()
    if not rows:
        return 0
    session.execute(
        insert(table(WebhookDelivery)),
        [
            {"url": url, "event_id": event_id, "account_key": account or "", "status": PENDING,
             "attempts": 0, "created_at": now, "next_attempt_at": now}
            for event_id, account in rows
        ],
    )  # fmt: skip
    cursor.last_event_id = rows[-1][0]
    return len(rows)


def due(session: Session, now: datetime, limit: int) -> list[Due]:
    """The oldest pending delivery of each (receiver, account) whose time has come."""
    heads = (
        select(func.min(WebhookDelivery.event_id).label("event_id"), WebhookDelivery.url)
        .where(WebhookDelivery.status == PENDING)
        .group_by(WebhookDelivery.url, WebhookDelivery.account_key)
        .subquery()
    )
    query = (
        select(WebhookDelivery, FeedEvent)
        .join(
            heads,
            (heads.c.event_id == WebhookDelivery.event_id) & (heads.c.url == WebhookDelivery.url),
        )
        .join(FeedEvent, FeedEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.status == PENDING, WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.event_id)
        .limit(limit)
    )
    return [
        Due(d.id, d.url, d.attempts, d.first_attempt_at, e)
        for d, e in session.execute(query).tuples()
    ]


def settle(
    session: Session,
    delivery_id: int,
    *,
    status: str,
    attempts: int,
    at: datetime,
    first_attempt_at: datetime,
    next_attempt_at: datetime | None,
    http_status: int | None,
    error: str | None,
) -> None:
    """Records one attempt's outcome."""
    values: dict[str, object] = {
        "status": status, "attempts": attempts, "last_status": http_status,
        "first_attempt_at": first_attempt_at,
        "last_error": None if error is None else error[:500],
    }  # fmt: skip
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    if status not in (PENDING, FAILED):
        values["delivered_at"] = at
    session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id).values(values))


def listing(session: Session, *, failed_only: bool, limit: int) -> Sequence[DeliveryRow]:
    """Deliveries, newest first (only the given-up ones with ``failed_only``)."""
    query = (
        select(WebhookDelivery, FeedEvent.type, FeedEvent.account_number)
        .join(FeedEvent, FeedEvent.id == WebhookDelivery.event_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    if failed_only:
        query = query.where(WebhookDelivery.status == FAILED)
    return [
        DeliveryRow(
            d.id,
            d.url,
            d.event_id,
            kind,
            account,
            d.status,
            d.attempts,
            d.created_at,
            d.next_attempt_at,
            d.delivered_at,
            d.last_status,
            d.last_error,
        )  # fmt: skip
        for d, kind, account in session.execute(query).tuples()
    ]
