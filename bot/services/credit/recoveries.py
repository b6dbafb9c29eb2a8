"""Recoveries (SPEC §12): a payment on a written-off invoice brings the amount back.

Before cash application, each new payment that names an invoice written off reinstates
up to its amount of what was written off — a negative ``write_off_recovery`` credit dated
the day the payment came, audited — so the payment then applies to it like any other.
The write-off stays in the books as approved; the recovery is its own entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.db.models import Credit, Invoice
from bot.repositories import audit
from bot.repositories import write_offs as repo


def reinstate_recovered(
    session: Session, payments: Sequence[tuple[str | None, Decimal, date, str]], now: datetime
) -> None:
    """Reinstates what ``(invoice number, amount, received date, payment id)`` recover."""
    named = sorted({number for number, *_ in payments if number})
    if not named:
        return
    found = repo.written_off(session, named)
    left = {number: item.recoverable for number, item in found.items()}
    for number, amount, received, payment_id in payments:
        if number not in found or amount <= 0 or left[number] <= 0:
            continue
        item, back = found[number], min(amount, left[number])
        left[number] -= back
        session.add(
            Credit(invoice_id=item.invoice_id, amount=-back, credit_date=received,
                   reason=repo.RECOVERY_REASON, created_at=now)
        )  # fmt: skip
        session.execute(
            update(Invoice)
            .where(Invoice.id == item.invoice_id)
            .values(open_amount=Invoice.open_amount + back, updated_at=now)
        )
        audit.record(
            session, at=now, entity="write_off", entity_id=item.write_off_id,
            action="write_off_recovered", actor="system",
            detail={"invoice": number, "amount": back, "payment": payment_id},
        )  # fmt: skip
    session.flush()
