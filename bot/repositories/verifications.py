"""Verification attempts (the locks per sender and per account) and finding the account a
customer names."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Account, VerificationAttempt


def account_by_spelling(session: Session, normalized: str) -> Account | None:
    """The account whose number, upper-cased without spaces and hyphens, is ``normalized``.

    Customers type ``a 7`` or ``1001-2345`` for ``A-7`` and ``10012345``; an exact match is
    tried first by the caller, so this scan only runs for such spellings.
    """
    spelled = func.upper(func.replace(func.replace(Account.account_number, "-", ""), " ", ""))
    query = select(Account).where(spelled == normalized).order_by(Account.id).limit(1)
    return session.scalar(query)


def failures(
    session: Session, channel: str, sender: str, account_id: int | None, since: datetime
) -> list[datetime]:
    """When the sender failed verification for this account (None: unresolved) after ``since``."""
    account = (
        VerificationAttempt.account_id.is_(None)
        if account_id is None
        else VerificationAttempt.account_id == account_id
    )
    query = select(VerificationAttempt.at).where(
        VerificationAttempt.channel == channel,
        VerificationAttempt.sender == sender,
        VerificationAttempt.succeeded.is_(False),
        VerificationAttempt.at > since,
        account,
    )
    return list(session.scalars(query))


def failures_on_account(session: Session, account_id: int, since: datetime) -> list[datetime]:
    """When anyone, from any sender, failed verification for this account after ``since``."""
    query = select(VerificationAttempt.at).where(
        VerificationAttempt.account_id == account_id,
        VerificationAttempt.succeeded.is_(False),
        VerificationAttempt.at > since,
    )
    return list(session.scalars(query))


def failures_by_account(
    session: Session, channel: str, sender: str, since: datetime
) -> dict[int | None, list[datetime]]:
    """The sender's failures after ``since``, grouped by account (None: unresolved)."""
    query = select(VerificationAttempt.account_id, VerificationAttempt.at).where(
        VerificationAttempt.channel == channel,
        VerificationAttempt.sender == sender,
        VerificationAttempt.succeeded.is_(False),
        VerificationAttempt.at > since,
    )
    grouped: dict[int | None, list[datetime]] = defaultdict(list)
    for account_id, at in session.execute(query):
        grouped[account_id].append(at)
    return dict(grouped)


def add(
    session: Session,
    channel: str,
    sender: str,
    account_id: int | None,
    *,
    succeeded: bool,
    at: datetime,
) -> VerificationAttempt:
    """Records one answer to the verification questions."""
    attempt = VerificationAttempt(
        channel=channel, sender=sender, account_id=account_id, succeeded=succeeded, at=at
    )
    session.add(attempt)
    session.flush()
    return attempt
