"""Waiting out a database outage: a whole transaction run again while the server is down."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

from bot.db import outage
from bot.db.outage import Patience, outlasting, unreachable

REFUSED = OperationalError("select 1", {}, Exception("connection refused"))
QUICK = Patience(seconds=5.0, first_wait=0.001, longest_wait=0.002)


class Database:
    """Work that fails with ``error`` the first ``failures`` times, then returns ``"done"``."""

    def __init__(self, failures: int, error: Exception = REFUSED) -> None:
        self.failures = failures
        self.error = error
        self.calls = 0

    def work(self, value: str) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return value


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outage, "PATIENCE", QUICK)


def test_the_work_is_run_again_until_the_database_answers() -> None:
    database = Database(failures=3)
    assert asyncio.run(outlasting(database.work, "done")) == "done"
    assert database.calls == 4


def test_an_outage_longer_than_the_patience_raises_the_last_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(outage, "PATIENCE", Patience(0.05, first_wait=0.01, longest_wait=0.01))
    database = Database(failures=1_000)
    with pytest.raises(OperationalError, match="connection refused"):
        asyncio.run(outlasting(database.work, "done"))
    assert 2 <= database.calls < 20


def test_an_error_that_is_not_an_outage_is_raised_at_once() -> None:
    database = Database(failures=1, error=IntegrityError("insert", {}, Exception("duplicate")))
    with pytest.raises(IntegrityError):
        asyncio.run(outlasting(database.work, "done"))
    assert database.calls == 1


@pytest.mark.parametrize(
    ("error", "outage_or_not"),
    [
        (REFUSED, True),
        (InterfaceError("select 1", {}, Exception("connection already closed")), True),
        (DBAPIError("select 1", {}, Exception("server closed"), connection_invalidated=True), True),
        (IntegrityError("insert", {}, Exception("duplicate key")), False),
        (ValueError("not a database error"), False),
    ],
)
def test_only_a_refused_or_dropped_connection_is_an_outage(
    error: Exception, outage_or_not: bool
) -> None:
    assert unreachable(error) is outage_or_not
