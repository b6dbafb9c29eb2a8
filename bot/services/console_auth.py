"""Signing in to the web console: passwords, lock-out, server-side sessions, CSRF tokens.

A successful login creates a session row and hands back a random token for the
``arbot_session`` cookie; only the token's SHA-256 is stored, so a copy of the database
hands out no sessions. A session ends after :data:`IDLE_TIMEOUT` without use, or at
logout. Each session has its own CSRF token, which every form must send back.

:data:`MAX_FAILED_LOGINS` wrong passwords in a row lock the account for
:data:`LOCK_DURATION`. Every refusal looks the same to the caller (unknown e-mail, wrong
password, locked or inactive account), and costs the same password check, so the answer
does not tell which e-mail addresses exist. Logins, failures, lock-outs and logouts are
audited.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.repositories import audit, users
from bot.repositories import console_sessions as repo
from bot.services.users import INTEGRATION, ROLES, hash_password, password_matches

#: a session ends after this long without a request
IDLE_TIMEOUT = timedelta(hours=8)
#: wrong passwords in a row that lock an account
MAX_FAILED_LOGINS = 5
#: how long a locked account refuses every password
LOCK_DURATION = timedelta(minutes=15)
#: a session's last use is written at most this often (not on every poll of a page)
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class ConsoleUser:
    """The signed-in person a console request acts for."""

    id: int
    email: str
    role: str

    def may(self, role: str) -> bool:
        """True when this user's role is ``role`` or above (collector < manager < admin)."""
        return rank(self.role) >= rank(role)


@dataclass(frozen=True)
class SignedIn:
    """A new session: ``token`` goes into the cookie, ``csrf_token`` into every form."""

    token: str
    csrf_token: str
    user: ConsoleUser


@dataclass(frozen=True)
class Visit:
    """A request's live session: who it is and the CSRF token its forms carry."""

    user: ConsoleUser
    csrf_token: str


@dataclass(frozen=True)
class _Candidate:
    id: int
    password_hash: str
    locked: bool


def rank(role: str) -> int:
    """The place of ``role`` in collector < manager < admin.

    Raises:
        ValueError: naming the role when it is not one of :data:`ROLES`.
    """
    try:
        return ROLES.index(role)
    except ValueError:
        raise ValueError(f"role: {role!r} is not one of {', '.join(ROLES)}") from None


def new_csrf_token() -> str:
    """A random token for a form (the login form's double-submit cookie)."""
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str, given: str | None) -> bool:
    """True when ``given`` is ``expected`` (compared in constant time; blank never matches)."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def login(session: Session, email: str, password: str, now: datetime) -> SignedIn | None:
    """Checks a password and opens a session; None when refused, whatever the reason.

    The password check runs between two short transactions, so a slow hash never holds
    the database's write lock.
    """
    email = email.strip().lower()
    candidate = _candidate(session, email, now)
    if candidate is None or candidate.locked:
        _spend(password)
        _refused(session, email, candidate, now)
        return None
    if not password_matches(candidate.password_hash, password):
        _failed(session, candidate.id, now)
        return None
    return _open(session, candidate.id, now)


def visit(session: Session, token: str | None, now: datetime) -> Visit | None:
    """The live session holding ``token`` (its idle expiry pushed forward), or None."""
    if not token:
        return None
    with session.begin():
        found = repo.live(session, _digest(token), now)
        if found is None:
            return None
        row, user = found
        if now - row.last_seen_at >= TOUCH_EVERY:
            repo.touch(session, row.id, now, now + IDLE_TIMEOUT)
        return Visit(ConsoleUser(user.id, user.email, user.role), row.csrf_token)


def logout(session: Session, token: str | None, now: datetime) -> None:
    """Ends the session holding ``token`` (nothing happens for an unknown token)."""
    if not token:
        return
    with session.begin():
        user_id = repo.remove(session, _digest(token))
        if user_id is not None:
            _audit(session, now, user_id, "logout")


def _candidate(session: Session, email: str, now: datetime) -> _Candidate | None:
    with session.begin():
        user = users.by_email(session, email)
        if user is None or not user.active or user.role == INTEGRATION:
            return None  # an integration user has a token, never a console session
        locked = user.locked_until is not None and user.locked_until > now
        return _Candidate(user.id, user.password_hash, locked)


def _refused(session: Session, email: str, candidate: _Candidate | None, now: datetime) -> None:
    with session.begin():
        if candidate is None:
            audit.record(
                session,
                at=now,
                entity="login",
                entity_id=email[:64],
                action="login_unknown_user",
                actor="system",
            )
        else:
            _audit(session, now, candidate.id, "login_refused_locked")


def _failed(session: Session, user_id: int, now: datetime) -> None:
    with session.begin():
        failures = users.count_failed_login(session, user_id)
        _audit(session, now, user_id, "login_failed", {"failed_logins": failures})
        if failures >= MAX_FAILED_LOGINS:
            until = now + LOCK_DURATION
            users.lock(session, user_id, until)
            _audit(session, now, user_id, "login_locked", {"until": until.isoformat()})


def _open(session: Session, user_id: int, now: datetime) -> SignedIn | None:
    token, csrf = secrets.token_urlsafe(32), new_csrf_token()
    with session.begin():
        user = users.by_id(session, user_id)
        # locked or deactivated while the password was being checked
        if user is None or not user.active or (user.locked_until or now) > now:
            return None
        user.failed_logins = 0
        user.locked_until = None
        repo.remove_expired(session, now)
        repo.add(
            session,
            token_hash=_digest(token),
            user_id=user.id,
            csrf_token=csrf,
            now=now,
            expires_at=now + IDLE_TIMEOUT,
        )
        _audit(session, now, user.id, "login")
        return SignedIn(token, csrf, ConsoleUser(user.id, user.email, user.role))


def _audit(
    session: Session,
    now: datetime,
    user_id: int,
    action: str,
    detail: dict[str, object] | None = None,
) -> None:
    audit.record(
        session,
        at=now,
        entity="user",
        entity_id=user_id,
        action=action,
        detail=detail,
        actor="system",
        user_id=user_id,
    )


@functools.cache
def _decoy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _spend(password: str) -> None:
    """Checks ``password`` against a throw-away hash: a refusal costs what a check costs."""
    password_matches(_decoy_hash(), password)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
