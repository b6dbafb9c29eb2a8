"""Write-offs with a second approver (SPEC §12).

A collector (or the daily review) proposes a candidate invoice; a manager who is not the
proposer approves — a ``write_off`` credit dated that day takes the invoice's open amount
off (so AR, aging, DSO fall and reminders stop for it) — or rejects it. Every step is
audited, and holds follow the credit.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Credit, Invoice, User, WriteOff
from bot.errors import Conflict, InputError, NotFound
from bot.policy.credit import HOLD_DAYS_PAST_DUE, WRITE_OFF_DAYS, WRITE_OFF_QUIET_DAYS
from bot.policy.money import format_money
from bot.repositories import audit, users
from bot.repositories import write_offs as repo
from bot.repositories.credit_report import WRITE_OFF_REASON
from bot.services.credit.holds import reconcile_holds
from bot.services.users import ROLES

#: the least role that may approve or reject a write-off
APPROVER_ROLE = "manager"


def _today(now: datetime, zone: ZoneInfo | None) -> datetime:
    return now.astimezone(zone or timezone.utc)


def candidates(
    session: Session, now: datetime, zone: ZoneInfo | None = None, days: int = WRITE_OFF_DAYS
) -> list[repo.Candidate]:
    """The invoices that may be written off now, oldest due first."""
    with session.begin():
        return repo.candidates(session, _today(now, zone).date(), days, WRITE_OFF_QUIET_DAYS)


def write_offs(session: Session) -> list[repo.WriteOffRow]:
    """The write-offs: proposals waiting first, then the newest decided."""
    with session.begin():
        return repo.listing(session)


def propose(
    session: Session,
    invoice_number: str,
    by_email: str,
    now: datetime,
    zone: ZoneInfo | None = None,
    days: int = WRITE_OFF_DAYS,
) -> repo.WriteOffRow:
    """Proposes writing off an invoice that is a candidate.

    Raises:
        NotFound: the invoice or the user does not exist.
        Conflict: the invoice is not a candidate (disputed, paid recently, promised …).
    """
    with session.begin():
        user = _user(session, by_email, "collector")
        invoice = session.scalars(
            select(Invoice).where(Invoice.invoice_number == invoice_number.strip())
        ).first()
        if invoice is None:
            raise NotFound(f"invoice {invoice_number} does not exist")
        today = _today(now, zone).date()
        found = repo.candidates(session, today, days, WRITE_OFF_QUIET_DAYS, invoice.id)
        if not found:
            raise Conflict(
                f"invoice {invoice.invoice_number} is not a write-off candidate (it must be "
                f"undisputed, more than {days} days past due, on an account with no payment "
                f"in {WRITE_OFF_QUIET_DAYS} days, no pending promise and no active plan, "
                "and not proposed already)"
            )
        write_off = _proposal(session, found[0], user, now)
        session.flush()
        return _row(session, write_off.id)


def propose_candidates(
    session: Session, now: datetime, zone: ZoneInfo | None = None, days: int = WRITE_OFF_DAYS
) -> int:
    """The daily review's proposals: every candidate, proposed by nobody; how many."""
    with session.begin():
        found = repo.candidates(session, _today(now, zone).date(), days, WRITE_OFF_QUIET_DAYS)
        for candidate in found:
            _proposal(session, candidate, None, now)
        return len(found)


