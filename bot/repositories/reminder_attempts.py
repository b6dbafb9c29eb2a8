"""The reminder log: one :class:`~bot.db.models.ContactAttempt` per decision (SPEC §6).

A send is claimed before it is made: its attempt is inserted ``sending`` under the
decision's idempotency key, and only the pass whose insert went in may send it. A held
decision is logged under the key plus ``:held:<reason>``, so the 96 passes of a day write
it once. Both inserts skip keys that exist (``ON CONFLICT DO NOTHING``) in one statement
per batch, on SQLite and PostgreSQL alike. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, select
from sqlalchemy import update as update_statement
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.models import ContactAttempt, Message
from bot.repositories.ledger import member_of, table, update_rows
from bot.repositories.reminder_facts import in_span


@dataclass(frozen=True)
class StaleSend:
    """An attempt left ``sending``, and the transcript message under its key, if any."""

    attempt_id: int
    message_id: int | None
    provider_id: str | None
    delivery_status: str | None


def insert_new(session: Session, rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Inserts the attempts whose ``idempotency_key`` is not taken yet.

    Returns:
        The new attempts' ids by key; a key missing from it belonged to another pass.
    """
    if not rows:
        return {}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    target = table(ContactAttempt)
    statement = (
        insert(target)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(target.c.idempotency_key, target.c.id)
    )
    return {key: id_ for key, id_ in session.execute(statement, list(rows))}


def update(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Stores what became of sends: each mapping holds the attempt ``id`` and the columns."""
    update_rows(session, ContactAttempt, rows)


#: outcomes that say the customer answered: a later delivery receipt does not replace them
ANSWERED = ("replied",)


def record_delivery(session: Session, message_id: int, status: str) -> None:
    """A provider's status for the message of a send: its delivery status and, until the
    customer answers, its outcome."""
    attempt = table(ContactAttempt)
    session.execute(
        update_statement(attempt)
        .where(attempt.c.message_id == message_id)
        .values(
            delivery_status=status,
            outcome=case((attempt.c.outcome.in_(ANSWERED), attempt.c.outcome), else_=status),
        )
    )


def mark_replied(session: Session, account_ids: Collection[int], since: datetime) -> None:
    """The customer of these accounts wrote back: their sends since ``since`` replied."""
    if not account_ids:
        return
    attempt = table(ContactAttempt)
    session.execute(
        update_statement(attempt)
        .where(
            attempt.c.account_id.in_(account_ids),
            attempt.c.status == "sent",
            attempt.c.created_at >= since,
        )
        .values(outcome="replied")
    )


def receipts(
    session: Session, message_ids: Collection[int]
) -> dict[int, tuple[str | None, str | None]]:
    """The provider id and delivery status of each transcript message."""
    found: dict[int, tuple[str | None, str | None]] = {}
    for condition in member_of(session, Message.id, message_ids):
        query = select(Message.id, Message.provider_id, Message.delivery_status).where(condition)
        for id_, provider_id, status in session.execute(query):
            found[id_] = (provider_id, status)
    return found


def stale_sends(
    session: Session, span: tuple[int, int], *, since: datetime, before: datetime
) -> list[StaleSend]:
    """Attempts of the accounts in ``span`` claimed in [since, before) and still ``sending``.

    Their pass stopped between claiming and finishing. Each comes with the message
    :func:`bot.services.delivery.deliver` recorded under the same key, when it got that
    far. Read per page of accounts, so the ``(account_id, created_at)`` index serves it.
    """
    query = (
        select(
            ContactAttempt.id,
            Message.id.label("message_id"),
            Message.provider_id,
            Message.delivery_status,
        )
        .outerjoin(Message, Message.idempotency_key == ContactAttempt.idempotency_key)
        .where(
            in_span(ContactAttempt.account_id, span),
            ContactAttempt.created_at >= since,
            ContactAttempt.created_at < before,
            ContactAttempt.status == "sending",
        )
        .order_by(ContactAttempt.id)
    )
    return [StaleSend(*row) for row in session.execute(query)]
