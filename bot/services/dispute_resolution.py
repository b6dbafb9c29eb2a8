"""A collector decides a dispute (SPEC §5 Dispute; issue 6, Disputes and approvals).

*Uphold*: the customer is right. The invoice's open amount is credited (a
:class:`~bot.db.models.Credit` dated the customer's today, which the reports count from
that day) so it is no longer owed. *Reject*: the invoice is owed after all. Either way the
dispute is closed — which releases its hold, since reminders, promises and plans only
leave out invoices under an *open* dispute — the decision is audited, the account's
``dispute`` case leaves the queue once none of its disputes is open, and the customer is
told (:mod:`bot.services.decisions`). Only an open dispute can be decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.models import Account, Credit, Dispute, Invoice
from bot.errors import Conflict, NotFound
from bot.policy import decision_notices as words
from bot.policy.credit import HOLD_DAYS_PAST_DUE
from bot.repositories import audit, decisions
from bot.repositories.decisions import OpenDispute
from bot.services.credit.holds import reconcile_holds
from bot.services.customers import customer_today
from bot.services.decisions import Notice, addressee, close_case, queue_notice

#: the reason a credit from an upheld dispute is booked under
CREDIT_REASON = "dispute_upheld"


@dataclass(frozen=True)
class DisputeDecision:
    """What became of the dispute; ``notice`` is what the customer is to be told."""

    id: int
    reference: str
    status: str  # upheld | rejected
    invoice_number: str
    credited: Decimal
    open_amount: Decimal
    closed_escalation_id: int | None
    notice: Notice | None


def open_disputes(session: Session) -> list[OpenDispute]:
    """Every open dispute with its account and invoice, oldest first."""
    with session.begin():
        return decisions.open_disputes(session)


def uphold(
    session: Session,
    dispute_id: int,
    user_id: int,
    now: datetime,
    *,
    company: str,
    default_timezone: ZoneInfo | None = None,
    hold_days: int = HOLD_DAYS_PAST_DUE,
) -> DisputeDecision:
    """Accepts the dispute and credits what is open on its invoice (``hold_days``:
    ``ARBOT_HOLD_DAYS_PAST_DUE``, for the credit hold the decision may start or release).

    Raises:
        NotFound: naming the dispute id.
        Conflict: when the dispute is no longer open.
    """
    with session.begin():
        dispute, invoice, account = _open(session, dispute_id)
        credit = max(invoice.open_amount, Decimal("0.00"))
        if credit > 0:
            day = customer_today(account, now, default_timezone)
            session.add(
                Credit(
                    invoice_id=invoice.id,
                    amount=credit,
                    credit_date=day,
                    reason=CREDIT_REASON,
                    created_at=now,
                )
            )
            invoice.open_amount, invoice.updated_at = invoice.open_amount - credit, now
            audit.record(
                session, at=now, entity="invoice", entity_id=invoice.id, action="credited",
                actor="collector", user_id=user_id,
                detail={"amount": credit, "reason": CREDIT_REASON, "dispute": dispute.reference},
            )  # fmt: skip
        decided = _Decided("upheld", credit, user_id, now, company, hold_days)
        return _decide(session, dispute, invoice, account, decided)


def reject(
    session: Session,
    dispute_id: int,
    user_id: int,
    now: datetime,
    *,
    company: str,
    hold_days: int = HOLD_DAYS_PAST_DUE,
) -> DisputeDecision:
    """Refuses the dispute: its invoice is owed again, reminders and promises count it.

    Raises:
        NotFound: naming the dispute id.
        Conflict: when the dispute is no longer open.
    """
    with session.begin():
        dispute, invoice, account = _open(session, dispute_id)
        decided = _Decided("rejected", Decimal("0.00"), user_id, now, company, hold_days)
        return _decide(session, dispute, invoice, account, decided)


def _open(session: Session, dispute_id: int) -> tuple[Dispute, Invoice, Account]:
    """The open dispute (locked, so two decisions on it queue up), its invoice and account."""
    dispute = decisions.dispute(session, dispute_id, lock=True)
    if dispute is None:
        raise NotFound(f"dispute {dispute_id} does not exist")
    if dispute.status != "open":
        raise Conflict(f"dispute {dispute.reference} is already {dispute.status}")
    invoice = decisions.invoice(session, dispute.invoice_id, lock=True)
    account = session.get(Account, dispute.account_id)
    if invoice is None or account is None:  # foreign keys make this impossible
        raise NotFound(f"dispute {dispute.reference}: its invoice or account is missing")
    return dispute, invoice, account


@dataclass(frozen=True)
class _Decided:
    """What was decided, by whom and when, and the settings the decision follows."""

    status: str
    credited: Decimal
    user_id: int
    now: datetime
    company: str
    hold_days: int


def _decide(
    session: Session, dispute: Dispute, invoice: Invoice, account: Account, decided: _Decided
) -> DisputeDecision:
    """Closes the dispute, audits it, leaves the queue and words the notice."""
    status, credited, user_id = decided.status, decided.credited, decided.user_id
    now, company = decided.now, decided.company
    dispute.status, dispute.resolved_at, dispute.resolved_by = status, now, user_id
    audit.record(
        session, at=now, entity="dispute", entity_id=dispute.id, action=status,
        actor="collector", user_id=user_id,
        detail={"reference": dispute.reference, "invoice": invoice.invoice_number,
                "credited": credited},
    )  # fmt: skip
    session.flush()
    why = f"dispute {status}"
    reconcile_holds(session, {account.id}, now, "collector", why, days_limit=decided.hold_days)
    closed = None
    if decisions.open_disputes_of_account(session, account.id) == 0:
        note = f"{dispute.reference} {status}"
        closed = close_case(session, account.id, "dispute", user_id, now, note)
    notice = _notice(session, dispute, invoice, account, credited, company)
    queue_notice(session, notice, now)
    return DisputeDecision(
        dispute.id,
        dispute.reference,
        status,
        invoice.invoice_number,
        credited,
        invoice.open_amount,
        closed,
        notice,
    )


def _notice(
    session: Session,
    dispute: Dispute,
    invoice: Invoice,
    account: Account,
    credited: Decimal,
    company: str,
) -> Notice | None:
    found = addressee(session, account, dispute.conversation_id, company)
    if found is None:
        return None
    to, address = found
    if dispute.status == "upheld":
        text = words.dispute_upheld(dispute.reference, invoice.invoice_number, credited, to)
    else:
        text = words.dispute_rejected(
            dispute.reference, invoice.invoice_number, invoice.open_amount, to
        )
    return Notice(to.channel, address, text, key=f"dispute:{dispute.id}:{dispute.status}")
