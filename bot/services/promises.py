"""Promises to pay taken in a conversation (SPEC §5 Promise to pay).

The action server checks a proposal while the customer is still talking
(:func:`check_promise`) and records it once they confirm (:func:`record_promise`). Recording
checks again, under a lock on the account, because the balance may have moved in between:
a promise is never stored against rules it breaks. One pending promise per account; a new
one replaces it (the old one is ``cancelled``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.models import Promise
from bot.errors import InputError
from bot.policy import promises as rules
from bot.policy.money import cents
from bot.policy.promises import PromiseCheck, PromiseStatus
from bot.policy.rules import Policy
from bot.repositories import audit
from bot.repositories import promises as repo
from bot.services.customers import customer_today, live_summary, require_account


@dataclass(frozen=True)
class PromiseRecord:
    """A recorded promise; ``replaced_id`` is the pending promise it cancelled, if any."""

    id: int
    amount: Decimal
    due_date: date
    replaced_id: int | None


def check_promise(
    session: Session,
    account_number: str,
    amount: Decimal,
    due_date: date,
    now: datetime,
    policy: Policy,
    default_timezone: ZoneInfo | None = None,
) -> PromiseCheck:
    """Checks a proposed promise against the account's balance on the customer's today.

    Raises:
        NotFound: naming the account number.
    """
    with session.begin():
        account = require_account(session, account_number)
        today = customer_today(account, now, default_timezone)
        summary = live_summary(session, account, today)
    return rules.check_promise(cents(amount), due_date, summary, today, policy)


def record_promise(
    session: Session,
    account_number: str,
    amount: Decimal,
    due_date: date,
    *,
    channel: str,
    now: datetime,
    policy: Policy,
    taken_by: str = "bot",
    collector_id: int | None = None,
    conversation_id: int | None = None,
    default_timezone: ZoneInfo | None = None,
) -> PromiseRecord:
    """Records a confirmed promise, replacing the account's pending one.

    Raises:
        NotFound: naming the account number.
        InputError: naming the rule the promise breaks (``amount`` or ``due_date``).
    """
    amount = cents(amount)
    with session.begin():
        account = require_account(session, account_number, lock=True)
        today = customer_today(account, now, default_timezone)
        check = rules.check_promise(
            amount, due_date, live_summary(session, account, today), today, policy
        )
        if not check.ok:
            raise InputError(_broken_rule(check, amount, due_date))
        replaced = repo.pending(session, account.id)
        if replaced is not None:
            replaced.status = PromiseStatus.CANCELLED.value
            replaced.resolved_at = now
            audit.record(
                session, at=now, entity="promise", entity_id=replaced.id, action="replaced"
            )
        promise = Promise(
            account_id=account.id,
            amount=amount,
            due_date=due_date,
            status=PromiseStatus.PENDING.value,
            channel=channel,
            taken_by=taken_by,
            collector_id=collector_id,
            conversation_id=conversation_id,
            amount_collected=Decimal("0.00"),
            created_at=now,
        )
        session.add(promise)
        session.flush()
        audit.record(
            session,
            at=now,
            entity="promise",
            entity_id=promise.id,
            action="created",
            detail={"amount": amount, "due_date": due_date, "channel": channel},
            actor=taken_by,
            user_id=collector_id,
        )
        return PromiseRecord(
            promise.id, amount, due_date, None if replaced is None else replaced.id
        )


def _broken_rule(check: PromiseCheck, amount: Decimal, due_date: date) -> str:
    problem = check.problems[0]
    if problem in (rules.PromiseProblem.DATE_IN_PAST, rules.PromiseProblem.DATE_TOO_FAR):
        return f"due_date: {due_date.isoformat()} is {problem.value.replace('_', ' ')}"
    limits = f"between {check.min_amount} and {check.max_amount}"
    return f"amount: {amount} is {problem.value.replace('_', ' ')} (must be {limits})"
