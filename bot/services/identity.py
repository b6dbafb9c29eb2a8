"""Who is writing: the sender's account, and verification before anything is disclosed.

SPEC §5: the account number (or its last 4 digits when the sender's phone or chat id is on
file for that account) plus the billing postal code. The rules are
:func:`bot.policy.verification.verify`; this module finds the account, keeps the attempts
and acts on the outcome.

Failures are counted per sender (channel and address) **and** account, so a customer who
mistypes once on one account is not locked out of another. Answers naming no account at
all are counted per sender, under "no account", so guessing numbers locks too. While
locked, answers are refused unchecked and not recorded (recording them would only push the
unlock further away). Only verified results carry the account number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.db.models import Account
from bot.policy import verification as rules
from bot.policy.rules import Policy
from bot.repositories import accounts, audit, contacts, conversations, verifications
from bot.repositories import escalations as queue
from bot.services.customers import contact_channel, sender_address


@dataclass(frozen=True)
class AccountRef:
    """The account a sender's phone or chat id is on file for."""

    account_number: str
    name: str
    consumer: bool
    timezone: str | None


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of one verification answer.

    Attributes:
        status: ``verified``, ``failed`` or ``locked``.
        account_number: the verified account; None unless ``status`` is ``verified``.
        failures_left: failures still allowed before the lock.
        locked_until: when a lock ends (UTC); None unless locked.
    """

    status: str
    account_number: str | None
    failures_left: int
    locked_until: datetime | None


def sender_account(session: Session, channel: str, address: str) -> AccountRef | None:
    """The account whose contact is this sender (a web sender by its SMS phone), if any.

    A phone on file for several accounts answers with the oldest of them.
    """
    with session.begin():
        found = contacts.accounts_for(
            session, contact_channel(channel), sender_address(channel, address)
        )
        if not found:
            return None
        account = found[0]
        return AccountRef(account.account_number, account.name, account.consumer, account.timezone)


def verify_sender(
    session: Session,
    channel: str,
    address: str,
    given_account: str,
    given_postal_code: str,
    now: datetime,
    policy: Policy,
) -> VerificationResult:
    """Checks the sender's answer and records it (SPEC §5 Verification).

    The failure that locks opens one ``verification_failed`` escalation (reused while one
    is open). A verified Telegram chat is linked to the account as its Telegram contact.

    Raises:
        InputError: naming the channel or address when either is not acceptable.
    """
    address = sender_address(channel, address)
    with session.begin():
        on_file = contacts.accounts_for(session, contact_channel(channel), address)
        account = _resolve(session, given_account, given_postal_code, on_file)
        account_id = None if account is None else account.id
        since = now - timedelta(hours=policy.verification_window_hours)
        failures = verifications.failures(session, channel, address, account_id, since)
        if rules.is_locked(failures, now, policy):
            return VerificationResult("locked", None, 0, rules.locked_until(failures, now, policy))
        key = rules.AccountKey("", "")
        if account is not None:
            key = rules.AccountKey(account.account_number, account.postal_code)
        outcome = rules.verify(
            key,
            given_account,
            given_postal_code,
            sender_on_file=account is not None and account in on_file,
            failures=failures,
            now=now,
            policy=policy,
        )
        verified = outcome.status is rules.VerificationStatus.VERIFIED
        _record(session, channel, address, account_id, outcome, now)
        if verified and account is not None:
            _link(session, channel, address, account, now)
            return VerificationResult(
                "verified", account.account_number, outcome.failures_left, None
            )
        if outcome.status is rules.VerificationStatus.LOCKED:
            _escalate_lock(session, channel, address, account_id, now)
        return VerificationResult(
            outcome.status.value, None, outcome.failures_left, outcome.locked_until
        )


def is_locked(session: Session, channel: str, address: str, now: datetime, policy: Policy) -> bool:
    """Whether the sender is locked out of verification for any account (or guessing)."""
    address = sender_address(channel, address)
    since = now - timedelta(hours=policy.verification_window_hours)
    with session.begin():
        grouped = verifications.failures_by_account(session, channel, address, since)
    return any(rules.is_locked(times, now, policy) for times in grouped.values())


def _resolve(
    session: Session, given_account: str, given_postal_code: str, on_file: Sequence[Account]
) -> Account | None:
    """The account the answer names: by its full number, or by last 4 among those on file.

    Several accounts on file with the same last 4 digits: the one whose postal code the
    answer matches, else the first.
    """
    spelled = "".join(given_account.split()).replace("-", "").upper()
    if not spelled:
        return None
    account = accounts.by_number(session, given_account.strip())
    account = account or verifications.account_by_spelling(session, spelled)
    if account is not None:
        return account
    candidates = [
        a
        for a in on_file
        if rules.account_matches(a.account_number, given_account, sender_on_file=True)
    ]
    matching = [a for a in candidates if rules.postal_codes_match(a.postal_code, given_postal_code)]
    chosen = matching or candidates
    return chosen[0] if chosen else None


def _record(
    session: Session,
    channel: str,
    address: str,
    account_id: int | None,
    outcome: rules.VerificationOutcome,
    now: datetime,
) -> None:
    verified = outcome.status is rules.VerificationStatus.VERIFIED
    attempt = verifications.add(session, channel, address, account_id, succeeded=verified, at=now)
    audit.record(
        session,
        at=now,
        entity="verification",
        entity_id=attempt.id,
        action=outcome.status.value,
        detail={"channel": channel, "account_id": account_id},
    )


def _link(session: Session, channel: str, address: str, account: Account, now: datetime) -> None:
    """Links a verified Telegram chat to the account; marks an SMS contact on file verified."""
    kind = contact_channel(channel)
    if kind != "telegram":
        contact = contacts.of_account(session, account.id, kind)
        if contact is not None and contact.address == address:
            contact.verified_at = now
        return
    contact, replaced = contacts.link(session, account.id, kind, address, now)
    audit.record(
        session,
        at=now,
        entity="contact",
        entity_id=contact.id,
        action="linked",
        detail={"account_id": account.id, "channel": kind, "replaced": replaced is not None},
    )


def _escalate_lock(
    session: Session, channel: str, address: str, account_id: int | None, now: datetime
) -> None:
    queue.open_or_reuse(
        session,
        "verification_failed",
        account_id=account_id,
        channel=channel,
        address=address,
        conversation=conversations.current(session, channel, address),
        note="verification locked after repeated failures",
        now=now,
    )
