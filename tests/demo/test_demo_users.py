"""The demo's console users, on SQLite and PostgreSQL: created once, only for the demo."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import AuditEvent, Escalation, User
from bot.demo.users import DEMO_USERS, ensure_demo_users
from bot.services.users import add_user, password_matches

NOW = datetime(2026, 11, 22, 15, tzinfo=timezone.utc)


def mark_demo_loaded(session: Session) -> None:
    """What ``load_demo`` leaves behind: its audit event."""
    with session.begin():
        session.add(
            AuditEvent(
                at=NOW, actor="system", entity="demo", entity_id="portfolio", action="loaded"
            )
        )


def test_the_demo_gets_a_manager_and_a_collector_with_their_own_passwords(
    session: Session,
) -> None:
    mark_demo_loaded(session)
    logins = ensure_demo_users(session, NOW)
    assert [(login.email, login.role) for login in logins] == list(DEMO_USERS)
    passwords = [login.password for login in logins]
    assert None not in passwords
    assert len(set(passwords)) == 2
    with session.begin():
        for login in logins:
            user = session.scalars(select(User).where(User.email == login.email)).one()
            assert login.password is not None
            assert password_matches(user.password_hash, login.password)


def test_a_second_call_creates_nothing_and_shows_no_password(session: Session) -> None:
    mark_demo_loaded(session)
    ensure_demo_users(session, NOW)
    again = ensure_demo_users(session, NOW)
    assert [login.password for login in again] == [None, None]
    with session.begin():
        assert len(session.scalars(select(User)).all()) == 2


def test_an_existing_user_is_left_as_it_is(session: Session) -> None:
    mark_demo_loaded(session)
    add_user(session, "manager@example.com", "admin", NOW, "their own password")
    logins = ensure_demo_users(session, NOW)
    assert [login.password is None for login in logins] == [True, False]
    with session.begin():
        user = session.scalars(select(User).where(User.email == "manager@example.com")).one()
        assert user.role == "admin"
        assert password_matches(user.password_hash, "their own password")


def test_no_demo_users_without_the_demo_portfolio(session: Session) -> None:
    assert ensure_demo_users(session, NOW) == []
    with session.begin():
        assert session.scalars(select(User)).all() == []


def test_the_demos_claimed_case_belongs_to_the_demo_collector(session: Session) -> None:
    mark_demo_loaded(session)
    with session.begin():
        claimed = Escalation(
            reason="customer_request", status="claimed", created_at=NOW, claimed_at=NOW
        )
        waiting = Escalation(reason="fallback", status="open", created_at=NOW)
        session.add_all([claimed, waiting])

    ensure_demo_users(session, NOW)

    with session.begin():
        collector = session.scalars(select(User).where(User.email == DEMO_USERS[1][0])).one()
        owners = [
            session.scalar(select(Escalation.assigned_to).where(Escalation.id == case.id))
            for case in (claimed, waiting)
        ]
    assert owners == [collector.id, None]
