"""The audit trail: one row per state change, written in the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import AuditEvent
from bot.repositories import events as feed
from bot.repositories.bulk_writes import insert_set


def record(
    session: Session,
    *,
    at: datetime,
    entity: str,
    entity_id: object,
    action: str,
    detail: Mapping[str, object] | None = None,
    actor: str = "bot",
    user_id: int | None = None,
) -> None:
    """Adds an audit event; ``detail`` is stored as JSON (dates, decimals as strings).

    A change the integration feed carries is noted for it too (:mod:`bot.repositories.events`).
    """
    feed.note_audited(
        session, at=at, entity=entity, entity_id=entity_id, action=action, detail=detail
    )
    session.add(
        AuditEvent(
            at=at,
            actor=actor,
            user_id=user_id,
            entity=entity,
            entity_id=str(entity_id),
            action=action,
            detail=json.dumps(dict(detail or {}), default=str, sort_keys=True),
        )
    )


def record_many(
    session: Session,
    *,
    at: datetime,
    entity: str,
    events: Sequence[tuple[object, str, Mapping[str, object] | None]],
    actor: str = "bot",
) -> None:
    """:func:`record` for many ``(entity id, action, detail)`` events, set-based."""
    if not events:
        return
    for entity_id, action, detail in events:
        feed.note_audited(
            session, at=at, entity=entity, entity_id=entity_id, action=action, detail=detail
        )
    rows = [
        {"at": at, "actor": actor, "user_id": None, "entity": entity,
         "entity_id": str(entity_id), "action": action,
         "detail": json.dumps(dict(detail or {}), default=str, sort_keys=True)}
        for entity_id, action, detail in events
    ]  # fmt: skip
    insert_set(session, AuditEvent, rows)
