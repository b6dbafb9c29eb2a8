"""Finance charges (SPEC §12): posted once per account and month, waived with a reason.

Posting reads every account's open amounts past the grace at the month end in one
statement (:mod:`bot.repositories.finance_charges`), prices them with
:mod:`bot.policy.finance_charges` and inserts the ``FC-…`` invoices that do not exist yet —
so posting a month again changes nothing. A waiver is a credit with reason
``finance_charge_waiver`` by a named user, audited; holds follow both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Credit, Invoice, User
from bot.errors import Conflict, InputError, NotFound
from bot.policy import finance_charges as rules_
from bot.policy.credit import HOLD_DAYS_PAST_DUE
from bot.policy.finance_charges import ChargeRules
from bot.repositories import audit, users
from bot.repositories import finance_charges as repo
from bot.repositories.bulk_writes import insert_set
from bot.repositories.credit_report import WAIVER_REASON
from bot.services.credit.holds import reconcile_holds

#: the longest reason a waiver keeps
MAX_REASON = 200


@dataclass(frozen=True)
class PostedCharge:
    account_number: str
    invoice_number: str
    amount: Decimal


@dataclass(frozen=True)
class Waiver:
    invoice_number: str
    amount: Decimal
    open_amount: Decimal


def post_finance_charges(
    session: Session,
    year: int,
    month: int,
    now: datetime,
    rules: ChargeRules,
    actor: str = "system",
    hold_days: int = HOLD_DAYS_PAST_DUE,
) -> list[PostedCharge]:
    """Posts the finance charges of month ``year-month``; those posted before are skipped.

    Nothing is posted when the rate is 0 (finance charges off). The charged accounts'
    holds follow, ``hold_days`` (``ARBOT_HOLD_DAYS_PAST_DUE``) past due deciding
    ``past_due``.
    """
    if not rules.enabled:
        return []
    end = rules_.month_end(year, month)
    issued, due = rules_.issue_and_due(year, month)
    with session.begin():
        due_before = rules_.charged_before(year, month, rules.grace_days)
        suffix = rules_.number_suffix(year, month)
        found = repo.overdue_open(
            session, end, due_before, consumers=rules.consumers, suffix=suffix
        )
        posted: list[PostedCharge] = []
        rows: list[dict[str, Any]] = []
        for item in found:
            number = rules_.invoice_number(item.account_number, year, month)
            amount = rules_.charge(item.overdue_open, rules)
            if amount <= 0:
                continue
            rows.append(
                {"invoice_number": number, "account_id": item.account_id, "issue_date": issued,
                 "due_date": due, "amount": amount, "currency": "USD", "open_amount": amount,
                 "created_at": now, "updated_at": now}
            )  # fmt: skip
            posted.append(PostedCharge(item.account_number, number, amount))
        insert_set(session, Invoice, rows)
        audit.record_many(
            session, at=now, entity="invoice", actor=actor,
            events=[(p.invoice_number, "finance_charge_posted",
                     {"account": p.account_number, "amount": p.amount, "rate": rules.rate,
                      "month": f"{year:04d}-{month:02d}"}) for p in posted],
        )  # fmt: skip
        if rows:
            why = f"finance charges {year:04d}-{month:02d}"
            charged = {int(r["account_id"]) for r in rows}
            reconcile_holds(session, charged, now, actor, why, days_limit=hold_days)
    return posted


def waive_finance_charge(
    session: Session,
    invoice_number: str,
    reason: str,
    by_email: str,
    now: datetime,
    amount: Decimal | None = None,
    hold_days: int = HOLD_DAYS_PAST_DUE,
) -> Waiver:
    """Credits a finance charge (all that is open on it, or ``amount``) with a reason
    (``hold_days``: ``ARBOT_HOLD_DAYS_PAST_DUE``, for the account's credit hold).

    Raises:
        InputError: no reason, a bad amount, or not a finance-charge invoice.
        NotFound: the invoice or the user does not exist.
        Conflict: nothing is open on it.
    """
    reason = reason.strip()[:MAX_REASON]
    if not reason:
        raise InputError("--reason: a waiver needs a reason")
    if not invoice_number.startswith(rules_.PREFIX):
        raise InputError(f"invoice: {invoice_number} is not a finance charge (FC-…)")
    with session.begin():
        user = _user(session, by_email)
        query = select(Invoice).where(Invoice.invoice_number == invoice_number).with_for_update()
        invoice = session.scalars(query).first()
        if invoice is None:
            raise NotFound(f"invoice {invoice_number} does not exist")
        credit = invoice.open_amount if amount is None else amount
        if invoice.open_amount <= 0:
            raise Conflict(f"invoice {invoice_number}: nothing is open on it")
        if credit <= 0 or credit > invoice.open_amount:
            raise InputError(f"--amount: {credit} is not between 0 and {invoice.open_amount}")
        session.add(
            Credit(invoice_id=invoice.id, amount=credit, credit_date=now.date(),
                   reason=WAIVER_REASON, created_at=now)
        )  # fmt: skip
        invoice.open_amount, invoice.updated_at = invoice.open_amount - credit, now
        audit.record(
            session, at=now, entity="invoice", entity_id=invoice_number,
            action="finance_charge_waived", actor="collector", user_id=user.id,
            detail={"amount": credit, "reason": reason, "by": user.email},
        )  # fmt: skip
        session.flush()
        why = "finance charge waived"
        reconcile_holds(session, {invoice.account_id}, now, "collector", why, days_limit=hold_days)
        return Waiver(invoice_number, credit, invoice.open_amount)


def _user(session: Session, email: str) -> User:
    user = users.by_email(session, email.strip().lower())
    if user is None:
        raise NotFound(f"--by: no user {email}")
    return user


def open_finance_charges(session: Session, limit: int = 200) -> list[repo.OpenCharge]:
    """Finance charges with money open on them, newest first (what may be waived)."""
    with session.begin():
        return repo.open_charges(session, limit)
