"""Refunds and card disputes: money taken back from a Stripe payment (SPEC §11).

A reversal is a ledger entry of its own, never an edit: a ``payments`` row with a negative
amount (method ``stripe_reversal``, received the day it happened) whose negative
applications reopen the invoices the payment had paid — its unapplied credit first, then
the invoice that received cash last (:func:`bot.policy.payments.reverse`). So aging and DSO
before that day are unchanged, and after it the money is owed again. Each reversal is
audited and opens a ``payment_reversed`` escalation for a collector.

A reversal whose payment is not recorded yet (Stripe sent ``charge.refunded`` before
``checkout.session.completed``) is stored and waits; recording the payment applies it.
A promise already kept stays kept: the collector the escalation reaches decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.models import Account, Invoice, Payment, PaymentApplication, PaymentReversal
from bot.policy.contact_windows import local_date
from bot.policy.credit import HOLD_DAYS_PAST_DUE
from bot.policy.payments import ZERO, reverse
from bot.repositories import audit
from bot.repositories import payment_requests as repo
from bot.services.credit.holds import reconcile_holds
from bot.services.customers import customer_zone
from bot.services.escalations import escalate_account

METHOD = "stripe_reversal"


def record_reversal(
    session: Session,
    *,
    kind: str,
    source: str,
    payment_intent: str,
    amount: Decimal,
    now: datetime,
    default_zone: ZoneInfo | None = None,
    hold_days: int = HOLD_DAYS_PAST_DUE,
) -> str:
    """Records a refund or dispute of ``amount`` once per ``source``; what became of it:
    ``reversed``, ``waiting`` (no payment yet) or ``duplicate``."""
    if repo.reversal(session, source) is not None or amount <= 0:
        return "duplicate"
    reversal = PaymentReversal(
        source=source, kind=kind, payment_intent=payment_intent, amount=amount, created_at=now
    )
    session.add(reversal)
    session.flush()
    payment = repo.payment_by_id(session, payment_intent)
    if payment is None:
        return "waiting"
    apply_reversal(session, reversal, payment, now, default_zone, hold_days)
    return "reversed"


def apply_waiting(
    session: Session,
    payment: Payment,
    now: datetime,
    default_zone: ZoneInfo | None = None,
    hold_days: int = HOLD_DAYS_PAST_DUE,
) -> int:
    """Applies the reversals that arrived before ``payment`` was recorded; how many."""
    waiting = [
        r for r in repo.reversals_of(session, payment.payment_id) if r.reversal_payment_id is None
    ]
    for reversal in waiting:
        apply_reversal(session, reversal, payment, now, default_zone, hold_days)
    return len(waiting)


def apply_reversal(
    session: Session,
    reversal: PaymentReversal,
    payment: Payment,
    now: datetime,
    default_zone: ZoneInfo | None = None,
    hold_days: int = HOLD_DAYS_PAST_DUE,
) -> None:
    """Writes the negative ledger entry of ``reversal``, reopens invoices, escalates."""
    account = repo.lock_account(session, payment.account_id)
    if account is None:
        return
    earlier = [
        r.reversal_payment_id
        for r in repo.reversals_of(session, payment.payment_id)
        if r.reversal_payment_id is not None
    ]
    entries = [payment.id, *earlier]
    credit = payment.unapplied_amount + sum(
        (session.get(Payment, i).unapplied_amount for i in earlier),  # type: ignore[union-attr]
        ZERO,
    )
    from_credit, taken = reverse(reversal.amount, credit, repo.applications(session, entries))
    total = from_credit + sum((share for _, share in taken), ZERO)
    day = local_date(now, customer_zone(account.timezone, default_zone))
    entry = Payment(
        payment_id=f"rev-{reversal.id}-{payment.payment_id}"[:64],
        account_id=account.id,
        received_date=day,
        amount=-total,
        invoice_number=None,
        method=METHOD,
        unapplied_amount=-from_credit,
        created_at=now,
    )
    session.add(entry)
    session.flush()
    reopened = repo.invoices_by_id(session, [invoice_id for invoice_id, _ in taken])
    for invoice_id, share in taken:
        session.add(PaymentApplication(payment_id=entry.id, invoice_id=invoice_id, amount=-share))
        invoice = reopened[invoice_id]
        invoice.open_amount += share
        invoice.updated_at = now
    reversal.reversal_payment_id, reversal.applied_at = entry.id, now
    session.flush()
    why = f"payment {reversal.kind}"
    reconcile_holds(session, {account.id}, now, "system", why, days_limit=hold_days)
    _audit_and_escalate(session, account, reversal, total, reopened, now)


def _audit_and_escalate(
    session: Session,
    account: Account,
    reversal: PaymentReversal,
    total: Decimal,
    reopened: Mapping[int, Invoice],
    now: datetime,
) -> None:
    numbers = sorted(i.invoice_number for i in reopened.values())
    audit.record(
        session,
        at=now,
        entity="payment",
        entity_id=reversal.payment_intent,
        action="reversed",
        actor="system",
        detail={
            "kind": reversal.kind,
            "source": reversal.source,
            "amount": total,
            "invoices_reopened": numbers,
            "why": f"stripe {reversal.kind}",
        },
    )
    note = (
        f"Stripe {reversal.kind} of {total} on payment {reversal.payment_intent}; "
        f"reopened: {', '.join(numbers) or 'none (credit only)'}"
    )
    escalate_account(session, account, "payment_reversed", now, note)
