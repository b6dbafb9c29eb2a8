"""A collector approves or declines a plan that needs approval (SPEC §5 Payment plan).

A plan above the approval limit waits ``pending_approval`` with a ``plan_approval``
escalation. Approving makes it ``active`` (the dunning pause and installment reminders
follow from that) and records who approved it; declining cancels it. Either way the
decision is audited, the case leaves the queue and the customer is told
(:mod:`bot.services.decisions`). Only a pending plan can be decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.db.models import Account, PaymentPlan
from bot.errors import Conflict, NotFound
from bot.policy import decision_notices as words
from bot.policy.plans import PlanStatus
from bot.repositories import audit, decisions
from bot.services.decisions import Notice, addressee, close_case, queue_notice


@dataclass(frozen=True)
class Installment:
    due_date: date
    amount: Decimal
    status: str


@dataclass(frozen=True)
class PendingPlan:
    """A plan waiting for a collector, with its account and schedule."""

    id: int
    account_number: str
    account_name: str
    total: Decimal
    down_payment: Decimal
    channel: str
    created_at: datetime
    installments: tuple[Installment, ...]


@dataclass(frozen=True)
class PlanDecision:
    """What became of the plan; ``notice`` is what the customer is to be told."""

    id: int
    status: str  # active | cancelled
    closed_escalation_id: int | None
    notice: Notice | None


def pending_plans(session: Session) -> list[PendingPlan]:
    """Every plan waiting for approval, oldest first."""
    with session.begin():
        return [
            PendingPlan(
                plan.id,
                number,
                name,
                plan.total,
                plan.down_payment,
                plan.channel,
                plan.created_at,
                tuple(Installment(i.due_date, i.amount, i.status) for i in plan.installments),
            )
            for plan, number, name in decisions.pending_plans(session)
        ]


def approve(
    session: Session, plan_id: int, user_id: int, now: datetime, *, company: str
) -> PlanDecision:
    """Puts the plan in force, approved by ``user_id``.

    Raises:
        NotFound: naming the plan id.
        Conflict: when the plan is not waiting for approval.
    """
    with session.begin():
        plan, account = _pending(session, plan_id)
        plan.status, plan.approved_by = PlanStatus.ACTIVE.value, user_id
        return _decide(session, plan, account, "approved", user_id, now, company)


def reject(
    session: Session, plan_id: int, user_id: int, now: datetime, *, company: str
) -> PlanDecision:
    """Declines the plan: it is cancelled and dunning resumes as if there were none.

    Raises:
        NotFound: naming the plan id.
        Conflict: when the plan is not waiting for approval.
    """
    with session.begin():
        plan, account = _pending(session, plan_id)
        plan.status, plan.resolved_at = PlanStatus.CANCELLED.value, now
        return _decide(session, plan, account, "rejected", user_id, now, company)


def _pending(session: Session, plan_id: int) -> tuple[PaymentPlan, Account]:
    plan = decisions.plan(session, plan_id, lock=True)
    if plan is None:
        raise NotFound(f"plan {plan_id} does not exist")
    if plan.status != PlanStatus.PENDING_APPROVAL.value:
        raise Conflict(f"plan {plan_id} is {plan.status}, not waiting for approval")
    account = session.get(Account, plan.account_id)
    if account is None:  # a foreign key makes this impossible
        raise NotFound(f"plan {plan_id}: its account is missing")
    return plan, account


def _decide(
    session: Session,
    plan: PaymentPlan,
    account: Account,
    action: str,
    user_id: int,
    now: datetime,
    company: str,
) -> PlanDecision:
    audit.record(
        session, at=now, entity="plan", entity_id=plan.id, action=action, actor="collector",
        user_id=user_id, detail={"status": plan.status, "total": plan.total},
    )  # fmt: skip
    note = f"plan {plan.id} {action}"
    closed = close_case(session, account.id, "plan_approval", user_id, now, note)
    notice = None
    found = addressee(session, account, plan.conversation_id, company)
    if found is not None:
        to, address = found
        if action == "approved":
            first = next(((i.amount, i.due_date) for i in plan.installments), None)
            text = words.plan_approved(plan.total, first, to)
        else:
            text = words.plan_rejected(plan.total, to)
        notice = Notice(to.channel, address, text, key=f"plan:{plan.id}:{action}")
    queue_notice(session, notice, now)
    return PlanDecision(plan.id, plan.status, closed, notice)
