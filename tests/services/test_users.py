"""Console users: a new password lifts a lock-out and ends the user's sessions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import ConsoleSession, User
from bot.errors import InputError, NotFound
from bot.services import console_auth
from bot.services.users import add_user, list_users, password_matches, set_password

NOW = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)


def test_a_new_password_replaces_the_old_lifts_the_lock_and_ends_sessions(
    session: Session,
) -> None:
    add_user(session, "ana@example.com", "collector", NOW, "the old password")
    assert console_auth.login(session, "ana@example.com", "the old password", NOW) is not None
    with session.begin():
        user = session.scalars(select(User)).one()
        user.locked_until = NOW + timedelta(minutes=10)
    changed = set_password(session, "ANA@example.com", NOW)
    assert changed.password_generated
    with session.begin():
        user = session.scalars(select(User)).one()
        assert password_matches(user.password_hash, changed.password)
        assert not password_matches(user.password_hash, "the old password")
        assert user.locked_until is None
        assert session.scalars(select(ConsoleSession)).all() == []
    assert console_auth.login(session, "ana@example.com", changed.password, NOW) is not None


def test_a_new_password_for_an_unknown_user_or_too_short_is_refused(session: Session) -> None:
    with pytest.raises(NotFound, match="nobody@example.com"):
        set_password(session, "nobody@example.com", NOW)
    add_user(session, "ana@example.com", "collector", NOW)
    with pytest.raises(InputError, match="password: shorter than 10"):
        set_password(session, "ana@example.com", NOW, "short")


def test_users_are_listed_by_email(session: Session) -> None:
    add_user(session, "zed@example.com", "admin", NOW)
    add_user(session, "amy@example.com", "collector", NOW)
    assert [(u.email, u.role, u.active) for u in list_users(session)] == [
        ("amy@example.com", "collector", True),
        ("zed@example.com", "admin", True),
    ]
