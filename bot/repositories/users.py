"""Console user queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import ApiToken, User


def by_email(session: Session, email: str) -> User | None:
    """The user with this e-mail (compared lower-case), or None."""
    return session.scalar(select(User).where(User.email == email.lower()))


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
