"""payments.csv: records new payments and applies them to open invoices.

Payments are facts. One already imported with the same values is left alone; one with
different values is an error, since cash is re-applied by reversal, not by editing. New
payments are applied in (received date, line) order: the named invoice first, then oldest
due first (:func:`bot.policy.allocation.allocate`); what is left is an unapplied credit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.db.models import Invoice, Payment, PaymentApplication
from bot.imports.columns import PAYMENTS
from bot.imports.context import Counts, ImportContext, batches, parse_records
from bot.imports.reading import Record
from bot.imports.rows import PaymentRow, RowError, parse_payment
from bot.policy.allocation import OpenInvoice, allocate
from bot.policy.credit import HOLD_DAYS_PAST_DUE
from bot.policy.money import format_money
from bot.repositories import events, ledger
from bot.services.credit.holds import reconcile_holds
from bot.services.credit.recoveries import reinstate_recovered

#: what must match for a payment already imported to count as the same payment
COMPARED = ("account_number", "received_date", "amount", "invoice_number", "method")


@dataclass(frozen=True)
class NewPayment:
    row: PaymentRow
    account_id: int


@dataclass
class PaymentPlan:
    """New payments to record and apply."""

    new: list[NewPayment] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def write(self, session: Session, context: ImportContext) -> Counts:
        """Applies the new payments in order, then writes them with their applications."""
        record_payments(session, self.new, context.now, context.progress, context.hold_days)
        context.progress(self.unchanged)
        return Counts(inserted=len(self.new), unchanged=self.unchanged)


@dataclass(frozen=True)
class Applied:
    """A payment recorded: its row id, the amount applied per invoice id, the credit left,
    the numbers of the invoices it paid and what the account had open right after it."""

    id: int
    by_invoice: dict[int, Decimal]
    unapplied: Decimal
    numbers: dict[int, str]
    open_after: Decimal


def record_payments(
    session: Session,
    new: Sequence[NewPayment],
    now: datetime,
    progress: Callable[[int], None] = lambda _count: None,
    hold_days: int = HOLD_DAYS_PAST_DUE,
) -> dict[str, Applied]:
    """Records new payments and applies them in (received date, line) order; by payment id.

    The one cash application of arbot: the CSV import and a Stripe payment both come
    here. Nothing commits; the caller's transaction holds the payments, their
    applications and the invoices' new open amounts. ``hold_days`` is
    ``ARBOT_HOLD_DAYS_PAST_DUE``, for the holds the payments end.
    """
    # a payment naming a written-off invoice recovers it: the amount is reinstated first
    reinstate_recovered(
        session,
        [(p.row.invoice_number, p.row.amount, p.row.received_date, p.row.payment_id) for p in new],
        now,
    )
    cash = _Applier(ledger.open_invoices(session, {p.account_id for p in new}))
    ordered = sorted(new, key=lambda p: (p.row.received_date, p.row.line))
    recorded: dict[str, Applied] = {}
    for part in batches(ordered):
        payments, applications = [], []
        for payment in part:
            applied, unapplied = cash.apply(payment)
            payments.append(_new_payment(payment, unapplied, now))
            numbers, left = cash.numbers(applied), cash.open_total(payment.account_id)
            applications.append((applied, unapplied, numbers, left))
        ids = ledger.insert_returning_ids(session, Payment, "payment_id", payments)
        ledger.insert_rows(
            session,
            PaymentApplication,
            [
                {"payment_id": ids[p.row.payment_id], "invoice_id": invoice_id, "amount": amount}
                for p, (applied, *_) in zip(part, applications, strict=True)
                for invoice_id, amount in applied.items()
            ],
        )
        for p, (applied, unapplied, numbers, left) in zip(part, applications, strict=True):
            recorded[p.row.payment_id] = Applied(
                ids[p.row.payment_id], applied, unapplied, numbers, left
            )
            events.emit(session, "payment.received", at=now,
                        account_number=p.row.account_number,
                        data=_received(p.row, numbers, applied, unapplied))  # fmt: skip
        progress(len(part))
    ledger.update_rows(session, Invoice, cash.invoice_updates(now))
    # a payment may bring an account back under its limit: its hold ends with it
    paying = {p.account_id for p in new}
    reconcile_holds(session, paying, now, "system", "payment", days_limit=hold_days)
    return recorded


class _Applier:
    """The open invoices of the paying accounts, as payments are applied one by one."""

    def __init__(self, open_invoices: Mapping[int, list[ledger.OpenInvoiceRecord]]) -> None:
        self._by_account = open_invoices
        self._open = {i.id: i.open_amount for found in open_invoices.values() for i in found}
        self._numbers = {i.id: i.invoice_number for found in open_invoices.values() for i in found}
        self._touched: set[int] = set()

    def apply(self, payment: NewPayment) -> tuple[dict[int, Decimal], Decimal]:
        """Applies one payment; returns the amount per invoice id and the unapplied rest."""
        records = self._by_account.get(payment.account_id, [])
        by_number = {record.invoice_number: record.id for record in records}
        candidates = [
            OpenInvoice(r.invoice_number, r.due_date, self._open[r.id], r.disputed)
            for r in records
            if self._open[r.id] > 0
        ]
        applied, unapplied = allocate(payment.row.amount, candidates, payment.row.invoice_number)
        by_id = {by_number[number]: amount for number, amount in applied.items()}
        for invoice_id, amount in by_id.items():
            self._open[invoice_id] -= amount
            self._touched.add(invoice_id)
        return by_id, unapplied

    def numbers(self, applied: Mapping[int, Decimal]) -> dict[int, str]:
        """The invoice numbers of the invoice ids in ``applied``."""
        return {i: self._numbers[i] for i in applied}

    def open_total(self, account_id: int) -> Decimal:
        """What the account has open now (disputed invoices included)."""
        return sum(
            (self._open[r.id] for r in self._by_account.get(account_id, [])), Decimal("0.00")
        )

    def invoice_updates(self, now: datetime) -> list[dict[str, Any]]:
        """The new open amount of every invoice that received cash."""
        return [
            {"id": invoice_id, "open_amount": self._open[invoice_id], "updated_at": now}
            for invoice_id in sorted(self._touched)
        ]


def plan(session: Session, records: Sequence[Record], context: ImportContext) -> PaymentPlan:
    """Decides which payments are new; their accounts and named invoices must exist."""
    rows, errors = parse_records(records, parse_payment, PAYMENTS.key)
    account_ids = ledger.account_ids(session, {row.account_number for row in rows})
    stored = ledger.payments(session, {row.payment_id for row in rows})
    named = {row.invoice_number for row in rows if row.invoice_number is not None}
    invoices = ledger.invoices(session, named)
    result = PaymentPlan(errors=errors)
    for row in rows:
        account_id = account_ids.get(row.account_number)
        payment = stored.get(row.payment_id)
        if account_id is None:
            reason = f"unknown account {row.account_number!r}"
            result.errors.append(RowError(row.line, "account_number", reason))
        elif payment is not None:
            difference = _difference(row, payment, context.columns)
            if difference:
                reason = f"already imported with different values ({difference})"
                result.errors.append(RowError(row.line, "payment_id", reason))
            else:
                result.unchanged += 1
        elif row.invoice_number is not None and (
            problem := _invoice_problem(row, account_id, invoices)
        ):
            result.errors.append(RowError(row.line, "invoice_number", problem))
        else:
            result.new.append(NewPayment(row, account_id))
    return result


def _difference(row: PaymentRow, payment: ledger.StoredPayment, columns: frozenset[str]) -> str:
    """``column stored != file`` for each compared column that differs, or ``""``.

    An optional column the file leaves out is not compared.
    """
    return ", ".join(
        f"{name} {_shown(getattr(payment, name))} != {_shown(getattr(row, name))}"
        for name in COMPARED
        if name in columns and getattr(payment, name) != getattr(row, name)
    )


def _shown(value: object) -> str:
    return "(blank)" if value is None else str(value)


def _invoice_problem(
    row: PaymentRow, account_id: int, invoices: Mapping[str, ledger.StoredInvoice]
) -> str | None:
    """Why the invoice a new payment names cannot receive it, if it cannot."""
    invoice = invoices.get(row.invoice_number or "")
    if invoice is None:
        return f"unknown invoice {row.invoice_number!r}"
    if invoice.account_id != account_id:
        return f"invoice {row.invoice_number!r} is not on account {row.account_number!r}"
    return None


def _new_payment(payment: NewPayment, unapplied: Decimal, now: datetime) -> dict[str, Any]:
    row = payment.row
    return {
        "payment_id": row.payment_id,
        "account_id": payment.account_id,
        "received_date": row.received_date,
        "amount": row.amount,
        "invoice_number": row.invoice_number,
        "method": row.method,
        "unapplied_amount": unapplied,
        "created_at": now,
    }


def _received(
    row: PaymentRow, numbers: Mapping[int, str], applied: Mapping[int, Decimal], left: Decimal
) -> dict[str, Any]:
    """The ``payment.received`` event's data: the payment and where its cash went."""
    return {
        "payment_id": row.payment_id,
        "amount": format_money(row.amount),
        "received_date": row.received_date.isoformat(),
        "method": row.method,
        "applied": {numbers[i]: format_money(amount) for i, amount in applied.items()},
        "unapplied": format_money(left),
    }
