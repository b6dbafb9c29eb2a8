"""Disputes raised in a conversation, and "I already paid" claims (SPEC §5 Dispute).

A dispute puts its invoice on hold: no reminders, and it is left out of what promises and
plans may cover, until a collector upholds or rejects it. Each dispute gets a reference
(``D-`` + number) the customer can quote, and a ``dispute`` escalation puts the account in
the collectors' dispute queue. Opening a dispute on an invoice already under one returns
the existing dispute rather than a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import Account, Dispute, Invoice
from bot.errors import Conflict, InputError, NotFound
from bot.policy.rules import DEFAULT_POLICY, Policy
from bot.repositories import audit, disputes, invoices
from bot.services.customers import customer_today, require_account
from bot.services.escalations import escalate_account

REASONS = ("wrong_amount", "not_received", "damaged", "already_paid", "not_my_debt", "other")
_REFERENCE_ATTEMPTS = 5


@dataclass(frozen=True)
class DisputeRecord:
    """A dispute the customer can quote, and the invoice it holds."""

    reference: str
    invoice_number: str | None


@dataclass(frozen=True)
class ClaimResult:
    """A payment that matches the claim, or the ``already_paid`` dispute opened instead."""

    matched_payment_id: int | None
    dispute: DisputeRecord | None
    matched_amount: Decimal | None = None
    matched_date: date | None = None


def open_dispute(
    session: Session,
    account_number: str,
    invoice_number: str | None,
    reason: str,
    description: str,
    *,
    channel: str,
    now: datetime,
    conversation_id: int | None = None,
    dialogue_intents: Sequence[str] | None = None,
) -> Sequence[DisputeRecord]:
    """Disputes one invoice of the account, or every open one when ``invoice_number`` is None.

    ``dialogue_intents`` go to the summary of the case it opens (a chat turn's).

    Raises:
        InputError: naming the reason when it is not one of :data:`REASONS`.
        NotFound: naming the account or the invoice (another account's is not found).
    """
    if reason not in REASONS:
        raise InputError(f"reason: {reason!r} is not one of {', '.join(REASONS)}")
    with session.begin():
        account = require_account(session, account_number, lock=True)
        if invoice_number is None:
            targets = list(invoices.open_of_account(session, account.id))
        else:
            targets = [_invoice(session, account, invoice_number)]
        held = disputes.open_by_invoice(session, [invoice.id for invoice in targets])
        records = []
        for invoice in targets:
            dispute = held.get(invoice.id)
            if dispute is None:
                dispute = _open(
                    session, account, invoice, reason, description, now, channel, conversation_id
                )
            records.append(DisputeRecord(dispute.reference, invoice.invoice_number))
        if len(records) > len(held):
            note = _note(records, reason)
            escalate_account(session, account, "dispute", now, note, dialogue_intents)
        return records


def claim_paid(
    session: Session,
    account_number: str,
    invoice_number: str | None,
    *,
    channel: str,
    now: datetime,
    description: str = "",
    policy: Policy = DEFAULT_POLICY,
) -> ClaimResult:
    """A payment matching the customer's claim; else an ``already_paid`` dispute.

    With an invoice named, the claim matches when that invoice is paid in full and a
    payment was applied to it; otherwise it is disputed. With none, a payment received in
    the last ``policy.claim_match_days`` days matches; otherwise the oldest open invoice
    not already under dispute is disputed (nothing, when none is open).

    Raises:
        NotFound: naming the account or the invoice.
    """
    with session.begin():
        account = require_account(session, account_number)
        if invoice_number is not None:
            invoice = _invoice(session, account, invoice_number)
            payment = disputes.payment_applied_to(session, invoice.id)
            if payment is not None and invoice.open_amount <= 0:
                return ClaimResult(payment.id, None, payment.amount, payment.received_date)
            target: str | None = invoice.invoice_number
        else:
            since = customer_today(account, now) - timedelta(days=policy.claim_match_days)
            payment = disputes.payment_received_since(session, account.id, since)
            if payment is not None:
                return ClaimResult(payment.id, None, payment.amount, payment.received_date)
            oldest = _oldest_undisputed(session, account)
            target = None if oldest is None else oldest.invoice_number
        if target is None:
            return ClaimResult(None, None)
    records = open_dispute(
        session,
        account_number,
        target,
        "already_paid",
        description,
        channel=channel,
        now=now,
    )
    return ClaimResult(None, records[0])


def _invoice(session: Session, account: Account, invoice_number: str) -> Invoice:
    invoice = invoices.of_account(session, account.id, invoice_number.strip().upper())
    invoice = invoice or invoices.of_account(session, account.id, invoice_number.strip())
    if invoice is None:
        raise NotFound(f"invoice {invoice_number!r} is not on account {account.account_number}")
    return invoice


def _oldest_undisputed(session: Session, account: Account) -> Invoice | None:
    candidates = invoices.open_of_account(session, account.id)
    held = disputes.open_by_invoice(session, [invoice.id for invoice in candidates])
    return next((invoice for invoice in candidates if invoice.id not in held), None)


def _open(
    session: Session,
    account: Account,
    invoice: Invoice,
    reason: str,
    description: str,
    now: datetime,
    channel: str,
    conversation_id: int | None,
) -> Dispute:
    """Adds a dispute under the next free reference (retried if a concurrent one took it)."""
    for _ in range(_REFERENCE_ATTEMPTS):
        number = disputes.highest_reference_number(session) + 1
        dispute = Dispute(
            reference=f"{disputes.REFERENCE_PREFIX}{number}",
            account_id=account.id,
            invoice_id=invoice.id,
            reason=reason,
            description=description,
            status="open",
            conversation_id=conversation_id,
            created_at=now,
        )
        try:
            with session.begin_nested():
                session.add(dispute)
        except IntegrityError:
            continue
        audit.record(
            session,
            at=now,
            entity="dispute",
            entity_id=dispute.id,
            action="opened",
            detail={"reference": dispute.reference, "reason": reason, "channel": channel},
        )
        return dispute
    raise Conflict(f"reference: no free dispute reference after {_REFERENCE_ATTEMPTS} tries")


def _note(records: Sequence[DisputeRecord], reason: str) -> str:
    listed = ", ".join(f"{r.reference} ({r.invoice_number})" for r in records)
    return f"{reason}: {listed}"
