"""The demo's console users: a manager and a collector to log in with after ``make run``.

They are created only in a database holding the demo portfolio, each with its own
generated password, returned once to be printed. A user that exists already is left as
it is (its password is never overwritten); ``arbot user password EMAIL`` gives it a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.errors import Conflict
from bot.repositories import demo as demo_repo
from bot.repositories import escalations as escalations_repo
from bot.repositories import users as users_repo
from bot.services.users import add_user

#: (e-mail, role) of each demo user
DEMO_USERS = (("manager@example.com", "manager"), ("collector@example.com", "collector"))


@dataclass(frozen=True)
class DemoLogin:
    """A demo user; ``password`` is set only when this call created the user."""

    email: str
    role: str
    password: str | None


def ensure_demo_users(session: Session, now: datetime) -> list[DemoLogin]:
    """Creates the missing demo users; none at all when the demo portfolio is not loaded."""
    with session.begin():
        if not demo_repo.portfolio_loaded(session):
            return []
        existing = {email for email, _ in DEMO_USERS if users_repo.by_email(session, email)}
    logins = []
    for email, role in DEMO_USERS:
        password = None
        if email not in existing:
            try:
                password = add_user(session, email, role, now).password
            except Conflict:  # created meanwhile by another process: leave it alone
                password = None
        logins.append(DemoLogin(email, role, password))
    _give_claims_to_the_collector(session)
    return logins


def _give_claims_to_the_collector(session: Session) -> None:
    """The demo's claimed cases are the demo collector's (the portfolio is loaded before
    any user exists), so the collector can answer them in the console."""
    with session.begin():
        collector = users_repo.by_email(session, DEMO_USERS[1][0])
        if collector is not None:
            escalations_repo.assign_ownerless_claims(session, collector.id)
