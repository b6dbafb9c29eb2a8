"""invoices.csv: upserts invoices of known accounts, keeping their open amount right.

A new invoice is open for its whole amount. A changed one keeps the cash already applied to
it: its open amount becomes amount − payments applied − credits, so its amount may not drop
below what was applied and credited, and it may not move to another account once payments
are applied (cash is re-applied by reversal, not by editing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.db.models import Invoice
from bot.imports.columns import INVOICES
from bot.imports.context import Counts, ImportContext, batches, parse_records
from bot.imports.reading import Record
from bot.imports.rows import InvoiceRow, RowError, parse_invoice
from bot.repositories import ledger

ZERO = Decimal("0.00")
FIELDS = ("account_id", "issue_date", "due_date", "amount", "currency")


@dataclass
class InvoicePlan:
    """Invoices to insert and the changes to stored ones."""

    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def write(self, session: Session, context: ImportContext) -> Counts:
        """Inserts the new invoices batch by batch, then updates the changed ones."""
        for part in batches(self.inserts):
            ledger.insert_rows(session, Invoice, part)
            context.progress(len(part))
        ledger.update_rows(session, Invoice, self.updates)
        context.progress(len(self.updates) + self.unchanged)
        return Counts(len(self.inserts), len(self.updates), self.unchanged)


@dataclass(frozen=True)
class _Ledger:
    """What is stored about the file's accounts and invoices."""

    account_ids: Mapping[str, int]
    invoices: Mapping[str, ledger.StoredInvoice]
    applied: Mapping[int, Decimal]
    credits: Mapping[int, Decimal]


def plan(session: Session, records: Sequence[Record], context: ImportContext) -> InvoicePlan:
    """Decides what importing ``records`` changes; every account must already exist."""
    rows, errors = parse_records(records, parse_invoice, INVOICES.key)
    invoices = ledger.invoices(session, {row.invoice_number for row in rows})
    ids = [invoice.id for invoice in invoices.values()]
    stored = _Ledger(
        account_ids=ledger.account_ids(session, {row.account_number for row in rows}),
        invoices=invoices,
        applied=ledger.applied_totals(session, ids),
        credits=ledger.credit_totals(session, ids),
    )
    result = InvoicePlan(errors=errors)
    for row in rows:
        account_id = stored.account_ids.get(row.account_number)
        invoice = stored.invoices.get(row.invoice_number)
        if account_id is None:
            reason = f"unknown account {row.account_number!r}"
            result.errors.append(RowError(row.line, "account_number", reason))
        elif invoice is None:
            result.inserts.append(_new_invoice(row, account_id, context.now))
        else:
            _plan_update(result, row, account_id, invoice, stored, context)
    return result


def _plan_update(
    result: InvoicePlan,
    row: InvoiceRow,
    account_id: int,
    invoice: ledger.StoredInvoice,
    stored: _Ledger,
    context: ImportContext,
) -> None:
    wanted = {
        "account_id": account_id,
        "issue_date": row.issue_date,
        "due_date": row.due_date,
        "amount": row.amount,
    }
    if "currency" in context.columns:
        wanted["currency"] = row.currency
    changed = {f: value for f, value in wanted.items() if getattr(invoice, f) != value}
    if not changed:
        result.unchanged += 1
        return
    applied = stored.applied.get(invoice.id, ZERO)
    credited = stored.credits.get(invoice.id, ZERO)
    errors = _update_errors(row, "account_id" in changed, applied, credited)
    if errors:
        result.errors += errors
        return
    open_amount = row.amount - applied - credited
    result.updates.append(
        {"id": invoice.id, "open_amount": open_amount, "updated_at": context.now} | changed
    )


def _update_errors(
    row: InvoiceRow, moved: bool, applied: Decimal, credited: Decimal
) -> list[RowError]:
    """Why a stored invoice cannot take the row's values, if it cannot."""
    errors = []
    if moved and applied:
        reason = (
            f"{applied} in payments is applied to this invoice; "
            f"it cannot move to account {row.account_number!r}"
        )
        errors.append(RowError(row.line, "account_number", reason))
    if row.amount < applied + credited:
        taken = f"{applied} already applied" + (f" and {credited} credited" if credited else "")
        errors.append(RowError(row.line, "amount", f"{row.amount} is less than the {taken}"))
    return errors


def _new_invoice(row: InvoiceRow, account_id: int, now: datetime) -> dict[str, Any]:
    return {
        "invoice_number": row.invoice_number,
        "account_id": account_id,
        "issue_date": row.issue_date,
        "due_date": row.due_date,
        "amount": row.amount,
        "currency": row.currency,
        "open_amount": row.amount,
        "created_at": now,
        "updated_at": now,
    }
