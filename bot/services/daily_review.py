"""The daily review (SPEC §5, §6): promises kept or broken, installments paid or missed.

Once a day, before that day's reminder passes, :func:`evaluate_day` settles what the
calendar decided, each on the customer's own date:

* a pending promise is **kept** once the payments received from its creation reach the
  amount, and **broken** when its date + ``promise_grace_days`` passed without that
  (:func:`bot.policy.promises.promise_status`); ``amount_collected`` is stored with it. A
  second broken promise in ``broken_promises_window_days`` escalates (``broken_promises``);
* an active plan's installments are **paid** when the payments since the plan began cover
  them in due order, and **missed** when due date + ``plan_grace_days`` passed without;
  a missed installment **defaults** the plan and escalates (``plan_default``); a plan
  paid in full is **completed** (:func:`bot.policy.plans.evaluate_plan`).

A broken promise or a defaulted plan then gets its one notice from the reminder pass.
Only a status change writes anything (and opens an escalation), so running the review
twice on a day changes nothing the second time. Each page of promises or plans is one
transaction.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Account, Installment, PaymentPlan, Promise
from bot.policy.contact_windows import local_date
from bot.policy.credit import HOLD_DAYS_PAST_DUE
from bot.policy.plans import PlanStatus, ScheduledPayment, evaluate_plan
from bot.policy.promises import PromiseStatus, is_second_broken_promise, promise_status
from bot.policy.rules import Policy
from bot.repositories import audit
from bot.repositories import daily_review as repo
from bot.repositories.ledger import update_rows
from bot.services.credit.holds import reconcile_holds
from bot.services.customers import customer_zone
from bot.services.escalations import escalate_account

#: promises or plans per transaction
BATCH = 1000


@dataclass
class ReviewSummary:
    """What one review changed (all zero when run again the same day)."""

    promises_kept: int = 0
    promises_broken: int = 0
    installments_paid: int = 0
    installments_missed: int = 0
    plans_completed: int = 0
    plans_defaulted: int = 0
    escalations: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        return (
            f"promises: {self.promises_kept} kept, {self.promises_broken} broken; "
            f"installments: {self.installments_paid} paid, {self.installments_missed} missed; "
            f"plans: {self.plans_completed} completed, {self.plans_defaulted} defaulted; "
            f"{self.escalations} escalations opened ({self.seconds:.1f} s)"
        )

    def to_json(self) -> dict[str, Any]:
        """The summary as ``arbot reminders review --json`` prints it."""
        fields = dict(self.__dict__)
        fields["seconds"] = round(self.seconds, 3)
        return fields


@dataclass(frozen=True)
class _Review:
    """What a page is reviewed with."""

    now: datetime
    policy: Policy
    default_zone: ZoneInfo | None
    hold_days: int = HOLD_DAYS_PAST_DUE

    def today(self, timezone: str | None) -> tuple[ZoneInfo | None, date]:
        zone = customer_zone(timezone, self.default_zone)
        return zone, local_date(self.now, zone)


def evaluate_day(
    sessions: sessionmaker[Session],
    now: datetime,
    policy: Policy,
    *,
    default_zone: ZoneInfo | None = None,
    batch: int = BATCH,
    hold_days: int = HOLD_DAYS_PAST_DUE,
) -> ReviewSummary:
    """Settles the promises and plans the calendar decided by ``now``; idempotent.

    Args:
        sessions: the session factory.
        now: the review's instant; "today" is each customer's local date at it.
        policy: grace days and the broken-promises window.
        default_zone: the zone of customers without one (``ARBOT_DEFAULT_TIMEZONE``).
        batch: promises or plans per transaction.
        hold_days: days past due that put an account on credit hold
            (``ARBOT_HOLD_DAYS_PAST_DUE``): invoices cross it as days pass.
    """
    started = time.perf_counter()
    review = _Review(now, policy, default_zone, hold_days)
    summary = ReviewSummary()
    after_id: int | None = 0
    while after_id is not None:
        after_id = _promise_page(sessions, after_id, batch, review, summary)
    after_id = 0
    while after_id is not None:
        after_id = _plan_page(sessions, after_id, batch, review, summary)
    with sessions() as session, session.begin():
        reconcile_holds(
            session, None, now, "system", "daily review", days_limit=hold_days, zone=default_zone
        )
    summary.seconds = time.perf_counter() - started
    return summary


def _promise_page(
    sessions: sessionmaker[Session],
    after_id: int,
    limit: int,
    review: _Review,
    summary: ReviewSummary,
) -> int | None:
    """Reviews one page of pending promises; returns the last id, None at the end."""
    with sessions() as session, session.begin():
        page = repo.pending_promises(session, after_id=after_id, limit=limit)
        if not page:
            return None
        since = min(p.created_at.date() for p in page) - timedelta(days=1)
        received = repo.payments(session, {p.account_id for p in page}, since)
        settled = [
            (p, change)
            for p in page
            if (change := _settle_promise(p, received.get(p.account_id, []), review))
        ]
        changes = [change for _, change in settled]
        update_rows(session, Promise, changes)
        _audit(session, "promise", changes, review.now)
        broken = {p.account_id: p for p, change in settled if change["status"] == "broken"}
        summary.promises_kept += sum(c["status"] == "kept" for c in changes)
        summary.promises_broken += sum(c["status"] == "broken" for c in changes)
        summary.escalations += _escalate_broken(session, broken, review)
        return page[-1].id


def _audit(session: Session, entity: str, changes: list[dict[str, Any]], now: datetime) -> None:
    """One audit event per status change the review made."""
    for change in changes:
        detail = {k: v for k, v in change.items() if k not in ("id", "status", "resolved_at")}
        audit.record(
            session,
            at=now,
            entity=entity,
            entity_id=change["id"],
            action=change["status"],
            detail=detail,
            actor="system",
        )


def _settle_promise(
    promise: repo.PendingPromise, received: list[tuple[date, Decimal]], review: _Review
) -> dict[str, Any] | None:
    """The promise's new status and amount collected, or None while it is pending."""
    zone, today = review.today(promise.timezone)
    created_on = local_date(promise.created_at, zone)
    status = promise_status(
        promise.amount, created_on, promise.due_date, received, today, review.policy
    )
    if status is PromiseStatus.PENDING:
        return None
    last = min(promise.due_date + timedelta(days=review.policy.promise_grace_days), today)
    paid = sum((a for day, a in received if created_on <= day <= last), Decimal("0.00"))
    return {
        "id": promise.id,
        "status": status.value,
        "amount_collected": min(paid, promise.amount),
        "resolved_at": review.now,
    }


