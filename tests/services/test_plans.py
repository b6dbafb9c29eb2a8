"""Payment plans offered and recorded, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Account, Escalation, PaymentPlan
from bot.errors import Conflict, InputError
from bot.policy.plans import PlanNotAvailable
from bot.policy.rules import DEFAULT_POLICY
from bot.services.plans import hardship_offer, plan_offer, record_plan
from tests.services.conftest import NOW, Seeded, add_invoice


def test_the_offer_covers_the_collectible_balance_in_the_months_asked(
    session: Session, seeded: Seeded
) -> None:
    offer = plan_offer(session, "A-7", NOW, DEFAULT_POLICY, months=4)
    assert offer.total == Decimal("1200.00")
    assert offer.months == 4
    assert offer.down_payment == Decimal("120.00")
    assert not offer.counteroffer


def test_more_months_than_allowed_get_a_counteroffer(session: Session, seeded: Seeded) -> None:
    offer = plan_offer(session, "A-7", NOW, DEFAULT_POLICY, months=12)
    assert offer.months == 6
    assert offer.counteroffer
    assert "max_installments" in offer.adjustments


def test_hardship_gets_the_lowest_installment(session: Session, seeded: Seeded) -> None:
    offer = hardship_offer(session, "A-7", NOW, DEFAULT_POLICY)
    assert offer.months == DEFAULT_POLICY.plan_max_installments
    assert offer.monthly_amount == Decimal("180.00")


def test_a_small_balance_has_no_plan(session: Session) -> None:
    with session.begin():
        account = Account(
            account_number="A-8", name="Bo", postal_code="1", created_at=NOW, updated_at=NOW
        )
        session.add(account)
        session.flush()
        add_invoice(session, account.id, "S-1", date(2026, 11, 1), "60.00", "60.00")
    with pytest.raises(PlanNotAvailable, match="below the plan minimum"):
        plan_offer(session, "A-8", NOW, DEFAULT_POLICY)


def test_recording_stores_an_active_plan_with_its_schedule(
    session: Session, seeded: Seeded
) -> None:
    offer = plan_offer(session, "A-7", NOW, DEFAULT_POLICY, months=3)
    record = record_plan(session, "A-7", offer, channel="web", now=NOW, policy=DEFAULT_POLICY)
    assert (record.status, record.needs_approval, record.escalation_id) == ("active", False, None)
    plan = session.get(PaymentPlan, record.id)
    assert plan is not None
    schedule = [(i.sequence, i.due_date, i.amount, i.status) for i in plan.installments]
    assert schedule == [
        (n, item.due_date, item.amount, "scheduled") for n, item in enumerate(offer.installments)
    ]
    assert sum(i.amount for i in plan.installments) == Decimal("1200.00")


def test_a_new_plan_replaces_the_current_one(session: Session, seeded: Seeded) -> None:
    offer = plan_offer(session, "A-7", NOW, DEFAULT_POLICY, months=3)
    first = record_plan(session, "A-7", offer, channel="sms", now=NOW, policy=DEFAULT_POLICY)
    second = record_plan(session, "A-7", offer, channel="sms", now=NOW, policy=DEFAULT_POLICY)
    statuses = dict(session.execute(select(PaymentPlan.id, PaymentPlan.status)).all())
    assert statuses == {first.id: "cancelled", second.id: "active"}


def test_a_plan_above_the_limit_waits_for_a_collector(session: Session, seeded: Seeded) -> None:
    with session.begin():
        add_invoice(session, seeded.account_id, "I-9", date(2026, 11, 1), "9000.00", "9000.00")
    offer = plan_offer(session, "A-7", NOW, DEFAULT_POLICY, months=6)
    record = record_plan(session, "A-7", offer, channel="sms", now=NOW, policy=DEFAULT_POLICY)
    assert (record.status, record.needs_approval) == ("pending_approval", True)
    escalation = session.get(Escalation, record.escalation_id)
    assert escalation is not None
    assert (escalation.reason, escalation.status, escalation.account_id) == (
        "plan_approval",
        "open",
        seeded.account_id,
    )


def test_an_offer_for_a_balance_that_moved_is_refused(session: Session, seeded: Seeded) -> None:
    offer = plan_offer(session, "A-7", NOW, DEFAULT_POLICY, months=3)
    with session.begin():
        add_invoice(session, seeded.account_id, "I-9", date(2026, 11, 1), "50.00", "50.00")
    with pytest.raises(Conflict, match="^total: the plan covers 1200.00 but the balance is now"):
        record_plan(session, "A-7", offer, channel="sms", now=NOW, policy=DEFAULT_POLICY)
    assert session.scalars(select(PaymentPlan)).all() == []


def test_an_offer_breaking_a_rule_is_refused(session: Session, seeded: Seeded) -> None:
    offer = plan_offer(session, "A-7", NOW, DEFAULT_POLICY, months=3)
    tampered = dataclasses.replace(offer, down_payment=Decimal("1.00"))
    with pytest.raises(InputError, match="^plan: "):
        record_plan(session, "A-7", tampered, channel="sms", now=NOW, policy=DEFAULT_POLICY)
