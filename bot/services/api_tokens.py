"""Bearer tokens for the JSON API (SPEC §8): issued to a console user, stored hashed.

A token is shown once when issued; only its SHA-256 is kept, so a copy of the database
does not hand out API access. A token acts with its user's role.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import ApiToken
from bot.errors import NotFound
from bot.repositories import audit
from bot.repositories import users as repo


@dataclass(frozen=True)
class Caller:
    """The console user a request acts for."""

    id: int
    email: str
    role: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(session: Session, email: str, now: datetime) -> str:
    """A new API token for the user with this e-mail; returned once, stored hashed.

    Raises:
        NotFound: naming the e-mail when there is no active user with it.
    """
    token = secrets.token_urlsafe(32)
    with session.begin():
        user = repo.by_email(session, email.strip().lower())
        if user is None or not user.active:
            raise NotFound(f"email: no active user {email!r}")
        session.add(ApiToken(user_id=user.id, token_hash=_digest(token), created_at=now))
        audit.record(
            session,
            at=now,
            entity="user",
            entity_id=user.id,
            action="api_token_issued",
            actor="system",
        )
    return token


def authenticate(session: Session, token: str) -> Caller | None:
    """The active user a token belongs to, or None for an unknown or revoked token."""
    if not token:
        return None
    with session.begin():
        found = repo.by_token_hash(session, _digest(token))
        if found is None:
            return None
        return Caller(found.id, found.email, found.role)