def _escalate_broken(
    session: Session, broken: dict[int, repo.PendingPromise], review: _Review
) -> int:
    """Escalates the accounts among ``broken`` with a second broken promise; returns how many."""
    if not broken:
        return 0
    window = timedelta(days=review.policy.broken_promises_window_days)
    earliest = min(review.today(p.timezone)[1] for p in broken.values()) - window
    dates = repo.broken_due_dates(session, broken, earliest)
    opened = 0
    for account_id, promise in broken.items():
        today = review.today(promise.timezone)[1]
        if not is_second_broken_promise(dates.get(account_id, []), today, review.policy):
            continue
        account = session.get(Account, account_id)
        if account is None:
            continue
        note = f"promise {promise.id} is the second broken promise in the window"
        record = escalate_account(session, account, "broken_promises", review.now, note)
        opened += record.created
    return opened


@dataclass(frozen=True)
class Settled:
    """What a payment settled at once: promises kept, installments paid, plans completed."""

    promises_kept: tuple[int, ...] = ()
    installments_paid: tuple[int, ...] = ()
    plans_completed: tuple[int, ...] = ()


def settle_paid(
    session: Session,
    account_id: int,
    now: datetime,
    policy: Policy,
    *,
    default_zone: ZoneInfo | None = None,
    promises: bool = True,
    plans: bool = True,
    hold_days: int = HOLD_DAYS_PAST_DUE,
) -> Settled:
    """Settles, inside the caller's transaction, what the account's payments now cover.

    The review's own rules, for one account, as soon as a payment is recorded (a Stripe
    payment): a promise reached is kept, covered installments are paid, a plan paid in
    full is completed. Only those: breaking and missing stay the calendar's, decided by
    the daily review. ``promises`` or ``plans`` False: the caller knows the account has no
    pending promise or no active plan, so they are not looked for. ``hold_days`` is
    ``ARBOT_HOLD_DAYS_PAST_DUE``, for the holds a completed or defaulted plan changes.
    """
    review = _Review(now, policy, default_zone, hold_days)
    pending = (
        repo.pending_promises(session, after_id=0, limit=BATCH, account_id=account_id)
        if promises
        else []
    )
    active = (
        repo.active_plans(session, after_id=0, limit=BATCH, account_id=account_id) if plans else []
    )
    created = [p.created_at.date() for p in pending] + [p.created_at.date() for p in active]
    if not created:
        return Settled()
    received = repo.payments(session, {account_id}, min(created) - timedelta(days=1))
    paid = received.get(account_id, [])
    kept = [
        change
        for p in pending
        if (change := _settle_promise(p, paid, review)) and change["status"] == "kept"
    ]
    installments: list[dict[str, Any]] = []
    changed_plans: list[dict[str, Any]] = []
    for plan in active:
        _settle_plan(plan, paid, review, installments, changed_plans)
    installments = [i for i in installments if i["status"] == "paid"]
    completed = [p for p in changed_plans if p["status"] == "completed"]
    update_rows(session, Promise, kept)
    update_rows(session, Installment, installments)
    update_rows(session, PaymentPlan, completed)
    _audit(session, "promise", kept, now)
    _audit(session, "plan", completed, now)
    return Settled(
        tuple(c["id"] for c in kept),
        tuple(i["id"] for i in installments),
        tuple(p["id"] for p in completed),
    )