def approve(
    session: Session,
    write_off_id: int,
    by_email: str,
    now: datetime,
    zone: ZoneInfo | None = None,
    hold_days: int = HOLD_DAYS_PAST_DUE,
) -> repo.WriteOffRow:
    """Approves a proposal: a ``write_off`` credit of what is open, dated today
    (``hold_days``: ``ARBOT_HOLD_DAYS_PAST_DUE``, for the account's credit hold).

    Raises:
        NotFound: the write-off or the user does not exist.
        InputError: the user is not a manager or admin.
        Conflict: the user proposed it, or it is decided already.
    """
    with session.begin():
        write_off, user = _decidable(session, write_off_id, by_email)
        invoice = session.get(Invoice, write_off.invoice_id, with_for_update=True)
        if invoice is None:
            raise NotFound(f"write-off {write_off_id}: its invoice does not exist")
        amount = max(invoice.open_amount, Decimal("0.00"))
        credit = Credit(
            invoice_id=invoice.id, amount=amount, credit_date=_today(now, zone).date(),
            reason=WRITE_OFF_REASON, created_at=now,
        )  # fmt: skip
        session.add(credit)
        session.flush()
        invoice.open_amount, invoice.updated_at = invoice.open_amount - amount, now
        write_off.status, write_off.amount, write_off.credit_id = "approved", amount, credit.id
        write_off.decided_by, write_off.decided_at = user.id, now
        _audit(session, write_off, "write_off_approved", user, now, invoice.invoice_number)
        session.flush()
        why = "write-off approved"
        reconcile_holds(session, {invoice.account_id}, now, "collector", why, days_limit=hold_days)
        return _row(session, write_off.id)


def reject(session: Session, write_off_id: int, by_email: str, now: datetime) -> repo.WriteOffRow:
    """Rejects a proposal; the invoice stays owed (and may be proposed again later).

    Raises:
        NotFound, InputError, Conflict: as :func:`approve`.
    """
    with session.begin():
        write_off, user = _decidable(session, write_off_id, by_email)
        write_off.status, write_off.decided_by, write_off.decided_at = "rejected", user.id, now
        invoice = session.get(Invoice, write_off.invoice_id)
        number = "" if invoice is None else invoice.invoice_number
        _audit(session, write_off, "write_off_rejected", user, now, number)
        session.flush()
        return _row(session, write_off.id)


def _proposal(
    session: Session, candidate: repo.Candidate, user: User | None, now: datetime
) -> WriteOff:
    write_off = WriteOff(
        invoice_id=candidate.invoice_id, amount=candidate.open_amount, status="proposed",
        proposed_by=None if user is None else user.id, proposed_at=now,
    )  # fmt: skip
    session.add(write_off)
    session.flush()
    _audit(session, write_off, "write_off_proposed", user, now, candidate.invoice_number)
    return write_off


def _decidable(session: Session, write_off_id: int, by_email: str) -> tuple[WriteOff, User]:
    user = _user(session, by_email, APPROVER_ROLE)
    write_off = repo.locked(session, write_off_id)
    if write_off is None:
        raise NotFound(f"write-off {write_off_id} does not exist")
    if write_off.status != "proposed":
        raise Conflict(f"write-off {write_off_id} is already {write_off.status}")
    if write_off.proposed_by == user.id:
        raise Conflict(
            f"write-off {write_off_id}: {user.email} proposed it; another manager must decide"
        )
    return write_off, user


def _user(session: Session, email: str, least: str) -> User:
    user = users.by_email(session, email.strip())
    if user is None:
        raise NotFound(f"--by: no user {email}")
    if ROLES.index(user.role) < ROLES.index(least):
        raise InputError(f"--by: a {user.role} may not do this ({least} or above)")
    return user


def _audit(
    session: Session,
    write_off: WriteOff,
    action: str,
    user: User | None,
    now: datetime,
    invoice_number: str,
) -> None:
    audit.record(
        session, at=now, entity="write_off", entity_id=write_off.id, action=action,
        actor="system" if user is None else "collector",
        user_id=None if user is None else user.id,
        detail={"invoice": invoice_number, "amount": write_off.amount,
                "by": None if user is None else user.email},
    )  # fmt: skip


def _row(session: Session, write_off_id: int) -> repo.WriteOffRow:
    return repo.listing(session, write_off_id=write_off_id)[0]


def write_off_json(row: repo.WriteOffRow) -> dict[str, Any]:
    """One write-off as ``arbot writeoff list --json`` and ``GET /api/write-offs`` show it."""
    return {
        "id": row.id,
        "invoice_number": row.invoice_number,
        "account_number": row.account_number,
        "amount": format_money(row.amount),
        "status": row.status,
        "proposed_by": row.proposed_by,
        "proposed_at": row.proposed_at.isoformat(),
        "decided_by": row.decided_by,
        "decided_at": None if row.decided_at is None else row.decided_at.isoformat(),
    }
