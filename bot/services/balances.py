"""What a verified customer owes, as the balance flow tells it (SPEC §5 Balance)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.policy.balances import summarize
from bot.policy.finance_charges import PREFIX as FC_PREFIX
from bot.policy.rules import Policy
from bot.repositories import invoices, plans, promises
from bot.services.credit.holds import hold_notice
from bot.services.customers import customer_today, open_items, require_account


@dataclass(frozen=True)
class InvoiceView:
    """One open invoice; ``disputed`` ones are on hold and never asked for."""

    invoice_number: str
    due_date: date
    open_amount: Decimal
    disputed: bool


@dataclass(frozen=True)
class Commitment:
    """A payment the customer agreed to: a pending promise or a plan's installment."""

    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class PlanView:
    """The account's current plan: its status and the installments still to pay."""

    status: str  # active | pending_approval
    remaining: tuple[Commitment, ...]


@dataclass(frozen=True)
class BalanceView:
    """The account's balance on the customer's ``today``, invoices oldest due first."""

    account_number: str
    currency: str
    total: Decimal
    collectible: Decimal
    past_due: Decimal
    disputed: Decimal
    open_count: int
    oldest_past_due_invoice: str | None
    oldest_days_late: int | None
    invoices: tuple[InvoiceView, ...]
    today: date
    promise: Commitment | None = None
    plan: PlanView | None = None
    #: the reasons of the account's credit hold (SPEC §12); empty when it is not on hold
    hold_reasons: tuple[str, ...] = ()
    #: what a payment must be to bring the balance back under the credit limit
    to_limit: Decimal = Decimal("0.00")
    #: what is open on finance-charge invoices (``FC-…``), told apart from the rest
    finance_charges: Decimal = Decimal("0.00")


def balance_view(
    session: Session,
    account_number: str,
    now: datetime,
    policy: Policy,
    default_timezone: ZoneInfo | None = None,
) -> BalanceView:
    """The balance of ``account_number`` now, on the customer's calendar.

    ``policy`` is taken like every conversation use case takes it; the balance has no limits.

    Raises:
        NotFound: naming the account number.
    """
    with session.begin():
        account = require_account(session, account_number)
        today = customer_today(account, now, default_timezone)
        items = open_items(session, account)
        currency = invoices.currency_of(session, account.id)
        promise, plan = _commitments(session, account.id)
        hold = hold_notice(session, account.id)
    summary = summarize(items, today)
    oldest = summary.oldest_past_due
    return BalanceView(
        account_number=account.account_number,
        currency=currency,
        total=summary.total,
        collectible=summary.collectible,
        past_due=summary.past_due,
        disputed=summary.disputed,
        open_count=summary.open_count,
        oldest_past_due_invoice=None if oldest is None else oldest.invoice_number,
        oldest_days_late=summary.oldest_days_late,
        invoices=tuple(
            InvoiceView(i.invoice_number, i.due_date, i.open_amount, i.disputed) for i in items
        ),
        today=today,
        promise=promise,
        plan=plan,
        hold_reasons=() if hold is None else hold.reasons,
        to_limit=Decimal("0.00") if hold is None else hold.to_limit,
        finance_charges=sum(
            (i.open_amount for i in items if i.invoice_number.startswith(FC_PREFIX)),
            Decimal("0.00"),
        ),
    )


def _commitments(session: Session, account_id: int) -> tuple[Commitment | None, PlanView | None]:
    """What the customer already agreed to: so "when is the first payment?" has an answer."""
    pending = promises.pending(session, account_id)
    current = plans.current(session, account_id)
    promise = None if pending is None else Commitment(pending.due_date, pending.amount)
    if current is None:
        return promise, None
    remaining = tuple(
        Commitment(i.due_date, i.amount)
        for i in sorted(current.installments, key=lambda i: i.sequence)
        if i.status == "scheduled"
    )
    return promise, PlanView(current.status, remaining)
