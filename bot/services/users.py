"""Console users: creation, listing and new passwords, hashed with argon2."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from bot.db.models import AuditEvent, User
from bot.errors import Conflict, InputError, NotFound
from bot.repositories import audit, console_sessions
from bot.repositories import users as repo

#: the console's roles, each may do what the one before it may
ROLES = ("collector", "manager", "admin")
#: an ERP or CRM: API tokens for ``/api/v1/…`` only, no console (SPEC §15)
INTEGRATION = "integration"
ALL_ROLES = (*ROLES, INTEGRATION)
MIN_PASSWORD_LENGTH = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()


@dataclass(frozen=True)
class NewUser:
    id: int
    email: str
    role: str
    password: str
    password_generated: bool


def add_user(
    session: Session,
    email: str,
    role: str,
    now: datetime,
    password: str | None = None,
    *,
    by_user_id: int | None = None,
) -> NewUser:
    """Creates a console user; without a password one is generated and returned once.

    ``by_user_id`` is the console user who added it (audited); None for the command line.

    Raises:
        InputError: naming ``email``, ``role`` or ``password`` when one is not acceptable.
        Conflict: when a user with that e-mail exists.
    """
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise InputError(f"email: {email!r} is not an e-mail address")
    if role not in ALL_ROLES:
        raise InputError(f"role: {role!r} is not one of {', '.join(ALL_ROLES)}")
    generated = password is None
    password = secrets.token_urlsafe(12) if password is None else password
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"password: shorter than {MIN_PASSWORD_LENGTH} characters")
    with session.begin():
        if repo.by_email(session, email) is not None:
            raise Conflict(f"email: a user {email!r} already exists")
        user = User(email=email, password_hash=hash_password(password), role=role, created_at=now)
        session.add(user)
        session.flush()
        session.add(
            AuditEvent(
                at=now,
                actor="system",
                user_id=by_user_id,
                entity="user",
                entity_id=str(user.id),
                action="created",
                detail=json.dumps({"role": role}),
            )
        )
    return NewUser(user.id, email, role, password, generated)


@dataclass(frozen=True)
class UserRow:
    """A console user as the users page lists it."""

    id: int
    email: str
    role: str
    active: bool
    locked_until: datetime | None
    created_at: datetime


def list_users(session: Session) -> list[UserRow]:
    """Every console user, by e-mail."""
    with session.begin():
        return [
            UserRow(u.id, u.email, u.role, u.active, u.locked_until, u.created_at)
            for u in repo.everyone(session)
        ]


def set_password(
    session: Session, email: str, now: datetime, password: str | None = None
) -> NewUser:
    """Gives a user a new password (generated and returned once when none is given).

    The lock-out is lifted and every console session of the user ends, so whoever held
    the old password is signed out.

    Raises:
        NotFound: naming the e-mail when there is no such user.
        InputError: naming ``password`` when it is too short.
    """
    generated = password is None
    password = secrets.token_urlsafe(12) if password is None else password
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"password: shorter than {MIN_PASSWORD_LENGTH} characters")
    hashed = hash_password(password)
    with session.begin():
        user = repo.by_email(session, email.strip().lower())
        if user is None:
            raise NotFound(f"email: no user {email!r}")
        user.password_hash = hashed
        user.failed_logins = 0
        user.locked_until = None
        console_sessions.remove_for_user(session, user.id)
        audit.record(
            session, at=now, entity="user", entity_id=user.id, action="password_set", actor="system"
        )
        return NewUser(user.id, user.email, user.role, password, generated)


def hash_password(password: str) -> str:
    """The argon2 hash stored for ``password``."""
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    """True when ``password`` is the one hashed in ``password_hash``."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
