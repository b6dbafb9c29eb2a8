"""``arbot demo`` creates the demo's console users and prints their logins once;
``arbot user password`` gives a user a new one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.db.engine import make_engine
from bot.db.models import Account, User
from bot.services.users import password_matches
from tests.cli.runner import NOW, arbot

_LOGIN = re.compile(r"^\s+(\S+@example\.com)\s+(\w+)\s+password: (\S+)", re.MULTILINE)


@pytest.fixture
def migrated(tmp_database: str) -> str:
    assert arbot("db", "upgrade", database=tmp_database).code == 0
    return tmp_database


@pytest.fixture
def database(migrated: str) -> Iterator[Engine]:
    engine = make_engine(migrated)
    yield engine
    engine.dispose()


def hashes(engine: Engine) -> dict[str, tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(select(User.email, User.role, User.password_hash))
        return {email: (role, hashed) for email, role, hashed in rows}


def test_demo_prints_a_manager_and_a_collector_login_that_work(
    migrated: str, database: Engine
) -> None:
    done = arbot("demo", "--if-empty", database=migrated)
    assert done.code == 0, done.err
    printed = {email: (role, password) for email, role, password in _LOGIN.findall(done.out)}
    assert set(printed) == {"manager@example.com", "collector@example.com"}
    stored = hashes(database)
    for email, (role, password) in printed.items():
        assert stored[email][0] == role
        assert password_matches(stored[email][1], password)
    assert "http://127.0.0.1:8000/console" in done.out


def test_a_second_run_shows_no_password_and_changes_none(migrated: str, database: Engine) -> None:
    assert arbot("demo", "--if-empty", database=migrated).code == 0
    before = hashes(database)
    again = arbot("demo", "--if-empty", database=migrated)
    assert again.code == 0, again.err
    assert "password:" not in again.out
    assert "exists; `arbot user password manager@example.com` sets a new password" in again.out
    assert hashes(database) == before


def test_an_existing_user_keeps_their_password(migrated: str, database: Engine) -> None:
    added = arbot(
        "user", "add", "manager@example.com", "--role", "admin", "--password-stdin",
        database=migrated, stdin="my own password\n",
    )  # fmt: skip
    assert added.code == 0, added.err
    done = arbot("demo", "--if-empty", database=migrated)
    assert [email for email, _, _ in _LOGIN.findall(done.out)] == ["collector@example.com"]
    role, hashed = hashes(database)["manager@example.com"]
    assert role == "admin"
    assert password_matches(hashed, "my own password")


def test_no_demo_users_in_a_database_that_is_not_the_demo(migrated: str, database: Engine) -> None:
    now = datetime.fromisoformat(NOW)
    with Session(database) as session, session.begin():
        session.add(
            Account(
                account_number="REAL-1", name="Real customer", postal_code="02110",
                created_at=now, updated_at=now,
            )
        )  # fmt: skip
    done = arbot("demo", "--if-empty", database=migrated)
    assert done.code == 0, done.err
    assert "console logins" not in done.out
    assert hashes(database) == {}


def test_user_password_sets_a_new_password_shown_once(migrated: str, database: Engine) -> None:
    assert arbot("demo", "--if-empty", database=migrated).code == 0
    before = hashes(database)["collector@example.com"][1]
    done = arbot("user", "password", "collector@example.com", database=migrated)
    assert done.code == 0, done.err
    shown = re.search(r"^password: (\S+)", done.out, re.MULTILINE)
    assert shown is not None
    after = hashes(database)["collector@example.com"][1]
    assert after != before
    assert password_matches(after, shown.group(1))


def test_user_password_for_an_unknown_user_fails_naming_it(migrated: str) -> None:
    done = arbot("user", "password", "nobody@example.com", database=migrated)
    assert done.code == 1
    assert "nobody@example.com" in done.err
