"""Console user queries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import ApiToken, User


def by_email(session: Session, email: str) -> User | None:
    """The user with this e-mail (compared lower-case), or None."""
    return session.scalar(select(User).where(User.email == email.lower()))


def everyone(session: Session) -> list[User]:
    """Every user, by e-mail."""
    return list(session.scalars(select(User).order_by(User.email)))


def by_id(session: Session, user_id: int) -> User | None:
    """The user with this id as stored now (not as this session last saw it), or None."""
    return session.get(User, user_id, populate_existing=True)


def count_failed_login(session: Session, user_id: int) -> int:
    """Adds one to the user's failed logins in a row (one atomic UPDATE); the new count."""
    count = session.execute(
        update(User)
        .where(User.id == user_id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
    ).scalar_one()
    return int(count)


def lock(session: Session, user_id: int, until: datetime) -> None:
    """Refuses the user's logins until ``until``; the failure count starts again."""
    session.execute(
        update(User).where(User.id == user_id).values(locked_until=until, failed_logins=0)
    )


def by_token_hash(session: Session, token_hash: str) -> User | None:
    """The active user holding the unrevoked API token with this SHA-256, or None."""
    query = (
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == token_hash,
            ApiToken.revoked_at.is_(None),
            User.active.is_(True),
        )
    )
    return session.scalar(query)
