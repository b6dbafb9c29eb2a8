"""The balance a verified customer is told, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from bot.db.models import Dispute
from bot.errors import NotFound
from bot.policy.rules import DEFAULT_POLICY
from bot.services.balances import Commitment, balance_view
from bot.services.plans import plan_offer, record_plan
from bot.services.promises import record_promise
from tests.services.conftest import NOW, TODAY, Seeded


def test_balance_gives_total_past_due_and_oldest_invoice(session: Session, seeded: Seeded) -> None:
    view = balance_view(session, "A-7", NOW, DEFAULT_POLICY)
    assert (view.total, view.collectible, view.past_due) == (
        Decimal("1200.00"),
        Decimal("1200.00"),
        Decimal("800.00"),
    )
    assert view.open_count == 3
    assert (view.oldest_past_due_invoice, view.oldest_days_late) == ("I-1", 52)
    assert [i.invoice_number for i in view.invoices] == ["I-1", "I-2", "I-3"]
    assert view.currency == "USD"
    assert view.today == TODAY


def test_a_disputed_invoice_is_marked_and_not_asked_for(session: Session, seeded: Seeded) -> None:
    with session.begin():
        session.add(
            Dispute(
                reference="D-1",
                account_id=seeded.account_id,
                invoice_id=seeded.invoice_ids["I-1"],
                reason="damaged",
                status="open",
                created_at=NOW,
            )
        )
    view = balance_view(session, "A-7", NOW, DEFAULT_POLICY)
    assert view.total == Decimal("1200.00")
    assert view.collectible == Decimal("700.00")
    assert view.past_due == Decimal("300.00")
    assert view.oldest_past_due_invoice == "I-2"
    assert [i.disputed for i in view.invoices] == [True, False, False]


def test_today_is_the_customers_day_in_their_zone(session: Session, seeded: Seeded) -> None:
    # 03:00 UTC on the 23rd is still the 22nd in Chicago
    view = balance_view(
        session, "A-7", datetime(2026, 11, 23, 3, tzinfo=timezone.utc), DEFAULT_POLICY
    )
    assert view.today == date(2026, 11, 22)


def test_an_unknown_account_is_not_found(session: Session, seeded: Seeded) -> None:
    with pytest.raises(NotFound, match="A-404"):
        balance_view(session, "A-404", NOW, DEFAULT_POLICY)


def test_the_pending_promise_and_the_plans_next_payments_come_with_the_balance(
    session: Session, seeded: Seeded
) -> None:
    record_promise(
        session, "A-7", Decimal("300.00"), TODAY, channel="sms", now=NOW, policy=DEFAULT_POLICY
    )
    offer = plan_offer(session, "A-7", NOW, DEFAULT_POLICY, months=3)
    record_plan(session, "A-7", offer, channel="sms", now=NOW, policy=DEFAULT_POLICY)

    view = balance_view(session, "A-7", NOW, DEFAULT_POLICY)

    assert view.promise == Commitment(TODAY, Decimal("300.00"))
    assert view.plan is not None
    assert view.plan.status == "active"
    assert view.plan.remaining == tuple(
        Commitment(item.due_date, item.amount) for item in offer.installments
    )


def test_no_promise_and_no_plan_is_said_as_none(session: Session, seeded: Seeded) -> None:
    view = balance_view(session, "A-7", NOW, DEFAULT_POLICY)
    assert (view.promise, view.plan) == (None, None)
