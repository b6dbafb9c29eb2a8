"""Telegram link codes: stored by their SHA-256, used at most once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import LinkCode
from bot.repositories.ledger import table


def add(
    session: Session, account_id: int, code_hash: str, created_at: datetime, expires_at: datetime
) -> LinkCode:
    """Stores a new code for the account."""
    code = LinkCode(
        account_id=account_id, code_hash=code_hash, created_at=created_at, expires_at=expires_at
    )
    session.add(code)
    session.flush()
    return code


def by_hash(session: Session, code_hash: str) -> LinkCode | None:
    """The code with this SHA-256, if one was issued."""
    return session.scalar(select(LinkCode).where(LinkCode.code_hash == code_hash))


def claim(session: Session, code_id: int, chat_id: str, now: datetime) -> bool:
    """Marks the code used by ``chat_id``, unless it was used or expired meanwhile.

    One conditional UPDATE: of two concurrent claims exactly one changes the row (the
    other waits for the row lock on PostgreSQL, then finds ``used_at`` set; SQLite runs
    one writer at a time).

    Returns:
        True when this call claimed it.
    """
    result = session.execute(
        update(table(LinkCode))
        .where(
            LinkCode.id == code_id,
            LinkCode.used_at.is_(None),
            LinkCode.expires_at > now,
        )
        .values(used_at=now, used_by=chat_id)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]