def _plan_page(
    sessions: sessionmaker[Session],
    after_id: int,
    limit: int,
    review: _Review,
    summary: ReviewSummary,
) -> int | None:
    """Reviews one page of active plans; returns the last id, None at the end."""
    with sessions() as session, session.begin():
        page = repo.active_plans(session, after_id=after_id, limit=limit)
        if not page:
            return None
        since = min(p.created_at.date() for p in page) - timedelta(days=1)
        received = repo.payments(session, {p.account_id for p in page}, since)
        installments: list[dict[str, Any]] = []
        plans: list[dict[str, Any]] = []
        for plan in page:
            _settle_plan(plan, received.get(plan.account_id, []), review, installments, plans)
        update_rows(session, Installment, installments)
        update_rows(session, PaymentPlan, plans)
        summary.installments_paid += sum(i["status"] == "paid" for i in installments)
        summary.installments_missed += sum(i["status"] == "missed" for i in installments)
        summary.plans_completed += sum(p["status"] == "completed" for p in plans)
        defaulted = [p for p in plans if p["status"] == "defaulted"]
        summary.plans_defaulted += len(defaulted)
        _audit(session, "plan", plans, review.now)
        accounts = {plan.id: plan.account_id for plan in page}
        if plans:  # a defaulted plan holds its account; a completed one no longer does
            session.flush()
            changed = {accounts[p["id"]] for p in plans}
            reconcile_holds(
                session, changed, review.now, "system", "plan review", days_limit=review.hold_days
            )
        for change in defaulted:
            summary.escalations += _escalate_default(
                session, accounts[change["id"]], change, review
            )
        return page[-1].id


def _settle_plan(
    plan: repo.ActivePlan,
    received: list[tuple[date, Decimal]],
    review: _Review,
    installments: list[dict[str, Any]],
    plans: list[dict[str, Any]],
) -> None:
    """Appends the plan's changed installment statuses and its new status, if any."""
    if not plan.installments:
        return
    zone, today = review.today(plan.timezone)
    start = local_date(plan.created_at, zone)
    schedule = [ScheduledPayment(i.due_date, i.amount) for i in plan.installments]
    since_start = [(day, amount) for day, amount in received if day >= start]
    statuses, status = evaluate_plan(schedule, since_start, today, review.policy)
    for item, new in zip(plan.installments, statuses, strict=True):
        if new.value != item.status:
            installments.append({"id": item.id, "status": new.value})
    if status in (PlanStatus.DEFAULTED, PlanStatus.COMPLETED):
        plans.append({"id": plan.id, "status": status.value, "resolved_at": review.now})


def _escalate_default(
    session: Session, account_id: int, change: dict[str, Any], review: _Review
) -> int:
    account = session.get(Account, account_id)
    if account is None:
        return 0
    note = f"plan {change['id']} defaulted: an installment was missed"
    return int(escalate_account(session, account, "plan_default", review.now, note).created)
