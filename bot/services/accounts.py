"""One account at a glance (``arbot show``, the console's account panel)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.db.models import Invoice, PaymentPlan, Promise
from bot.errors import NotFound
from bot.policy.balances import OpenItem, days_past_due, summarize
from bot.policy.money import format_money
from bot.repositories import accounts as repo
from bot.repositories import payment_requests


@dataclass(frozen=True)
class InvoiceLine:
    invoice_number: str
    issue_date: date
    due_date: date
    amount: Decimal
    open_amount: Decimal
    days_past_due: int
    status: str  # open | paid | disputed


@dataclass(frozen=True)
class AccountOverview:
    """Everything ``arbot show ACCOUNT`` prints; ``to_json`` gives the SPEC §3 shape."""

    account_number: str
    name: str
    currency: str
    timezone: str | None
    consumer: bool
    balance: Decimal
    past_due: Decimal
    invoices: tuple[InvoiceLine, ...]
    promises: tuple[dict[str, Any], ...]
    plans: tuple[dict[str, Any], ...]
    disputes: tuple[dict[str, Any], ...]
    escalations: tuple[dict[str, Any], ...]
    contact: dict[str, Any]
    #: payments and reversals, newest first (:func:`payment_json`)
    payments: tuple[dict[str, Any], ...] = ()
    #: ``en`` or ``es``: the language the account is written to in (SPEC §14)
    language: str = "en"

    def to_json(self) -> dict[str, Any]:
        """The ``show --json`` document: money as two-place strings, dates ISO 8601."""
        return {
            "account_number": self.account_number,
            "name": self.name,
            "balance": format_money(self.balance),
            "past_due": format_money(self.past_due),
            "currency": self.currency,
            "timezone": self.timezone,
            "language": self.language,
            "consumer": self.consumer,
            "invoices": [
                {
                    "invoice_number": line.invoice_number,
                    "issue_date": line.issue_date.isoformat(),
                    "due_date": line.due_date.isoformat(),
                    "amount": format_money(line.amount),
                    "open_amount": format_money(line.open_amount),
                    "days_past_due": line.days_past_due,
                    "status": line.status,
                }
                for line in self.invoices
            ],
            "promises": list(self.promises),
            "plans": list(self.plans),
            "disputes": list(self.disputes),
            "escalations": list(self.escalations),
            "contact": self.contact,
            "payments": list(self.payments),
        }


def _line(invoice: Invoice, disputed: bool, today: date) -> InvoiceLine:
    status = "disputed" if disputed else "paid" if invoice.open_amount <= 0 else "open"
    return InvoiceLine(
        invoice_number=invoice.invoice_number,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        amount=invoice.amount,
        open_amount=invoice.open_amount,
        days_past_due=max(0, days_past_due(invoice.due_date, today)),
        status=status,
    )


def account_overview(session: Session, account_number: str, today: date) -> AccountOverview:
    """Balances, invoices, promises, plans, disputes, escalations and contact preferences.

    Raises:
        NotFound: naming the account number when there is no such account.
    """
    with session.begin():
        account = repo.by_number(session, account_number)
        if account is None:
            raise NotFound(f"account {account_number!r} does not exist")
        invoices = repo.invoices(session, account.id)
        held = repo.open_dispute_invoice_ids(session, account.id)
        lines = tuple(
            InvoiceLine(
                invoice_number=inv.invoice_number,
                issue_date=inv.issue_date,
                due_date=inv.due_date,
                amount=inv.amount,
                open_amount=inv.open_amount,
                days_past_due=max(0, days_past_due(inv.due_date, today)),
                status="disputed"
                if inv.id in held
                else ("paid" if inv.open_amount <= 0 else "open"),
            )
            for inv in invoices
        )
        summary = summarize(
            (
                OpenItem(
                    line.invoice_number, line.due_date, line.open_amount, line.status == "disputed"
                )
                for line in lines
                if line.open_amount > 0
            ),
            today,
        )
        return AccountOverview(
            account_number=account.account_number,
            name=account.name,
            currency=invoices[0].currency if invoices else "USD",
            timezone=account.timezone,
            language=account.language,
            consumer=account.consumer,
            balance=summary.total,
            past_due=summary.past_due,
            invoices=lines,
            promises=tuple(_promise(p) for p in repo.promises(session, account.id)),
            plans=tuple(_plan(plan) for plan in repo.plans(session, account.id)),
            disputes=tuple(
                {
                    "reference": d.reference,
                    "invoice_number": number,
                    "reason": d.reason,
                    "status": d.status,
                }
                for d, number in repo.disputes(session, account.id)
            ),
            escalations=tuple(
                {"id": e.id, "reason": e.reason, "status": e.status}
                for e in repo.escalations(session, account.id)
            ),
            contact=_contact(session, account.id),
            payments=tuple(
                payment_json(p) for p in payment_requests.payments_of(session, account.id)
            ),
        )


def payment_json(p: payment_requests.PaymentLine) -> dict[str, Any]:
    """A payment as ``show --json`` and ``payments --json`` print it."""
    return {
        "payment_id": p.payment_id,
        "received_date": p.received_date.isoformat(),
        "amount": format_money(p.amount),
        "method": p.method,
        "invoice_number": p.invoice_number,
        "unapplied_amount": format_money(p.unapplied_amount),
    }


def _promise(p: Promise) -> dict[str, Any]:
    return {
        "id": p.id,
        "amount": format_money(p.amount),
        "due_date": p.due_date.isoformat(),
        "status": p.status,
        "channel": p.channel,
        "taken_by": p.taken_by,
    }


def _plan(plan: PaymentPlan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "status": plan.status,
        "total": format_money(plan.total),
        "down_payment": format_money(plan.down_payment),
        "installments": [
            {
                "due_date": i.due_date.isoformat(),
                "amount": format_money(i.amount),
                "status": i.status,
            }
            for i in plan.installments
        ],
    }


def _contact(session: Session, account_id: int) -> dict[str, Any]:
    preferences = repo.preferences(session, account_id)
    return {
        "sms_opt_out": bool(preferences and preferences.sms_opt_out),
        "telegram_opt_out": bool(preferences and preferences.telegram_opt_out),
        "cease": bool(preferences and preferences.cease),
        "sms_consent": bool(preferences and preferences.sms_consent),
        "channels": {c.channel: c.address for c in repo.contacts(session, account_id)},
    }
