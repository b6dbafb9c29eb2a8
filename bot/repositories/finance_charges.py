"""Finance charges' queries (SPEC §12): open amounts past the grace at a month end.

One set-based statement sums, per account, what each charged invoice had open at the end
of the month (its amount less the payments received and credits dated by then, summed
per invoice once rather than looked up invoice by invoice), leaving
out the accounts whose charge for the month is posted already. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, func, literal, select
from sqlalchemy.orm import Session, aliased

from bot.db.models import Account, Credit, Dispute, Invoice, Payment, PaymentApplication
from bot.db.types import as_decimal
from bot.policy.finance_charges import PREFIX


@dataclass(frozen=True)
class OverdueOpen:
    account_id: int
    account_number: str
    overdue_open: Decimal


def overdue_open(
    session: Session, end: date, due_before: date, *, consumers: bool, suffix: str
) -> list[OverdueOpen]:
    """Per account, the open amount at ``end`` of its undisputed invoices due before
    ``due_before`` (finance charges themselves excluded); consumers only when asked.

    Accounts that have their charge invoice (``FC-{account_number}{suffix}``) already are
    left out: posting a month again finds nothing to post.
    """
    paid = (
        select(PaymentApplication.invoice_id, func.sum(PaymentApplication.amount).label("total"))
        .join(Payment, Payment.id == PaymentApplication.payment_id)
        .where(Payment.received_date <= end)
        .group_by(PaymentApplication.invoice_id)
        .subquery("paid")
    )
    credited = (
        select(Credit.invoice_id, func.sum(Credit.amount).label("total"))
        .where(Credit.credit_date <= end)
        .group_by(Credit.invoice_id)
        .subquery("credited")
    )
    disputed = exists().where(Dispute.invoice_id == Invoice.id, Dispute.status == "open")
    open_at_end = (
        Invoice.amount - func.coalesce(paid.c.total, 0) - func.coalesce(credited.c.total, 0)
    )
    per_invoice = (
        select(Invoice.account_id, open_at_end.label("open_at_end"))
        .join(Account, Account.id == Invoice.account_id)
        .outerjoin(paid, paid.c.invoice_id == Invoice.id)
        .outerjoin(credited, credited.c.invoice_id == Invoice.id)
        .where(
            Invoice.issue_date <= end,
            Invoice.due_date < due_before,
            ~Invoice.invoice_number.startswith(PREFIX),
            ~disputed.correlate(Invoice),
        )
    )
    if not consumers:
        per_invoice = per_invoice.where(Account.consumer.is_(False))
    charged = per_invoice.subquery("charged")
    posted = aliased(Invoice, name="posted")
    number = literal(PREFIX).concat(Account.account_number).concat(literal(suffix))
    query = (
        select(Account.id, Account.account_number, func.sum(charged.c.open_at_end))
        .join(charged, charged.c.account_id == Account.id)
        .where(charged.c.open_at_end > 0, ~exists().where(posted.invoice_number == number))
        .group_by(Account.id, Account.account_number)
        .order_by(Account.account_number)
    )
    return [
        OverdueOpen(id_, number, as_decimal(total)) for id_, number, total in session.execute(query)
    ]


@dataclass(frozen=True)
class OpenCharge:
    invoice_number: str
    account_number: str
    issue_date: date
    amount: Decimal
    open_amount: Decimal


def open_charges(session: Session, limit: int) -> list[OpenCharge]:
    """Finance charges with money open on them, newest first."""
    query = (
        select(
            Invoice.invoice_number,
            Account.account_number,
            Invoice.issue_date,
            Invoice.amount,
            Invoice.open_amount,
        )
        .join(Account, Account.id == Invoice.account_id)
        .where(Invoice.invoice_number.startswith(PREFIX), Invoice.open_amount > 0)
        .order_by(Invoice.issue_date.desc(), Invoice.invoice_number)
        .limit(limit)
    )
    return [OpenCharge(*row) for row in session.execute(query)]
