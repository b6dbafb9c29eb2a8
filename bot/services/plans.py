"""Payment plans negotiated in a conversation (SPEC §5 Payment plan).

:func:`plan_offer` answers what the customer proposed with the plan, or the nearest one
the policy allows; :func:`record_plan` stores the plan the customer confirmed. Recording
checks the offer again under a lock on the account — it must still cover exactly the
collectible balance and satisfy every rule — so a stale or tampered offer is refused.
Above ``plan_approval_above`` the plan waits for a collector (``pending_approval``, with a
``plan_approval`` escalation). An account has one current plan; a new one replaces it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.models import Installment, PaymentPlan
from bot.errors import Conflict, InputError
from bot.policy import plans as rules
from bot.policy.money import format_money
from bot.policy.plans import InstallmentStatus, PlanOffer, PlanStatus
from bot.policy.rules import Policy
from bot.repositories import audit
from bot.repositories import plans as repo
from bot.services.customers import customer_today, live_summary, require_account
from bot.services.escalations import escalate_account


@dataclass(frozen=True)
class PlanRecord:
    """A recorded plan; ``escalation_id`` is the approval case when it needs one."""

    id: int
    status: str
    needs_approval: bool
    escalation_id: int | None


def plan_offer(
    session: Session,
    account_number: str,
    now: datetime,
    policy: Policy,
    *,
    months: int | None = None,
    monthly_amount: Decimal | None = None,
    default_timezone: ZoneInfo | None = None,
) -> PlanOffer:
    """The plan for the account's collectible balance closest to what the customer asked.

    Raises:
        NotFound: naming the account number.
        PlanNotAvailable: the balance is too small for a plan.
    """
    collectible, today = _collectible(session, account_number, now, default_timezone)
    return rules.offer_plan(
        collectible, today, policy, months=months, monthly_amount=monthly_amount
    )


def hardship_offer(
    session: Session,
    account_number: str,
    now: datetime,
    policy: Policy,
    default_timezone: ZoneInfo | None = None,
) -> PlanOffer:
    """The plan with the lowest monthly installment (SPEC §5 Hardship).

    Raises:
        NotFound: naming the account number.
        PlanNotAvailable: the balance is too small for a plan.
    """
    collectible, today = _collectible(session, account_number, now, default_timezone)
    return rules.lowest_installment_offer(collectible, today, policy)


def record_plan(
    session: Session,
    account_number: str,
    offer: PlanOffer,
    *,
    channel: str,
    now: datetime,
    policy: Policy,
    conversation_id: int | None = None,
    default_timezone: ZoneInfo | None = None,
    dialogue_intents: Sequence[str] | None = None,
) -> PlanRecord:
    """Records the plan the customer confirmed (``dialogue_intents`` go to the summary of
    the approval case it may open).

    Raises:
        NotFound: naming the account number.
        Conflict: the collectible balance is no longer the plan's total.
        InputError: naming the plan rule the offer breaks.
    """
    with session.begin():
        account = require_account(session, account_number, lock=True)
        today = customer_today(account, now, default_timezone)
        collectible = live_summary(session, account, today).collectible
        if offer.total != collectible:
            raise Conflict(
                f"total: the plan covers {format_money(offer.total)} but the balance is "
                f"now {format_money(collectible)}"
            )
        problems = rules.plan_problems(offer, today, policy)
        if problems:
            raise InputError(f"plan: {problems[0]}")
        _replace_current(session, account.id, now)
        status = PlanStatus.PENDING_APPROVAL if offer.needs_approval else PlanStatus.ACTIVE
        plan = PaymentPlan(
            account_id=account.id,
            status=status.value,
            total=offer.total,
            down_payment=offer.down_payment,
            channel=channel,
            taken_by="bot",
            conversation_id=conversation_id,
            created_at=now,
        )
        plan.installments = [
            Installment(
                sequence=n,
                due_date=item.due_date,
                amount=item.amount,
                status=InstallmentStatus.SCHEDULED.value,
            )
            for n, item in enumerate(offer.installments)
        ]
        session.add(plan)
        session.flush()
        audit.record(
            session,
            at=now,
            entity="plan",
            entity_id=plan.id,
            action="created",
            detail={"status": plan.status, "total": offer.total, "months": offer.months},
        )
        escalation_id = None
        if offer.needs_approval:
            note = f"plan {plan.id}: {format_money(offer.total)} over {offer.months} months"
            case = escalate_account(session, account, "plan_approval", now, note, dialogue_intents)
            escalation_id = case.id
        return PlanRecord(plan.id, plan.status, offer.needs_approval, escalation_id)


def _collectible(
    session: Session, account_number: str, now: datetime, default_timezone: ZoneInfo | None
) -> tuple[Decimal, date]:
    """What a plan may cover, and the customer's today."""
    with session.begin():
        account = require_account(session, account_number)
        today = customer_today(account, now, default_timezone)
        return live_summary(session, account, today).collectible, today


def _replace_current(session: Session, account_id: int, now: datetime) -> None:
    current = repo.current(session, account_id)
    if current is None:
        return
    current.status = PlanStatus.CANCELLED.value
    current.resolved_at = now
    audit.record(session, at=now, entity="plan", entity_id=current.id, action="replaced")
