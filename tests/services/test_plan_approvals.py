"""A collector approves or declines a plan that needs approval, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

import pytest
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.db.models import Account, AuditEvent, Escalation, PaymentPlan
from bot.errors import Conflict, NotFound
from bot.services.escalations import escalate_account
from bot.services.plan_approvals import approve, pending_plans, reject
from tests.services.conftest import NOW
from tests.services.console_seed import add_collector, add_pending_plan, seed_account

COMPANY = "Acme Supply Co."
T = TypeVar("T")


def _all(session: Session, query: Select[tuple[T]]) -> list[T]:
    """The rows of ``query``, read in a transaction of its own (services begin theirs)."""
    with session.begin():
        return list(session.scalars(query))


@pytest.fixture
def pending(session: Session) -> tuple[int, int]:
    """Account A-7 with a 12,000.00 plan waiting for approval and its ``plan_approval``
    case; (plan id, collector id)."""
    account_id = seed_account(session)
    plan_id = add_pending_plan(session, account_id)
    with session.begin():
        account = session.get(Account, account_id)
        assert account is not None
        escalate_account(session, account, "plan_approval", NOW, f"plan {plan_id}")
    return plan_id, add_collector(session)


def test_approving_puts_the_plan_in_force_and_records_who_approved_it(
    session: Session, pending: tuple[int, int]
) -> None:
    plan_id, collector = pending
    decision = approve(session, plan_id, collector, NOW, company=COMPANY)

    (plan,) = _all(session, select(PaymentPlan))
    assert (decision.status, plan.status, plan.approved_by) == ("active", "active", collector)
    events = _all(session, select(AuditEvent).where(AuditEvent.entity == "plan"))
    assert [(e.action, e.actor, e.user_id) for e in events] == [
        ("approved", "collector", collector)
    ]


def test_rejecting_cancels_the_plan(session: Session, pending: tuple[int, int]) -> None:
    plan_id, collector = pending
    decision = reject(session, plan_id, collector, NOW, company=COMPANY)

    (plan,) = _all(session, select(PaymentPlan))
    assert (decision.status, plan.status, plan.resolved_at, plan.approved_by) == (
        "cancelled", "cancelled", NOW, None,
    )  # fmt: skip
    actions = _all(session, select(AuditEvent.action).where(AuditEvent.entity == "plan"))
    assert actions == ["rejected"]


@pytest.mark.parametrize("decide", [approve, reject])
def test_either_decision_resolves_the_approval_case(
    session: Session, pending: tuple[int, int], decide: object
) -> None:
    plan_id, collector = pending
    decision = decide(session, plan_id, collector, NOW, company=COMPANY)  # type: ignore[operator]
    (case,) = _all(session, select(Escalation))
    assert decision.closed_escalation_id == case.id
    assert (case.reason, case.status, case.resolved_at) == ("plan_approval", "resolved", NOW)


def test_the_customer_is_told_the_first_payment_of_an_approved_plan(
    session: Session, pending: tuple[int, int]
) -> None:
    notice = approve(session, *pending, NOW, company=COMPANY).notice
    assert notice is not None
    assert (notice.channel, notice.address, notice.key) == (
        "sms", "+16175550101", f"plan:{pending[0]}:approved",
    )  # fmt: skip
    assert notice.text == (
        "Acme Supply Co.: Your payment plan for $12,000.00 is approved. Your first payment of"
        " $1,200.00 is due Nov 25.\nReply STOP to opt out"
    )


def test_the_customer_is_invited_to_talk_when_the_plan_is_declined(
    session: Session, pending: tuple[int, int]
) -> None:
    notice = reject(session, *pending, NOW, company=COMPANY).notice
    assert notice is not None
    assert notice.key == f"plan:{pending[0]}:rejected"
    assert "could not approve your payment plan for $12,000.00" in notice.text


def test_only_a_pending_plan_can_be_decided(session: Session, pending: tuple[int, int]) -> None:
    approve(session, *pending, NOW, company=COMPANY)
    with pytest.raises(Conflict, match=f"plan {pending[0]} is active, not waiting"):
        reject(session, *pending, NOW, company=COMPANY)
    with pytest.raises(NotFound, match="plan 999 does not exist"):
        approve(session, 999, pending[1], NOW, company=COMPANY)


def test_pending_plans_lists_each_with_its_schedule(
    session: Session, pending: tuple[int, int]
) -> None:
    (listed,) = pending_plans(session)
    assert (listed.id, listed.account_number, listed.total) == (
        pending[0], "A-7", Decimal("12000.00"),
    )  # fmt: skip
    assert [i.amount for i in listed.installments] == [
        Decimal("1200.00"), *[Decimal("3600.00")] * 3,
    ]  # fmt: skip
    reject(session, *pending, NOW, company=COMPANY)
    assert pending_plans(session) == []
