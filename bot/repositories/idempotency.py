"""Kept answers of the integration API, by caller and ``Idempotency-Key``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import IdempotentAnswer


@dataclass(frozen=True)
class KeptAnswer:
    route: str
    body_hash: str
    status: int
    body: str


def find(session: Session, user_id: int, key: str) -> KeptAnswer | None:
    """The answer kept for this caller's key, or None."""
    row = session.scalar(
        select(IdempotentAnswer).where(
            IdempotentAnswer.user_id == user_id, IdempotentAnswer.key == key
        )
    )
    return None if row is None else KeptAnswer(row.route, row.body_hash, row.status, row.body)


def keep(
    session: Session,
    user_id: int,
    key: str,
    route: str,
    body_hash: str,
    status: int,
    body: str,
    now: datetime,
) -> None:
    """Keeps the first answer to a key (a second one for the key breaks the unique key)."""
    session.add(
        IdempotentAnswer(
            user_id=user_id, key=key, route=route, body_hash=body_hash,
            status=status, body=body, created_at=now,
        )
    )  # fmt: skip
    session.flush()
