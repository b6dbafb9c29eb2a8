"""Promises to pay checked and recorded, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Promise
from bot.errors import InputError
from bot.policy.promises import PromiseProblem
from bot.policy.rules import DEFAULT_POLICY
from bot.services.promises import check_promise, record_promise
from tests.services.conftest import NOW, Seeded

FRIDAY = date(2026, 11, 27)


def _record(session: Session, amount: str, due: date = FRIDAY) -> int:
    record = record_promise(
        session, "A-7", Decimal(amount), due, channel="sms", now=NOW, policy=DEFAULT_POLICY
    )
    return record.id


def test_a_promise_within_the_rules_passes_the_check(session: Session, seeded: Seeded) -> None:
    check = check_promise(session, "A-7", Decimal("300"), FRIDAY, NOW, DEFAULT_POLICY)
    assert check.ok
    assert (check.min_amount, check.max_amount) == (Decimal("200.00"), Decimal("1200.00"))
    assert check.latest_date == date(2026, 12, 6)


@pytest.mark.parametrize(
    ("amount", "due", "problem"),
    [
        ("1200.01", FRIDAY, PromiseProblem.AMOUNT_OVER_BALANCE),
        ("199.99", FRIDAY, PromiseProblem.AMOUNT_BELOW_MINIMUM),
        ("300", date(2026, 12, 7), PromiseProblem.DATE_TOO_FAR),
        ("300", date(2026, 11, 21), PromiseProblem.DATE_IN_PAST),
    ],
)
def test_a_promise_breaking_a_rule_fails_the_check(
    session: Session, seeded: Seeded, amount: str, due: date, problem: PromiseProblem
) -> None:
    check = check_promise(session, "A-7", Decimal(amount), due, NOW, DEFAULT_POLICY)
    assert check.problems == (problem,)


def test_recording_stores_a_pending_promise_by_the_bot(session: Session, seeded: Seeded) -> None:
    promise_id = _record(session, "300")
    promise = session.get(Promise, promise_id)
    assert promise is not None
    assert (promise.amount, promise.due_date, promise.status) == (
        Decimal("300.00"),
        FRIDAY,
        "pending",
    )
    assert (promise.channel, promise.taken_by) == ("sms", "bot")


def test_a_new_promise_replaces_the_pending_one(session: Session, seeded: Seeded) -> None:
    first = _record(session, "300")
    record = record_promise(
        session, "A-7", Decimal("400"), FRIDAY, channel="sms", now=NOW, policy=DEFAULT_POLICY
    )
    assert record.replaced_id == first
    statuses = dict(session.execute(select(Promise.id, Promise.status)).all())
    assert statuses == {first: "cancelled", record.id: "pending"}


def test_recording_refuses_a_promise_over_the_balance(session: Session, seeded: Seeded) -> None:
    with pytest.raises(InputError, match="^amount: 5000.00 is amount over balance"):
        _record(session, "5000")
    assert session.scalars(select(Promise)).all() == []
