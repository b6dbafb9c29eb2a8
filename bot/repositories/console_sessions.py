"""Console login sessions, found by the SHA-256 of the cookie's token."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.db.models import ConsoleSession, User


def add(
    session: Session,
    *,
    token_hash: str,
    user_id: int,
    csrf_token: str,
    now: datetime,
    expires_at: datetime,
) -> ConsoleSession:
    """Stores a new session of ``user_id``."""
    row = ConsoleSession(
        token_hash=token_hash,
        user_id=user_id,
        csrf_token=csrf_token,
        created_at=now,
        last_seen_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return row


def live(session: Session, token_hash: str, now: datetime) -> tuple[ConsoleSession, User] | None:
    """The unexpired session with this hash and its user, when the user is active."""
    query = (
        select(ConsoleSession, User)
        .join(User, User.id == ConsoleSession.user_id)
        .where(
            ConsoleSession.token_hash == token_hash,
            ConsoleSession.expires_at > now,
            User.active.is_(True),
        )
    )
    found = session.execute(query).first()
    return None if found is None else (found[0], found[1])


def touch(session: Session, session_id: int, now: datetime, expires_at: datetime) -> None:
    """Records use of the session and pushes its idle expiry to ``expires_at``."""
    session.execute(
        update(ConsoleSession)
        .where(ConsoleSession.id == session_id)
        .values(last_seen_at=now, expires_at=expires_at)
    )


def remove(session: Session, token_hash: str) -> int | None:
    """Deletes the session with this hash; the user id it belonged to, or None."""
    user_id = session.scalar(
        select(ConsoleSession.user_id).where(ConsoleSession.token_hash == token_hash)
    )
    if user_id is not None:
        session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == token_hash))
    return user_id


def remove_expired(session: Session, now: datetime) -> None:
    """Deletes every session whose idle expiry has passed."""
    session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at <= now))


def remove_for_user(session: Session, user_id: int) -> None:
    """Deletes every session of the user (signed out everywhere)."""
    session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user_id))
