"""Console user queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import User


def by_email(session: Session, email: str) -> User | None:
    """The user with this e-mail (compared lower-case), or None."""
    return session.scalar(select(User).where(User.email == email.lower()))
